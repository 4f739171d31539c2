package looop.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state and cache paths an agent CLI writes to while it runs (sessions,
 * credentials refresh, caches); a sandboxed decider or worker keeps these
 * writable or the CLI itself fails. Built-in runners have defaults; a runner's
 * "sandbox_write" list in looop.json replaces them.
 */
public final class RunnerState {
    private RunnerState() {}

    private static final Map<String, List<String>> DEFAULTS = Map.of(
            "claude", List.of("~/.claude", "~/.claude.json", "~/.cache/claude", "~/.config/claude"),
            "pi", List.of("~/.pi"),
            "codex", List.of("~/.codex"),
            "opencode", List.of("~/.local/share/opencode", "~/.config/opencode", "~/.cache/opencode", "~/.local/state/opencode"),
            "gemini", List.of("~/.gemini"));

    /** The built-in runner names that have defaults. */
    public static List<String> known() {
        return DEFAULTS.keySet().stream().sorted().toList();
    }

    /**
     * The writable paths for runner: override when given (a runner's
     * "sandbox_write", already expanded), else the defaults for its name
     * (none for an unknown runner), "~" expanded against home.
     */
    public static List<Path> paths(String runner, Path home, List<Path> override) {
        if (override != null) return List.copyOf(override);
        List<Path> out = new ArrayList<>();
        for (String p : DEFAULTS.getOrDefault(runner, List.of())) out.add(SandboxPolicy.expand(p, home));
        return out;
    }
}
