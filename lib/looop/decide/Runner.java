package looop.decide;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import looop.act.Decision;
import looop.io.Fs;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Paths;

/** Runs a runner's tick command for one beat: prompt in, rendered archive and metered cost out. */
public final class Runner {
    private Runner() {}

    public static final String PROMPT_FILE = "{{prompt_file}}";
    /** In a holder: a formatter costs milliseconds to build, and a beat that skips never runs a runner. */
    private static final class Hms {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("HH:mm:ss");
    }

    /**
     * Words a shell resolves itself: a command starting with one of them
     * (`cd sub && claude …`, `exec pi …`) names no binary we could check.
     */
    private static final Set<String> SHELL_WORDS = Set.of("cd", ".", "source", "exec", "eval", "export", "set", "unset",
            "command", "builtin", "type", "test", "[", "[[", "{", "(", "!", "if", "for", "while", "until", "case",
            "time", "true", "false", "echo", "printf", "read", "shift", "trap", "ulimit", "umask", "wait");

    /** exitCode 124 with timedOut when killed at the timeout; costUsd null when unmetered. */
    /** How a run ended; complaint is the runner's own last words on a failure (see {@link LastWords}), null when none. */
    public record Result(int exitCode, boolean timedOut, Double costUsd, String complaint) {
        public Result(int exitCode, boolean timedOut, Double costUsd) {
            this(exitCode, timedOut, costUsd, null);
        }

        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** "runner exited 1: ENOENT: …" — the why a person reads in the beat line, status and the next prompt. */
        public String why(String ended) {
            return complaint == null ? ended : ended + ": " + complaint;
        }
    }

    /** The preflight against the environment the runner will really get. */
    public static void preflight(Paths paths, Config.RunnerDef def) {
        preflight(def, childEnv(paths));
    }

    /** Fails with a one-line UserError when the command's first word is not on env's PATH. */
    public static void preflight(Config.RunnerDef def, Map<String, String> env) {
        Binary b = binary(def.tick(), env);
        if (b.name().isEmpty()) {
            throw new UserError("runner '" + def.name() + "' has an empty \"tick\" command; set one in looop.json");
        }
        if (!b.found()) throw new UserError("runner '" + def.name() + "' needs `" + b.name() + "`, which " + b.problem() + "; " + b.fix());
    }

    /**
     * The binary a command starts with, as the preflight sees it: where it
     * resolves (null when it does not, or when the word is shell syntax that
     * only bash can resolve), and if missing, what is wrong and how to get it.
     */
    public record Binary(String name, Path path, boolean checkable, String problem, String fix) {
        public boolean found() {
            return problem == null;
        }
    }

    public static Binary binary(String command, Map<String, String> env) {
        String bin = Config.RunnerDef.firstWord(command);
        if (bin.isEmpty()) return new Binary(bin, null, false, "is empty", "set a command in looop.json");
        if (!checkable(bin)) return new Binary(bin, null, false, null, null);
        Path path = which(bin, env);
        if (path != null) return new Binary(bin, path, true, null, null);
        String where = bin.contains("/") ? "does not exist or is not executable" : "is not on PATH";
        return new Binary(bin, null, true, where, howToGet(bin));
    }

    /** Words with shell syntax in them (quotes, $VAR, subshells) only mean something once bash expands them. */
    private static boolean checkable(String word) {
        if (SHELL_WORDS.contains(word)) return false;
        for (int i = 0; i < word.length(); i++) {
            if ("\"'`$(){};&|<>*?\\".indexOf(word.charAt(i)) >= 0) return false; // by hand: a regex compiles cold in every beat
        }
        return true;
    }

