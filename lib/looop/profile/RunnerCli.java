package looop.profile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import looop.sandbox.RunnerState;

/**
 * Which agent CLI a runner's command runs, recognised by the command, not by
 * the runner's name: its first word past leading VAR=value assignments and an
 * `env …` prefix, by the binary's name (a path counts by its last part). A
 * runner called "work" whose command starts `claude` is Claude Code. The
 * assignments count as that CLI's environment, over looop's own.
 */
public record RunnerCli(String cli, Map<String, String> assignments) {
    /** The CLI name (one of Presets) or null, and the literal VAR=value words in front of it. */
    public static RunnerCli of(String command) {
        Map<String, String> vars = new LinkedHashMap<>();
        List<String> words = words(command == null ? "" : command);
        int i = 0;
        boolean afterEnv = false;
        while (i < words.size()) {
            String w = words.get(i);
            int eq = w.indexOf('=');
            if (eq > 0 && isName(w.substring(0, eq))) {
                vars.put(w.substring(0, eq), unquote(w.substring(eq + 1)));
            } else if (!afterEnv && (w.equals("env") || w.endsWith("/env"))) {
                afterEnv = true;
            } else if (afterEnv && w.startsWith("-")) {
                // env's own options (-i, -u NAME…): not the binary
                if (w.equals("-u") || w.equals("-C") || w.equals("-S")) i++;
            } else {
                break;
            }
            i++;
        }
        String bin = i < words.size() ? words.get(i) : "";
        String base = bin.substring(bin.lastIndexOf('/') + 1);
        Presets.Preset preset = Presets.named(base).orElse(null); // no method reference: every start parses the config (StartupTest)
        return new RunnerCli(preset == null ? null : preset.name(), vars);
    }

    /** What a runner's tick (worker=false) or worker command runs; the other command when that one names no known CLI. */
    public static RunnerCli of(Config.RunnerDef def, boolean worker) {
        String first = worker && def.interactive() != null ? def.interactive() : def.tick();
        RunnerCli r = of(first);
        if (r.cli() != null) return r;
        RunnerCli other = of(worker ? def.tick() : def.interactive());
        return other.cli() != null ? other : r;
    }

    /** A variable as the CLI sees it: the command's own assignment, else looop's environment. */
    public UnaryOperator<String> env(Paths paths) {
        return name -> assignments.containsKey(name) ? blankIsNull(assignments.get(name)) : paths.env(name);
    }

    /** The CLI's state as it will find it. */
    public RunnerState.State state(Paths paths, Path home) {
        return RunnerState.of(cli, home, env(paths));
    }

    private static String blankIsNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static boolean isName(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) return false;
        }
        return !s.isEmpty();
    }

    /** 'x' and "x" lose their quotes; a value with shell syntax left in it is not one we can know ahead: null. */
    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'"))) return v.substring(1, v.length() - 1);
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
        for (char c : v.toCharArray()) {
            if ("$`\"'\\".indexOf(c) >= 0) return null;
        }
        return v;
    }

    /** Whitespace-separated words, quotes kept together (enough for the front of a command). */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        for (char c : s.strip().toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                w.append(c);
            } else if (Character.isWhitespace(c)) {
                if (w.length() > 0) out.add(w.toString());
                w.setLength(0);
            } else {
                w.append(c);
            }
        }
        if (w.length() > 0) out.add(w.toString());
        return out;
    }
}
