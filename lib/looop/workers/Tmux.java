package looop.workers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import looop.sandbox.Inside;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import looop.io.Fnv128;
import looop.io.Fs;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Paths;

/**
 * The terminal engine's one door to tmux: a private tmux server per profile
 * (its socket in the data dir's .tmux/, so two profiles never see each other and
 * the user's own tmux is never touched), no user tmux.conf, one tmux session
 * per worker named `looop-<id>`.
 */
public final class Tmux {
    /** Unix socket paths are limited to about 108 bytes; past this a socket in /tmp stands in. */
    private static final long ANSWER_TIMEOUT_S = 10;
    private static final String PREFIX = "looop-";

    private final Paths paths;

    public Tmux(Paths paths) {
        this.paths = paths;
    }

    /** What one tmux command answered. */
    public record Result(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }

        /**
         * tmux's words for no server: none running, or one that exited while
         * this client talked to it (its last session had just ended).
         */
        public boolean serverGone() {
            String why = reason();
            return why.contains("no server running") || why.contains("server exited unexpectedly") || why.contains("lost server")
                    || why.contains("(Connection refused)") || why.contains("(No such file or directory)");
        }

        /** tmux's complaint as one line, for error messages. */
        public String reason() {
            String s = (err.isBlank() ? out : err).strip();
            return s.isEmpty() ? "exit " + exitCode : s.lines().findFirst().orElse(s);
        }
    }

    /** Fails with one line when tmux is not installed. */
    public static void requireInstalled(Paths paths) {
        binary(paths);
    }

    /**
     * tmux's absolute path on looop's own PATH (the profile's environment, not
     * the JVM's), so every call, the wrapper's included, runs the same binary.
     */
    public static Path binary(Paths paths) {
        Path found = find(paths);
        if (found == null) {
            throw new UserError("workers need tmux, which is not on PATH; install it (apt-get install tmux, or brew install tmux)");
        }
        return found;
    }

    /** tmux's path on looop's PATH, or null when it is not installed. */
    static Path find(Paths paths) {
        String path = paths.env("PATH");
        for (String dir : (path == null ? System.getenv().getOrDefault("PATH", "") : path).split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "tmux"))) return Path.of(dir, "tmux").toAbsolutePath();
        }
        return null;
    }

    public static String sessionName(String id) {
        return PREFIX + id;
    }

    /** A session target that matches the name exactly: `looop-a` must never pick `looop-ab`. */
    public static String sessionTarget(String id) {
        return "=" + sessionName(id);
    }

    /** The session's (only) pane, exactly matched; pane commands refuse a bare session target. */
    public static String paneTarget(String id) {
        return sessionTarget(id) + ":";
    }

    /** The channel a session's wrapper waits on until looop has turned output capture on. */
    public static String goChannel(String id) {
        return "looop-go-" + id;
    }

    /**
     * tmux expands `#{…}` formats in some arguments (pipe-pane's command among
     * them); a path with a `#` must reach it doubled to stay literal.
     */
    public static String formatLiteral(String s) {
        return s.replace("#", "##");
    }

    /** The profile's tmux socket (see {@link looop.profile.TmuxSocket}): made, with its hidden dir, before any server starts. */
    public Path socket() {
        return looop.profile.TmuxSocket.of(paths);
    }

    /**
     * The argv of one tmux command on this profile's server, with no user
     * config. Every argument arrives literally: tmux reads an argument that
     * ends in `;` as the end of a command, so that `;` is escaped.
     */
    public List<String> command(String... args) {
        List<String> cmd = prefix();
        for (String a : args) cmd.add(literal(a));
        return cmd;
    }

    /** Several tmux commands run as one, in order, by one client: nothing else runs between them. */
    public List<String> sequence(List<List<String>> commands) {
        List<String> cmd = prefix();
        for (int i = 0; i < commands.size(); i++) {
            if (i > 0) cmd.add(";");
            for (String a : commands.get(i)) cmd.add(literal(a));
        }
        return cmd;
    }

    private List<String> prefix() {
        return new ArrayList<>(List.of(binary(paths).toString(), "-S", socket().toString(), "-f", "/dev/null"));
    }

    private static String literal(String arg) {
        return arg.endsWith(";") ? arg.substring(0, arg.length() - 1) + "\\;" : arg;
    }

    /** Runs one tmux command and waits (at most 10 s) for its answer. */
    public Result run(String... args) {
        return exec(command(args));
    }

    /** Runs a sequence of commands in one client (see {@link #sequence}). */
    public Result runAll(List<List<String>> commands) {
        return exec(sequence(commands));
    }

    /**
     * The client runs in looop's own environment: the first client starts the
     * server, which hands its environment to every pane, and a new session
     * copies the variables named in update-environment from the client.
     */
    private Result exec(List<String> argv) {
        Fs.mkdirs(paths.sessions());
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(paths.processEnv());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            // both pipes drain at once, so a chatty answer can never block tmux and outlast the timeout
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(ANSWER_TIMEOUT_S, TimeUnit.SECONDS)) {
                Proc.killTree(p);
                return new Result(Proc.TIMED_OUT, "", "tmux did not answer within " + ANSWER_TIMEOUT_S + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for tmux"));
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    /** Whether the worker's tmux session exists right now; false too when tmux cannot say. */
    public boolean has(String id) {
        return liveness(id) == SessionState.Liveness.LIVE;
    }

    /** Whether the session exists right now, or UNKNOWN when tmux is not installed or does not answer. */
    public SessionState.Liveness liveness(String id) {
        if (find(paths) == null || unreachable()) return SessionState.Liveness.UNKNOWN;
        Result r = run("has-session", "-t", sessionTarget(id));
        if (r.ok()) return SessionState.Liveness.LIVE;
        if (r.exitCode() == Proc.TIMED_OUT) return SessionState.Liveness.UNKNOWN;
        if (r.serverGone() || r.reason().contains("can't find session") || !serverListens()) return SessionState.Liveness.GONE;
        return SessionState.Liveness.UNKNOWN;
    }

    /**
     * The ids of every looop session the server runs now, in one call; empty
     * when no server runs; null when tmux cannot say (not installed, or not
     * answering), so a caller never takes "cannot ask" for "all dead".
     */
    public Set<String> liveIds() {
        if (find(paths) == null || unreachable()) return null;
        Result r = run("list-sessions", "-F", "#{session_name}");
        if (r.exitCode() == Proc.TIMED_OUT) return null;
        Set<String> ids = new LinkedHashSet<>();
        if (!r.ok()) return r.serverGone() || !serverListens() ? ids : null;
        r.out().lines().filter(n -> n.startsWith(PREFIX)).forEach(n -> ids.add(n.substring(PREFIX.length())));
        return ids;
    }

    /**
     * Whether a tmux server accepts connections on the profile's socket. A
     * failed tmux call says "nothing lives" only when no server listens: a
     * client that could not start on a loaded machine, or a server busy
     * dying, fails with words of every kind, and a live worker must never be
     * recorded killed for them. Past tmux's own no-server words, the socket
     * is the witness: a missing file or a refused connection means no server.
     */
    private boolean serverListens() {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Inside a sandbox the server's socket is hidden: tmux would answer "no
     * server running", and a worker's `_ claim` would take that for every
     * holder being dead. It cannot say, so the session files decide.
     */
    private boolean unreachable() {
        return looop.sandbox.Inside.confined(paths.env(looop.sandbox.Inside.ENV));
    }

    /** Friendly key names (any case) and the tmux names they stand for. */
    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("enter", "Enter"), Map.entry("return", "Enter"), Map.entry("tab", "Tab"), Map.entry("btab", "BTab"),
            Map.entry("esc", "Escape"), Map.entry("escape", "Escape"), Map.entry("space", "Space"),
            Map.entry("up", "Up"), Map.entry("down", "Down"), Map.entry("left", "Left"), Map.entry("right", "Right"),
            Map.entry("bspace", "BSpace"), Map.entry("backspace", "BSpace"), Map.entry("home", "Home"), Map.entry("end", "End"),
            Map.entry("pageup", "PPage"), Map.entry("pgup", "PPage"), Map.entry("ppage", "PPage"),
            Map.entry("pagedown", "NPage"), Map.entry("pgdn", "NPage"), Map.entry("npage", "NPage"),
            Map.entry("delete", "DC"), Map.entry("del", "DC"), Map.entry("dc", "DC"),
            Map.entry("insert", "IC"), Map.entry("ins", "IC"), Map.entry("ic", "IC"));

    /**
     * The tmux name of a friendly key: Enter, Tab, Esc, Up, PageUp, Delete,
     * F1…F12, C-c, M-x, C-Up, or one printable character. Anything else is a
     * one-line UserError, since tmux would type an unknown name as text.
     */
    public static String keyName(String key) {
        String name = keyNameOrNull(key);
        if (name == null) {
            throw new UserError("unknown key '" + key + "'; use names like Enter, Tab, Esc, Space, BSpace, Up, Down, Left, Right, "
                    + "Home, End, PageUp, PageDown, Delete, Insert, F1…F12, C-c, C-d, M-x, or one character (use `looop send` for text)");
        }
        return name;
    }

    private static String keyNameOrNull(String key) {
        if (key == null || key.isEmpty()) return null;
        if (key.codePointCount(0, key.length()) == 1) return Character.isISOControl(key.codePointAt(0)) || key.equals(" ") ? null : key;
        String lower = key.toLowerCase(Locale.ROOT);
        if (KEYS.containsKey(lower)) return KEYS.get(lower);
        if (lower.matches("f([1-9]|1[0-2])")) return "F" + lower.substring(1);
        if (lower.matches("[cms]-.+")) {
            String rest = keyNameOrNull(key.substring(2));
            return rest == null ? null : Character.toUpperCase(key.charAt(0)) + "-" + rest;
        }
        return null;
    }
}
