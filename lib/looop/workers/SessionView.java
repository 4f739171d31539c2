package looop.workers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import looop.io.Ansi;
import looop.io.Durations;
import looop.io.ExitCode;
import looop.io.Ids;
import looop.io.Json;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Paths;

/**
 * A session seen from outside, through the files its engine keeps and the
 * profile's tmux server: is it alive, what is on its screen, and waiting for
 * it to print something, fall quiet or end. Everything here only looks or
 * waits, except resize, attach and detach, which act on the terminal, never
 * on the program in it.
 *
 * A session's state comes from the engine's one derivation ({@link
 * SessionState}), so `wait` and `ls` always agree. A killed session's exit
 * code is 137 (128 + SIGKILL), as a shell reports a killed command.
 */
public final class SessionView {
    /** The exit code `wait` gives for a session that was killed rather than ending by itself. */
    public static final int KILLED_EXIT = ExitCode.KILLED;
    /** A session just being created may have its state file before its tmux session: grace for that. */
    private static final long BIRTH_GRACE_MS = 10_000;
    private static final long POLL_MS = 50;
    private static final long CAPTURE_LAG_MS = 200;
    private static final long SCREEN_POLL_MS = 100;
    /** A render is a throwaway tmux server: a few a second at most. */
    private static final long RENDER_POLL_MS = 250;

    private final Paths paths;
    private final TmuxSessions engine;
    private final Tmux tmux;

    public SessionView(Paths paths) {
        this.paths = paths;
        this.engine = new TmuxSessions(paths);
        this.tmux = engine.tmux();
    }

    public Tmux tmux() {
        return tmux;
    }

    /** The id a person typed, `looop-` prefix dropped (as tmux shows it), checked as a file name. */
    public static String id(String typed) {
        String bare = typed != null && typed.startsWith("looop-") ? typed.substring("looop-".length()) : typed;
        return Ids.check("session id", bare);
    }

    /** An id the profile knows (files or a tmux session); otherwise exit 1 pointing at `looop ls`. */
    public String known(String typed) {
        String id = id(typed);
        if (!java.nio.file.Files.isDirectory(files(id).dir()) && !tmux.has(id)) {
            if (id.equals(TmuxSessions.PULSE)) throw new UserError("no session pulse: the loop has not run here yet; start it with `looop`");
            throw new UserError("no session " + id + "; `looop ls` lists them");
        }
        return id;
    }

    public SessionFiles files(String id) {
        return SessionFiles.of(paths, id);
    }

    // -- state ------------------------------------------------------------------------

    /** The session's state through the engine's one derivation (see {@link SessionState}). */
    public SessionState state(String id) {
        return engine.state(id);
    }

    public boolean ended(String id) {
        return state(id).over(); // a waiting worker has not even begun
    }

    /** What `wait` exits with: the recorded code of an exited session, 137 for a killed one. */
    public int exitCode(String id) {
        if (state(id) == SessionState.KILLED) return KILLED_EXIT;
        Integer code = files(id).readExitCode();
        return code == null ? 1 : code;
    }

    /** Fails with one line when the session's terminal is gone: screens, sizes and clients need a live one. */
    public void requireLive(String id) {
        if (!tmux.has(id)) {
            throw new UserError("session " + id + " has ended (" + state(id) + "); what it printed is in `looop log " + id + "`");
        }
    }

    /**
     * Tells when a session is over, cheaply enough to ask every few tens of
     * milliseconds: the state file each time, tmux (a process spawn) at most
     * twice a second.
     */
    public final class EndWatch {
        private final String id;
        private long nextTmuxCheck;
        private long seenEnded;
        private long sizeAtEnd;

        EndWatch(String id) {
            this.id = id;
        }

        /**
         * True once the session has been over for CAPTURE_LAG_MS with its
         * output.log no longer growing, and still is when asked again: its last
         * output travels pane → tmux → pipe-pane → output.log after the program
         * is gone, and a reader that stops at the first sign of the end would
         * miss it. On a busy machine that trip takes longer, so the wait lasts
         * as long as the log still grows.
         */
        public boolean ended() {
            long now = System.currentTimeMillis();
            long size = OutputLog.size(files(id).output());
            if (seenEnded != 0 && size != sizeAtEnd) {
                seenEnded = now; // still draining
                sizeAtEnd = size;
                return false;
            }
            if (seenEnded == 0) {
                if (endedNow(now, false)) {
                    seenEnded = now;
                    sizeAtEnd = size;
                }
                return false;
            }
            if (now - seenEnded < CAPTURE_LAG_MS) return false;
            if (endedNow(now, true)) return true;
            seenEnded = 0; // a tmux query that failed for another reason (say, a Ctrl-C that hit it too)
            return false;
        }

