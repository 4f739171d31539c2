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

    /*
     * Inside those dirs, the files that make the CLI run commands or change its
     * rules (hooks, MCP servers, settings, instructions): writable, they would
     * let a sandboxed run plant a command that the user's next unsandboxed run
     * of the same CLI executes. Protected paths beat a grant only when they
     * exist (a missing one is covered through its parent, which the grant
     * reopens), so the caller should create any it wants enforced.
     */
    private static final Map<String, List<String>> POLICY_FILES = Map.of(
            "claude", List.of("~/.claude/settings.json", "~/.claude/settings.local.json", "~/.claude/CLAUDE.md",
                    "~/.claude/hooks", "~/.claude/commands", "~/.claude/agents", "~/.claude/skills", "~/.claude/plugins"),
            "pi", List.of("~/.pi/agent/settings.json", "~/.pi/agent/AGENTS.md", "~/.pi/agent/extensions"),
            "codex", List.of("~/.codex/config.toml", "~/.codex/AGENTS.md"),
            "opencode", List.of("~/.config/opencode/opencode.json", "~/.config/opencode/opencode.jsonc",
                    "~/.config/opencode/AGENTS.md", "~/.config/opencode/plugin", "~/.config/opencode/agent"),
            "gemini", List.of("~/.gemini/settings.json", "~/.gemini/GEMINI.md"));

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

    /** The runner's own policy files to pass as protected paths next to {@link #paths}; none for an unknown runner. */
    public static List<Path> protectedPaths(String runner, Path home) {
        List<Path> out = new ArrayList<>();
        for (String p : POLICY_FILES.getOrDefault(runner, List.of())) out.add(SandboxPolicy.expand(p, home));
        return out;
    }
}