    /** Where bin resolves on env's PATH (or as a path, from the data dir), or null. */
    public static Path which(String bin, Map<String, String> env) {
        if (bin.contains("/")) {
            Path p = expandPath(bin, env);
            return Proc.isExecutableFile(p) ? p : null;
        }
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator, -1)) {
            // an empty PATH entry means the current directory, which for a runner is the data dir
            Path base = dir.isEmpty() ? cwd(env) : Path.of(dir);
            if (Proc.isExecutableFile(base.resolve(bin))) return base.resolve(bin);
        }
        return null;
    }

    private static Path expandPath(String bin, Map<String, String> env) {
        if (bin.startsWith("~/") && env.get("HOME") != null) return Path.of(env.get("HOME"), bin.substring(2));
        return cwd(env).resolve(bin);
    }

    /** Where the command will run: the data dir when env is a child's env, else our own directory. */
    private static Path cwd(Map<String, String> env) {
        String data = env.get("LOOOP_DATA_DIR");
        return Path.of(data != null ? data : "").toAbsolutePath();
    }

    public static String howToGet(String bin) {
        var preset = looop.profile.Presets.forBinary(bin);
        if (preset.isPresent()) return "install it with: " + preset.get().install();
        if (bin.endsWith("jbang")) return "install it from https://www.jbang.dev/download";
        return "install it or fix the runner's \"tick\" command in looop.json";
    }

    public static Result runTick(Paths paths, Config.RunnerDef def, Path promptFile, Path runDir, Duration timeout, Clock clock) {
        return runTick(paths, def, promptFile, runDir, timeout, clock, null);
    }

    /**
     * confine wraps the command (a sandbox; null: none). Either way the runner
     * learns where its decision goes from $LOOOP_DECISION_FILE (and the prompt).
     */
    public static Result runTick(Paths paths, Config.RunnerDef def, Path promptFile, Path runDir, Duration timeout, Clock clock,
            java.util.function.UnaryOperator<List<String>> confine) {
        Map<String, String> env = childEnv(paths);
        env.put(Decision.FILE_ENV, Decision.fileIn(runDir).toString());
        Fs.mkdirs(Decision.fileIn(runDir).getParent()); // the runner writes a file there, it need not make the dir
        preflight(def, env);
        boolean byFile = def.tick().contains(PROMPT_FILE);
        String command = byFile ? withPromptFile(def.tick(), promptFile) : def.tick();
        byte[] stdin = byFile ? null : read(promptFile);
        Meter meter = new Meter(def.cost());
        Render render = new Render();
        Path output = runDir.resolve("output.log");
        // there even when the runner says nothing, so every run in runs/ has its pair of files
        Fs.writeAtomic(output, "");
        Archive archive = new Archive(clock, List.of(output, paths.tickLog()));
        LastWords last = new LastWords();
        Proc.Result r = Proc.stream(new Proc.Spec(command, paths.data, env, stdin, timeout, confine), line -> {
            meter.accept(line);
            for (String shown : render.render(line)) {
                archive.write(shown);
                last.add(shown);
            }
        });
        if (r.timedOut()) archive.write("✗ runner timed out after " + seconds(timeout) + " s");
        else if (r.exitCode() != 0) archive.write("✗ runner exited " + r.exitCode());
        return new Result(r.exitCode(), r.timedOut(), meter.cost(), r.exitCode() == 0 ? null : last.complaint(!r.timedOut()));
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /**
     * The profile's exports plus the PATH looop resolves binaries with, so the
     * PATH preflight checks is the one the command runs with.
     */
    public static Map<String, String> childEnv(Paths paths) {
        Map<String, String> env = new HashMap<>(paths.childEnv());
        String path = paths.env("PATH");
        env.put("PATH", path != null ? path : System.getenv().getOrDefault("PATH", ""));
        return env;
    }

    /**
     * Puts the prompt file's absolute path into a command, quoted for bash. A
     * placeholder the command already quotes ('{{prompt_file}}' or
     * "{{prompt_file}}") has its quotes replaced, so paths with spaces or
     * quotes survive either way of writing it.
     */
    public static String withPromptFile(String command, Path promptFile) {
        String quoted = Proc.shellQuote(promptFile.toAbsolutePath().toString());
        return command.replace("'" + PROMPT_FILE + "'", quoted)
                .replace("\"" + PROMPT_FILE + "\"", quoted)
                .replace(PROMPT_FILE, quoted);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rendered stream, stamped `[HH:MM:SS] ` in the clock's zone, appended to every file. */
    private static final class Archive {
        private final Clock clock;
        private final List<Path> files;

        Archive(Clock clock, List<Path> files) {
            this.clock = clock;
            this.files = files;
        }

        void write(String line) {
            String stamped = "[" + LocalTime.now(clock).format(Hms.FORMAT) + "] " + line;
            for (Path f : files) Fs.appendLine(f, stamped);
        }
    }
}
