package looop.profile;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import looop.io.Proc;
import looop.io.UserError;

/**
 * A runner's command as looop resolves it before running it: the PATH check
 * (preflight), the environment it gets, and the prompt file put in. The
 * decider's tick (decide.Runner) and a worker's interactive command
 * (workers.TmuxSessions) resolve theirs alike.
 */
public final class RunnerCommand {
    private RunnerCommand() {}

    public static final String PROMPT_FILE = "{{prompt_file}}";
    /**
     * Words a shell resolves itself: a command starting with one of them
     * (`cd sub && claude …`, `exec pi …`) names no binary we could check.
     */
    private static final Set<String> SHELL_WORDS = Set.of("cd", ".", "source", "exec", "eval", "export", "set", "unset",
            "command", "builtin", "type", "test", "[", "[[", "{", "(", "!", "if", "for", "while", "until", "case",
            "time", "true", "false", "echo", "printf", "read", "shift", "trap", "ulimit", "umask", "wait");

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
        var preset = Presets.forBinary(bin);
        if (preset.isPresent()) return "install it with: " + preset.get().install();
        if (bin.endsWith("jbang")) return "install it from https://www.jbang.dev/download";
        return "install it or fix the runner's \"tick\" command in looop.json";
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

}