        private boolean endedNow(long now, boolean confirm) {
            SessionState written = files(id).readState();
            if (written != null && written.over()) return true;
            if (now < nextTmuxCheck && !confirm) return false;
            nextTmuxCheck = now + 500;
            return SessionView.this.ended(id);
        }
    }

    public EndWatch endWatch(String id) {
        return new EndWatch(id);
    }

    // -- the screen ---------------------------------------------------------------------

    /** The visible screen: its size, the cursor, and one string per row. */
    public record Screen(int cols, int rows, int cursorX, int cursorY, List<String> lines) {
        /** Without trailing spaces on each line and without blank lines at the bottom. */
        public List<String> trimmed() {
            List<String> out = new ArrayList<>();
            for (String l : lines) out.add(l.stripTrailing());
            while (!out.isEmpty() && Ansi.strip(out.get(out.size() - 1)).isBlank()) out.remove(out.size() - 1);
            return out;
        }

        /** `shot --json`: {"id","cols","rows","cursor_x","cursor_y","lines"}. */
        public com.fasterxml.jackson.databind.node.ObjectNode json(String id, boolean trim) {
            var o = Json.object();
            o.put("id", id);
            o.put("cols", cols);
            o.put("rows", rows);
            o.put("cursor_x", cursorX);
            o.put("cursor_y", cursorY);
            var arr = o.putArray("lines");
            (trim ? trimmed() : lines).forEach(arr::add);
            return o;
        }
    }

    /** capture-pane for the text (-e keeps colours), display-message for the size and cursor. */
    public Screen screen(String id, boolean ansi) {
        requireLive(id);
        List<String> args = new ArrayList<>(List.of("capture-pane", "-p", "-t", Tmux.paneTarget(id)));
        if (ansi) args.add(1, "-e");
        String text = ask(id, args.toArray(String[]::new));
        String[] geo = ask(id, "display-message", "-p", "-t", Tmux.paneTarget(id), "#{pane_width} #{pane_height} #{cursor_x} #{cursor_y}")
                .strip().split(" ");
        int rows = Integer.parseInt(geo[1]);
        List<String> lines = new ArrayList<>(text.lines().toList());
        while (lines.size() < rows) lines.add("");
        return new Screen(Integer.parseInt(geo[0]), rows, Integer.parseInt(geo[2]), Integer.parseInt(geo[3]),
                List.copyOf(lines.subList(0, rows)));
    }

    // -- the rendered log --------------------------------------------------------------

    /**
     * What a terminal showed for the first `to` bytes of the session's
     * output.log (see {@link TerminalReplay}), at the session's size while it
     * lives, at the size it was started with once it has ended.
     */
    public TerminalReplay.Rendered rendered(String id, long to, boolean colour) {
        if (looop.sandbox.Inside.confined(paths.env(looop.sandbox.Inside.ENV))) return byLine(id, to);
        int[] size = sizeOr(id);
        return new TerminalReplay(paths, tmux).render(files(id).output(), to, size[0], size[1], colour);
    }

    /**
     * The rendered log for a reader that looks again as it grows (`log
     * --follow`, `expect`): its replay stays up between looks and is fed only
     * the new bytes ({@link TerminalReplay.Live}). Close it when done.
     */
    public Renders renders(String id, boolean colour) {
        return new Renders(id, colour);
    }

    public final class Renders implements AutoCloseable {
        private final String id;
        private final boolean colour;
        private TerminalReplay.Live live;

        private Renders(String id, boolean colour) {
            this.id = id;
            this.colour = colour;
        }

        /** What the first `to` bytes of the log showed, as {@link #rendered} says. */
        public TerminalReplay.Rendered upTo(long to) {
            if (looop.sandbox.Inside.confined(paths.env(looop.sandbox.Inside.ENV))) return byLine(id, to);
            if (live == null) {
                int[] size = sizeOr(id);
                live = new TerminalReplay(paths, tmux).live(files(id).output(), size[0], size[1], colour);
            }
            return live.render(to);
        }

        @Override
        public void close() {
            if (live != null) live.close();
        }
    }

    /**
     * Inside a sandbox no tmux server is reachable (its unix sockets are
     * refused), so the log is read line by line there, each line as the
     * terminal left it ({@link OutputLog.Line#text}): plain output comes out
     * the same, a full-screen interface less well.
     */
    private TerminalReplay.Rendered byLine(String id, long to) {
        List<String> lines = new ArrayList<>();
        int[] complete = {0};
        OutputLog.forEach(files(id).output(), 0, to, line -> {
            lines.add(line.text());
            if (line.complete()) complete[0]++;
        });
        return new TerminalReplay.Rendered(List.copyOf(lines), complete[0], to);
    }

