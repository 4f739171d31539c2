package looop.beat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import looop.io.Fs;
import looop.profile.Lock;
import looop.profile.Paths;

/**
 * What `looop run` prints, kept in run.log too. `looop run` runs outside
 * tmux, so it has no session for `looop watch pulse` and `looop log pulse` to
 * show; without this file they showed the last `looop` pulse session, long
 * ended, while the loop ran in another terminal. Rewritten by each run.
 */
public final class RunLog {
    private RunLog() {}

    public static Path file(Paths paths) {
        return paths.data.resolve("run.log");
    }

    /**
     * out, with every byte also appended to run.log. The file is started
     * empty at the first byte, not before: the pulse prints nothing until it
     * holds the lock, so a run refused before that (a missing runner, a
     * pulse already running) neither creates the file nor empties the
     * running pulse's. A link at its name is refused, never followed.
     */
    public static PrintStream tee(PrintStream out, Paths paths) {
        return new PrintStream(new OutputStream() {
            private OutputStream file;
            private boolean tried;

            private OutputStream copy() {
                if (tried) return file;
                tried = true;
                try {
                    file = Files.newOutputStream(RunLog.file(paths), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException | UncheckedIOException e) {
                    file = null; // the loop runs without the copy; watch and log then say nothing runs outside tmux
                }
                return file;
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                if (copy() != null) file.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                if (copy() != null) file.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
                if (file != null) file.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** Whether a `looop run` holds the profile now: the pulse's lock is held while no pulse session lives. */
    public static boolean running(Paths paths, boolean pulseSessionAlive) {
        return !pulseSessionAlive && Lock.isHeld(paths) && Files.isRegularFile(file(paths));
    }

    /** Prints run.log (its last tail lines, when tail is set); with follow, then what it gains until the run lets the lock go. */
    public static int print(Paths paths, PrintStream out, Integer tail, boolean follow) {
        String text = Fs.readOr(file(paths), "");
        long offset = text.getBytes(StandardCharsets.UTF_8).length;
        if (tail != null) {
            String[] lines = text.split("\n", -1);
            int from = Math.max(0, lines.length - 1 - tail);
            text = String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length));
        }
        out.print(text);
        out.flush();
        while (follow && Lock.isHeld(paths)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            byte[] all = Fs.readOr(file(paths), "").getBytes(StandardCharsets.UTF_8);
            if (all.length > offset) {
                out.write(all, (int) offset, (int) (all.length - offset));
                out.flush();
                offset = all.length;
            }
        }
        return 0;
    }
}
