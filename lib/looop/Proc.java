package looop;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one user command the way SPEC.md says every command runs: `bash -c` in
 * looop's own environment plus the profile's exports, in a given directory,
 * with a timeout that kills the command and everything it started.
 */
public final class Proc {
    private Proc() {}

    /** Exit code used for a command killed at its timeout, as coreutils' timeout(1) does. */
    public static final int TIMED_OUT = 124;

    /** What a captured run produced. stdout holds at most the cap; stdoutBytes counts all of it. */
    public record Result(int exitCode, boolean timedOut, byte[] stdout, long stdoutBytes, String stderrTail) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** A command to run: the shell text, its directory, extra environment and limits. */
    public record Spec(String command, Path dir, Map<String, String> env, byte[] stdin, Duration timeout) {
        public Spec {
            env = env == null ? Map.of() : env;
        }
    }

    /** Single-quotes a word for bash, so any path or text passes through as one argument. */
    public static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static ProcessBuilder builder(Spec spec) {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", spec.command());
        pb.directory(spec.dir().toFile());
        pb.environment().putAll(spec.env());
        if (spec.stdin() == null) pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    /** Runs and captures stdout (up to maxStdout bytes, 0 = no cap) and the last 1 KiB of stderr. */
    public static Result capture(Spec spec, long maxStdout) {
        ProcessBuilder pb = builder(spec);
        Process p = start(pb, spec.command());
        feedStdin(p, spec.stdin());
        CappedSink out = new CappedSink(maxStdout);
        TailSink err = new TailSink(1024);
        Thread outReader = pump(p.getInputStream(), out);
        Thread errReader = pump(p.getErrorStream(), err);
        boolean timedOut = !waitFor(p, spec.timeout());
        finish(p, outReader, errReader);
        int code = timedOut ? TIMED_OUT : p.exitValue();
        return new Result(code, timedOut, out.bytes(), out.total, err.text());
    }

    /** Runs with stdout and stderr merged into one stream, handing each line to onLine as it comes. */
    public static Result stream(Spec spec, Consumer<String> onLine) {
        ProcessBuilder pb = builder(spec).redirectErrorStream(true);
        Process p = start(pb, spec.command());
        feedStdin(p, spec.stdin());
        LineSink lines = new LineSink(onLine);
        Thread reader = pump(p.getInputStream(), lines);
        boolean timedOut = !waitFor(p, spec.timeout());
        finish(p, reader);
        lines.flush();
        int code = timedOut ? TIMED_OUT : p.exitValue();
        return new Result(code, timedOut, new byte[0], lines.total, "");
    }

    private static Process start(ProcessBuilder pb, String command) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UserError("cannot start `bash -c " + command + "`: " + e.getMessage() + " (is bash installed?)");
        }
    }

    private static void feedStdin(Process p, byte[] stdin) {
        if (stdin == null) return;
        Thread t = new Thread(() -> {
            try (OutputStream os = p.getOutputStream()) {
                os.write(stdin);
            } catch (IOException ignored) {
                // the command did not read all of its input; that is its choice
            }
        }, "looop-stdin");
        t.setDaemon(true);
        t.start();
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            if (timeout == null || timeout.isZero()) {
                p.waitFor();
                return true;
            }
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(p);
            throw new UncheckedIOException(new IOException("interrupted while running a command"));
        }
    }

    /**
     * After the command exits (or times out) kill whatever it left behind, so a
     * background child holding the pipe open cannot keep the caller waiting.
     */
    private static void finish(Process p, Thread... readers) {
        if (p.isAlive()) killTree(p);
        joinQuietly(readers, 500);
        boolean stuck = false;
        for (Thread r : readers) stuck |= r.isAlive();
        if (stuck) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            closeQuietly(p.getInputStream());
            closeQuietly(p.getErrorStream());
            joinQuietly(readers, 1000);
        }
    }

    public static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread[] threads, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private interface Sink {
        void accept(byte[] buf, int len);
    }

    private static Thread pump(InputStream in, Sink sink) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) sink.accept(buf, n);
            } catch (IOException ignored) {
                // stream closed under us after the command ended
            }
        }, "looop-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Keeps the first cap bytes (0 = all) and counts the rest. */
    private static final class CappedSink implements Sink {
        private final long cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        volatile long total;

        CappedSink(long cap) {
            this.cap = cap;
        }

        public synchronized void accept(byte[] buf, int len) {
            total += len;
            long room = cap == 0 ? len : Math.max(0, cap + 1 - kept.size());
            kept.write(buf, 0, (int) Math.min(room, len));
        }

        synchronized byte[] bytes() {
            return kept.toByteArray();
        }
    }

    /** Keeps the last max bytes. */
    private static final class TailSink implements Sink {
        private final int max;
        private byte[] tail = new byte[0];

        TailSink(int max) {
            this.max = max;
        }

        public synchronized void accept(byte[] buf, int len) {
            int keep = Math.min(max, tail.length + len);
            byte[] next = new byte[keep];
            int fromOld = keep - Math.min(len, keep);
            System.arraycopy(tail, tail.length - fromOld, next, 0, fromOld);
            System.arraycopy(buf, len - (keep - fromOld), next, fromOld, keep - fromOld);
            tail = next;
        }

        synchronized String text() {
            return new String(tail, StandardCharsets.UTF_8);
        }
    }

    /** Splits bytes into UTF-8 lines for a consumer. */
    private static final class LineSink implements Sink {
        private final Consumer<String> onLine;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        volatile long total;

        LineSink(Consumer<String> onLine) {
            this.onLine = onLine;
        }

        public synchronized void accept(byte[] buf, int len) {
            total += len;
            for (int i = 0; i < len; i++) {
                if (buf[i] == '\n') emit();
                else line.write(buf[i]);
            }
        }

        synchronized void flush() {
            if (line.size() > 0) emit();
        }

        private void emit() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            onLine.accept(s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
        }
    }
}
