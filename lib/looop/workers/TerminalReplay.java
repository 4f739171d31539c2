package looop.workers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Paths;

/**
 * What a terminal would have shown for a session's output.log, line by line:
 * tmux's own rendering. The bytes are replayed into a throwaway tmux server
 * (its socket beside the profile's, in the .tmux/ dir every sandbox hides) at
 * the worker's size with a deep history, then read back with capture-pane.
 * Redraws, `\r` spinners and progress bars, cursor moves and repainted regions
 * resolve to the text that stood on screen, exactly as tmux drew them for the
 * worker; the alternate screen is off there, so a full-screen interface draws
 * on the normal screen and what scrolls off it (or is cleared away:
 * scroll-on-clear) lands in the history instead of vanishing.
 *
 * The pane's tty is raw (no echo, no `\n` → `\r\n`): output.log holds the
 * bytes as they left the worker's terminal, already translated.
 */
public final class TerminalReplay {
    /** Lines kept above the screen; older ones fall off, as in a terminal with this scrollback. */
    static final int HISTORY = 500_000;
    private static final long ANSWER_TIMEOUT_S = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The rendered log: history then screen, trailing blank rows dropped, each
     * line without trailing spaces. cursorLine is the index of the cursor's row:
     * lines before it are done being written (for a plain-text worker); the
     * cursor's row and below may still be redrawn.
     */
    public record Rendered(List<String> lines, int cursorLine, long bytes) {
        public List<String> finished() {
            return lines.subList(0, Math.min(cursorLine, lines.size()));
        }
    }

    private final Paths paths;
    private final Path socketDir;

    public TerminalReplay(Paths paths, Tmux tmux) {
        this.paths = paths;
        this.socketDir = tmux.socket().getParent();
    }

    /** Renders the first `to` bytes of file on a cols×rows terminal; colour keeps SGR escapes. */
    public Rendered render(Path file, long to, int cols, int rows, boolean colour) {
        if (to <= 0) return new Rendered(List.of(), 0, 0);
        try (Live live = live(file, cols, rows, colour)) {
            return live.render(to);
        }
    }

    /**
     * A replay kept running for a reader that looks again and again as the log
     * grows (`log --follow`, `expect`): each look feeds the replay only the
     * bytes since the last one, instead of the whole log anew. Close it to
     * stop its tmux server.
     */
    public Live live(Path file, int cols, int rows, boolean colour) {
        return new Live(file, cols, rows, colour);
    }

    public final class Live implements AutoCloseable {
        private final Path file;
        private final int cols;
        private final int rows;
        private final boolean colour;
        private final String nonce = HexFormat.of().formatHex(RANDOM.generateSeed(4));
        private Path socket;
        private long fed;
        private int feeds;
        /** The log file's identity when the replay started: a restart replaces the file, and the replay starts over. */
        private Object fileKey;

        private Live(Path file, int cols, int rows, boolean colour) {
            this.file = file;
            this.cols = cols;
            this.rows = rows;
            this.colour = colour;
        }

        /**
         * What the first `to` bytes showed. Bytes already fed are not fed again;
         * a log replaced (a restart writes a new file) or shorter than what was
         * fed starts the replay over.
         */
        public Rendered render(long to) {
            if (to <= 0) return new Rendered(List.of(), 0, 0);
            Object now = fileKey(file);
            if (to < fed || !java.util.Objects.equals(now, fileKey)) close();
            if (socket == null) {
                fileKey = now;
                socket = socketDir.resolve("r" + nonce + "-" + (feeds++));
                String ready = nonce + "-" + (feeds++);
                start(socket, file, cols, rows, ready);
                awaitTitle(socket, ready, 0); // its terminal raw and silent before a key reaches it
                fed = 0;
            }
            long upTo = whole(file, fed, to);
            if (upTo > fed) {
                String mark = nonce + "-" + (feeds++);
                run(socket, "send-keys", "-t", "=r:", "-l", fed + " " + upTo + " " + mark + ".");
                awaitTitle(socket, mark, upTo - fed);
                fed = upTo;
            }
            return read(socket, colour, to);
        }

        @Override
        public void close() {
            if (socket == null) return;
            exec(socket, List.of("kill-server"));
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // tmux removes its socket itself; a leftover is harmless
            }
            socket = null;
            fed = 0;
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** How far back an unfinished escape sequence or character at the end of a piece is looked for. */
    private static final int TAIL_LOOK = 4096;

    /**
     * Where a piece of the log fed now may end: before an escape sequence or a
     * UTF-8 character the bytes up to `to` leave unfinished. The title that
     * follows each piece starts with ESC, which would cut such a sequence in
     * two (its rest then shows as text); held back, it goes with the next
     * piece whole. An unfinished sequence shows nothing yet anyway.
     */
    static long whole(Path file, long from, long to) {
        int n = (int) Math.min(TAIL_LOOK, to - from);
        if (n <= 0) return to;
        byte[] tail = new byte[n];
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(tail);
            while (buf.hasRemaining() && ch.read(buf, to - n + buf.position()) > 0) { }
            if (buf.hasRemaining()) return from; // shorter than it was a moment ago: replaced; the next look starts over
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int cut = unfinished(tail);
        return cut < 0 ? to : to - n + cut;
    }

    /** The index in bytes where an unfinished escape sequence or UTF-8 character starts; -1 when all is finished. */
    static int unfinished(byte[] b) {
        int esc = -1;
        for (int i = b.length - 1; i >= 0 && esc < 0; i--) if (b[i] == 0x1b) esc = i;
        if (esc >= 0 && !sequenceEnds(b, esc)) return esc;
        int lead = b.length - 1;
        while (lead > 0 && lead > b.length - 4 && (b[lead] & 0xC0) == 0x80) lead--;
        int want = (b[lead] & 0xE0) == 0xC0 ? 2 : (b[lead] & 0xF0) == 0xE0 ? 3 : (b[lead] & 0xF8) == 0xF0 ? 4 : 1;
        return b.length - lead < want ? lead : -1;
    }