    private int[] sizeOr(String id) {
        if (tmux.has(id)) {
            Tmux.Result r = tmux.run("display-message", "-p", "-t", Tmux.paneTarget(id), "#{pane_width} #{pane_height}");
            String[] geo = r.out().strip().split(" ");
            if (r.ok() && geo.length == 2 && geo[0].matches("\\d+") && geo[1].matches("\\d+")) {
                return new int[] {Integer.parseInt(geo[0]), Integer.parseInt(geo[1])};
            }
        }
        return new int[] {TmuxSessions.COLS, TmuxSessions.ROWS};
    }

    /** One tmux query about a live session; a session that died meanwhile is reported as ended. */
    private String ask(String id, String... args) {
        Tmux.Result r = tmux.run(args);
        if (!r.ok()) {
            requireLive(id);
            throw new UserError("tmux refused `" + args[0] + "` for " + id + ": " + r.err().strip());
        }
        return r.out();
    }

    // -- waiting ------------------------------------------------------------------------

    /** A point in time a wait gives up at; null duration = never. */
    record Deadline(long nanos, boolean never) {
        static Deadline after(Duration d) {
            return new Deadline(d == null ? 0 : System.nanoTime() + d.toNanos(), d == null);
        }

        boolean passed() {
            return !never && System.nanoTime() - nanos >= 0;
        }
    }

