package looop.watch;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import looop.io.UserError;

/**
 * The person's terminal taken over for a full-screen view, with the JDK
 * alone: `stty` on /dev/tty for raw mode (keys one at a time, no echo, Ctrl-C
 * a key rather than a signal), ANSI sequences for the alternate screen, the
 * cursor and line wrap. close() puts everything back as it was (the settings
 * `stty -g` saved), and so does a shutdown hook, so a kill or an error that
 * ends the JVM leaves no raw terminal behind.
 */
final class RawTerminal implements AutoCloseable {
    private static final String ENTER = "\033[?1049h\033[?25l\033[?7l\033[H\033[2J";
    private static final String LEAVE = "\033[0m\033[?7h\033[?25h\033[?1049l";

    private final PrintStream out;
    private final String saved;
    private final AtomicBoolean restored = new AtomicBoolean();
    private final Thread hook = new Thread(this::restore, "looop-watch-restore");

    private RawTerminal(PrintStream out, String saved) {
        this.out = out;
        this.saved = saved;
    }

    /** Raw mode and the alternate screen, or a UserError when there is no terminal to take. */
    static RawTerminal open(PrintStream out) {
        String saved = stty("-g").strip();
        RawTerminal t = new RawTerminal(out, saved);
        Runtime.getRuntime().addShutdownHook(t.hook);
        stty("raw", "-echo");
        t.write(ENTER);
        return t;
    }

    /** {columns, rows} as the terminal says now (it may have been resized). */
    int[] size() {
        String[] rc = stty("size").strip().split("\\s+");
        try {
            return new int[] {Integer.parseInt(rc[1]), Integer.parseInt(rc[0])};
        } catch (RuntimeException e) {
            return new int[] {80, 24};
        }
    }

    /** Replaces the screen with lines, each on its own row, without clearing first (no flicker). */
    void draw(List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) b.append("\033[").append(i + 1).append(";1H").append(lines.get(i)).append("\033[0m\033[K");
        b.append("\033[J");
        write(b.toString());
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook ran or runs restore, which is idempotent
        }
    }

    private void restore() {
        if (!restored.compareAndSet(false, true)) return;
        write(LEAVE);
        try {
            stty(saved);
        } catch (UserError e) {
            // the terminal is gone: nothing is left to restore
        }
    }

    private void write(String s) {
        out.write(s.getBytes(StandardCharsets.UTF_8), 0, s.getBytes(StandardCharsets.UTF_8).length);
        out.flush();
    }

    /** stty on the controlling terminal; a UserError when there is none. */
    private static String stty(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("stty"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) throw noTerminal();
            return text;
        } catch (IOException e) {
            throw noTerminal();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw noTerminal();
        }
    }

    static UserError noTerminal() {
        return new UserError("`looop watch` with no id needs a terminal; without one, `looop ls --watch` lists the workers"
                + " and `looop log <id> --follow` follows one");
    }
}