    /** Whether the escape sequence starting at b[esc] (the last ESC in b) ends within b. */
    private static boolean sequenceEnds(byte[] b, int esc) {
        if (esc + 1 >= b.length) return false;
        byte kind = b[esc + 1];
        switch (kind) {
            case '[' -> {
                for (int i = esc + 2; i < b.length; i++) if (b[i] >= 0x40 && b[i] <= 0x7e) return true;
                return false;
            }
            case ']', 'P', '_', '^', 'X' -> { // a string, ended by BEL (or ESC \, whose ESC would be the last one)
                for (int i = esc + 2; i < b.length; i++) if (b[i] == 0x07) return true;
                return false;
            }
            case '(', ')', '*', '+', '#', '%' -> {
                return esc + 2 < b.length;
            }
            default -> {
                return true;
            }
        }
    }

    /** The replay's history and screen as {@link Rendered}: the cursor's line found, padding and blank rows dropped. */
    private Rendered read(Path socket, boolean colour, long to) {
        String[] geo = run(socket, "display-message", "-p", "-t", "=r:", "#{history_size} #{cursor_y}").strip().split(" ");
        int history = Integer.parseInt(geo[0]);
        int cursorY = Integer.parseInt(geo[1]);
        // -J joins wrapped rows: the cursor's line is counted in joined lines, by capturing what lies above it
        int cursor = history + cursorY == 0 ? 0 : capture(socket, false, "-" + history, String.valueOf(cursorY - 1)).size();
        List<String> lines = new ArrayList<>();
        List<String> all = capture(socket, colour, "-", "-");
        for (int i = 0; i < all.size(); i++) {
            // trailing spaces are padding, except on the cursor's line: a prompt waiting there ends in one
            lines.add(i == cursor ? all.get(i) : all.get(i).stripTrailing());
        }
        while (lines.size() > cursor + 1 && looop.io.Ansi.strip(lines.get(lines.size() - 1)).isBlank()) lines.remove(lines.size() - 1);
        if (lines.size() == cursor + 1 && looop.io.Ansi.strip(lines.get(cursor)).isBlank()) lines.remove(cursor);
        return new Rendered(List.copyOf(lines), Math.min(cursor, lines.size()), to);
    }

    /** Rows from start to end (as capture-pane -S/-E take them), wrapped rows joined, with trailing spaces. */
    private List<String> capture(Path socket, boolean colour, String start, String end) {
        List<String> args = new ArrayList<>(List.of("capture-pane", "-p", "-J", "-S", start, "-E", end, "-t", "=r:"));
        if (colour) args.add(1, "-e");
        String text = run(socket, args.toArray(String[]::new));
        if (text.endsWith("\n")) text = text.substring(0, text.length() - 1);
        return List.of(text.split("\n", -1));
    }

    /**
     * One session whose pane prints the bytes it is asked for, then a title
     * only this replay knows: tmux parses a pane's output in order, so once
     * the title shows, every byte before it is on the screen or in the
     * history. It is asked by keys typed into it (`FROM TO TITLE.` through
     * send-keys; not `;`, which tmux reads as its own separator), which its
     * raw, echo-less terminal never shows.
     */
    private void start(Path socket, Path file, int cols, int rows, String ready) {
        String script = "stty raw -echo 2>/dev/null; printf '\\033]2;%s\\033\\\\' \"$1\"; while IFS=' ' read -r -d . from to title; do"
                + " tail -c +\"$((from + 1))\" -- \"$0\" | head -c \"$((to - from))\"; printf '\\033]2;%s\\033\\\\' \"$title\"; done; exec sleep 600";
        run(socket, "start-server", ";", "set", "-g", "history-limit", String.valueOf(HISTORY), ";",
                "set", "-g", "alternate-screen", "off", ";", "set", "-g", "scroll-on-clear", "on", ";",
                "new-session", "-d", "-s", "r", "-x", String.valueOf(cols), "-y", String.valueOf(rows),
                "bash", "--norc", "--noprofile", "-c", script, file.toString(), ready);
    }

    /** Waits for the replay to reach its end: longer for a bigger log, never for ever. */
    private void awaitTitle(Path socket, String nonce, long bytes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20 + bytes / (256 * 1024));
        while (!run(socket, "display-message", "-p", "-t", "=r:", "#{pane_title}").strip().equals(nonce)) {
            if (System.nanoTime() > deadline) throw new UserError("tmux did not finish rendering the log (" + bytes + " bytes); `looop log --raw` shows the bytes");
            SessionView.nap(20);
        }
    }

    private String run(Path socket, String... args) {
        Tmux.Result r = exec(socket, List.of(args));
        if (!r.ok()) throw new UserError("tmux refused to render the log (" + args[0] + ": " + r.err().strip() + "); `looop log --raw` shows the bytes");
        return r.out();
    }

    private Tmux.Result exec(Path socket, List<String> args) {
        List<String> argv = new ArrayList<>(List.of(Tmux.binary(paths).toString(), "-u", "-S", socket.toString(), "-f", "/dev/null"));
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(paths.processEnv());
        pb.environment().remove("TMUX");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
            if (!p.waitFor(ANSWER_TIMEOUT_S, TimeUnit.SECONDS)) {
                Proc.killTree(p);
                return new Tmux.Result(Proc.TIMED_OUT, "", "tmux did not answer");
            }
            return new Tmux.Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while rendering"));
        }
    }

    private static String drain(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