    public static void nap(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting"));
        }
    }

    /** Waits for the session to end and returns its exit code; 124 when timeout (null = none) passes first. */
    public int waitExit(String id, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        EndWatch end = endWatch(id);
        while (!end.ended()) {
            if (deadline.passed()) throw timedOut(id + " is still " + state(id), timeout);
            nap(POLL_MS);
        }
        return exitCode(id);
    }

    /** Compiles a regex a person typed; a bad one is a usage error in one line. */
    public static Pattern regex(String re) {
        try {
            return Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw new UserError("bad regex '" + re.replaceAll("\\p{Cntrl}", "?") + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "") + " (Java regex syntax)", ExitCode.USAGE);
        }
    }

    /**
     * Waits until a line of what the session showed matches re and returns that
     * line: its output.log rendered as a terminal showed it ({@link
     * TerminalReplay}), and the live screen, so a prompt waiting on its own
     * line, or text a full-screen interface drew in place, is found. fromNow
     * looks only at lines the log gains after the call (the screen as it stood
     * then does not count). Fails with 124 on timeout, 1 when the session ends
     * without a match.
     */
    public String expectLog(String id, Pattern re, Duration timeout, boolean fromNow) {
        try (Renders renders = renders(id, false)) {
            return expectLog(id, re, timeout, fromNow, renders);
        }
    }

    private String expectLog(String id, Pattern re, Duration timeout, boolean fromNow, Renders renders) {
        java.nio.file.Path log = files(id).output();
        Deadline deadline = Deadline.after(timeout);
        EndWatch end = endWatch(id);
        int skip = fromNow ? renders.upTo(OutputLog.size(log)).finished().size() : 0;
        long seen = fromNow ? -1 : 0;
        while (true) {
            boolean over = end.ended(); // asked before reading, so the last read sees everything it printed
            long size = OutputLog.size(log);
            if (size != seen) {
                seen = size;
                List<String> lines = renders.upTo(size).lines();
                for (int i = skip; i < lines.size(); i++) {
                    if (re.matcher(lines.get(i)).find()) return lines.get(i);
                }
            }
            if (!fromNow && !over) {
                for (String line : screenIfLive(id)) {
                    if (re.matcher(line).find()) return line.stripTrailing();
                }
            }
            if (over) throw noMatch(id, re);
            if (deadline.passed()) throw timedOut("nothing " + id + " showed matched /" + re + "/", timeout);
            nap(RENDER_POLL_MS);
        }
    }

    /**
     * expect --raw: waits until a line of output.log as written (escapes and
     * all) matches re and returns it. The line being written counts too.
     */
    public String expectRaw(String id, Pattern re, Duration timeout, boolean fromNow) {
        java.nio.file.Path log = files(id).output();
        OutputLog.Follower follower = new OutputLog.Follower(log, fromNow ? OutputLog.size(log) : 0);
        Deadline deadline = Deadline.after(timeout);
        EndWatch end = endWatch(id);
        while (true) {
            boolean over = end.ended(); // asked before reading, so the last read sees everything it printed
            for (OutputLog.Line line : follower.poll()) {
                if (re.matcher(line.raw()).find()) return line.raw();
            }
            OutputLog.Line rest = follower.rest();
            if (rest != null && re.matcher(rest.raw()).find()) return rest.raw();
            if (over) throw noMatch(id, re);
            if (deadline.passed()) throw timedOut("no output of " + id + " matched /" + re + "/", timeout);
            nap(POLL_MS);
        }
    }

    /** Like expectLog, against the rows of the visible screen. */
    public String expectScreen(String id, Pattern re, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        while (true) {
            if (!tmux.has(id)) throw noMatch(id, re);
            for (String line : screenIfLive(id)) {
                if (re.matcher(line).find()) return line;
            }
            if (deadline.passed()) throw timedOut("nothing on " + id + "'s screen matched /" + re + "/", timeout);
            nap(SCREEN_POLL_MS);
        }
    }

    /** The screen's rows, or none when the session ended between two looks. */
    private List<String> screenIfLive(String id) {
        try {
            return screen(id, false).lines();
        } catch (UserError e) {
            return List.of();
        }
    }

    /**
     * Waits until the screen (text, colours and cursor) has not changed for
     * settle. Fails with 124 on timeout, 1 when the session ends first: an
     * ended session takes no more input, which is what a caller waits to give.
     */
    public void waitIdle(String id, Duration settle, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        String last = null;
        long since = System.nanoTime();
        while (true) {
            if (!tmux.has(id)) throw new UserError("session " + id + " ended before its screen settled (" + state(id) + ")");
            String now = fingerprint(id);
            if (!now.equals(last)) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= settle.toNanos()) {
                return;
            }
            if (deadline.passed()) throw timedOut(id + "'s screen kept changing", timeout);
            nap(Math.min(SCREEN_POLL_MS, Math.max(10, settle.toMillis() / 4)));
        }
    }

    private String fingerprint(String id) {
        try {
            Screen s = screen(id, true);
            return s.cols() + "x" + s.rows() + "@" + s.cursorX() + "," + s.cursorY() + "\n" + String.join("\n", s.lines());
        } catch (UserError e) {
            return "gone";
        }
    }

    private static UserError timedOut(String what, Duration timeout) {
        return new UserError(what + " after " + Durations.show(timeout) + " (timed out; raise --timeout to wait longer)", Proc.TIMED_OUT);
    }

    private UserError noMatch(String id, Pattern re) {
        return new UserError(id + " ended (" + state(id) + ") without printing a match for /" + re + "/; see `looop log " + id + "`");
    }

    // -- the terminal -------------------------------------------------------------------

    /** COLSxROWS as typed, e.g. 120x40; anything else is a usage error. */
    public static int[] size(String text) {
        java.util.regex.Matcher m = Pattern.compile("(\\d{1,5})x(\\d{1,5})").matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new UserError("bad size '" + String.valueOf(text).replaceAll("\\p{Cntrl}", "?") + "': use COLSxROWS, e.g. 120x40", ExitCode.USAGE);
        }
        int cols = Integer.parseInt(m.group(1));
        int rows = Integer.parseInt(m.group(2));
        if (cols < 1 || rows < 1 || cols > 10_000 || rows > 10_000) {
            throw new UserError("bad size '" + text + "': columns and rows go from 1 to 10000", ExitCode.USAGE);
        }
        return new int[] {cols, rows};
    }

    /**
     * Resizes the session's window. resize-window also pins the window's size
     * (window-size manual), so a client attaching later does not undo it.
     */
    public void resize(String id, int cols, int rows) {
        requireLive(id);
        ask(id, "resize-window", "-t", Tmux.paneTarget(id), "-x", String.valueOf(cols), "-y", String.valueOf(rows));
        Screen s = screen(id, false);
        if (s.cols() != cols || s.rows() != rows) {
            throw new UserError("tmux kept " + id + " at " + s.cols() + "x" + s.rows() + " instead of " + cols + "x" + rows);
        }
    }

    /**
     * Puts this terminal on the session until the person detaches (prefix, then
     * d) or the session ends; readOnly only watches. $TMUX is dropped so this
     * works from inside a person's own tmux: the profile's server is another one.
     */
    public int attach(String id, boolean readOnly, boolean onTerminal) {
        requireLive(id);
        if (!onTerminal) {
            throw new UserError((readOnly ? "watch" : "attach") + " needs a terminal; without one use `looop log " + id
                    + " --follow` or `looop shot " + id + "`");
        }
        List<String> cmd = tmux.command("attach-session", "-t", Tmux.sessionTarget(id));
        if (readOnly) cmd.add(cmd.size() - 2, "-r");
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().remove("TMUX");
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Detaches every client from the session, leaving it running; returns how many there were. */
    public int detach(String id) {
        requireLive(id);
        int clients = (int) ask(id, "list-clients", "-t", Tmux.sessionTarget(id), "-F", "#{client_name}").lines().filter(l -> !l.isBlank()).count();
        if (clients > 0) ask(id, "detach-client", "-s", Tmux.sessionTarget(id));
        return clients;
    }
}
