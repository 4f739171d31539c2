package looop.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where an agent CLI keeps its state (sessions, credentials refresh, caches),
 * which a sandboxed decider or worker keeps writable or the CLI itself fails,
 * and the policy files in it, which stay protected. Each CLI's own variables
 * move it (CLAUDE_CONFIG_DIR, PI_CODING_AGENT_DIR, CODEX_HOME, XDG_* and
 * OPENCODE_CONFIG* for opencode, GEMINI_CLI_HOME), read through env as the
 * CLI will inherit them; checked against the installed CLIs (claude 2.1.332,
 * pi 0.73.1, codex 0.171.0, opencode 1.18.33, gemini 0.61.0). A runner's
 * "sandbox_write" in looop.json replaces the writable part.
 */
public final class RunnerState {
    private RunnerState() {}

    /**
     * One CLI's state: the dirs it writes (made before the sandbox starts, as a
     * grant opens only what exists), more it writes when they are there (a
     * file next to them, caches it may never make), and the
     * policy files: those that make it run commands or change its rules
     * (hooks, MCP servers, settings, instructions). Writable, those would let
     * a sandboxed run plant a command that the person's next unsandboxed run
     * of the same CLI executes. Protected paths beat a grant only when they
     * exist (a missing one is covered through its parent, which the grant
     * reopens). vars: the variables that moved it, as NAME=value, for humans.
     */
    public record State(List<Path> dirs, List<Path> extra, List<Path> policy, List<String> vars) {
        public List<Path> writable() {
            List<Path> out = new ArrayList<>(dirs);
            out.addAll(extra);
            return out;
        }
    }

    /** The CLIs this knows, by the binary's name. */
    public static List<String> known() {
        return List.of("claude", "codex", "gemini", "opencode", "pi");
    }

    /** cli's state (none for a CLI this does not know); env looks variables up (null: unset), "~" means home. */
    public static State of(String cli, Path home, UnaryOperator<String> env) {
        Reader r = new Reader(home, env);
        return switch (cli == null ? "" : cli) {
            case "claude" -> claude(r);
            case "pi" -> pi(r);
            case "codex" -> codex(r);
            case "opencode" -> opencode(r);
            case "gemini" -> gemini(r);
            default -> new State(List.of(), List.of(), List.of(), List.of());
        };
    }

    /** Claude Code: CLAUDE_CONFIG_DIR moves ~/.claude and ~/.claude.json (into the dir, as .claude.json). */
    private static State claude(Reader r) {
        Path moved = r.var("CLAUDE_CONFIG_DIR");
        Path dir = moved != null ? moved : r.home(".claude");
        Path global = moved != null ? moved.resolve(".claude.json") : r.home(".claude.json");
        List<Path> extra = moved != null ? List.of() : List.of(global, r.home(".cache/claude"), r.home(".config/claude"));
        return new State(List.of(dir), extra,
                in(dir, "settings.json", "settings.local.json", "CLAUDE.md", "hooks", "commands", "agents", "skills", "plugins",
                        "output-styles"), r.vars);
    }

    /** The writable paths for cli in its default places: override when given (a runner's "sandbox_write"). */
    public static List<Path> paths(String cli, Path home, List<Path> override) {
        return override != null ? List.copyOf(override) : of(cli, home, n -> null).writable();
    }

    /** cli's policy files in their default places. */
    public static List<Path> protectedPaths(String cli, Path home) {
        return of(cli, home, n -> null).policy();
    }

    /** claude's global config file, where onboarding and folder trust are kept. */
    public static Path claudeGlobalConfig(Path home, UnaryOperator<String> env) {
        Reader r = new Reader(home, env);
        Path moved = r.var("CLAUDE_CONFIG_DIR");
        return moved != null ? moved.resolve(".claude.json") : r.home(".claude.json");
    }

    /** claude's config dir, where its settings.json is. */
    public static Path claudeConfigDir(Path home, UnaryOperator<String> env) {
        return of("claude", home, env).dirs().get(0);
    }

    /** pi: PI_CODING_AGENT_DIR moves ~/.pi/agent (pi writes nothing else under ~/.pi). */
    private static State pi(Reader r) {
        Path moved = r.var("PI_CODING_AGENT_DIR");
        Path agent = moved != null ? moved : r.home(".pi/agent");
        // the agent dir itself, not ~/.pi: a policy file missing from it is covered by binding its parent
        // read-only (RealPaths), which only a grant of that very dir reopens; under a wider grant pi could not write
        return new State(List.of(agent), List.of(),
                in(agent, "settings.json", "models.json", "AGENTS.md", "SYSTEM.md", "APPEND_SYSTEM.md", "extensions", "skills",
                        "prompts", "themes"), r.vars);
    }

    /** codex: CODEX_HOME moves ~/.codex. */
    private static State codex(Reader r) {
        Path moved = r.var("CODEX_HOME");
        Path dir = moved != null ? moved : r.home(".codex");
        return new State(List.of(dir), List.of(), in(dir, "config.toml", "AGENTS.md", "AGENTS.override.md", "rules", "prompts"),
                r.vars);
    }

    /**
     * opencode follows the XDG base dirs (data, config, cache, state, each
     * with an opencode/ in it); OPENCODE_CONFIG names one more config file and
     * OPENCODE_CONFIG_DIR one more config dir, both policy, never granted.
     */
    private static State opencode(Reader r) {
        Path data = r.xdg("XDG_DATA_HOME", ".local/share").resolve("opencode");
        Path config = r.xdg("XDG_CONFIG_HOME", ".config").resolve("opencode");
        Path cache = r.xdg("XDG_CACHE_HOME", ".cache").resolve("opencode");
        Path state = r.xdg("XDG_STATE_HOME", ".local/state").resolve("opencode");
        List<Path> policy = new ArrayList<>(in(config, "opencode.json", "opencode.jsonc", "config.json", "tui.json", "tui.jsonc",
                "AGENTS.md", "plugin", "plugins", "agent", "agents", "command", "commands", "mode", "modes", "tool", "tools"));
        Path file = r.var("OPENCODE_CONFIG");
        if (file != null) policy.add(file);
        Path extra = r.var("OPENCODE_CONFIG_DIR");
        if (extra != null) policy.add(extra);
        return new State(List.of(data, config, cache, state), List.of(), policy, r.vars);
    }

    /** gemini: GEMINI_CLI_HOME stands in for the home it keeps .gemini/ in. */
    private static State gemini(Reader r) {
        Path base = r.var("GEMINI_CLI_HOME");
        Path dir = (base != null ? base : r.home).resolve(".gemini");
        return new State(List.of(dir), List.of(),
                in(dir, "settings.json", "GEMINI.md", ".env", "trustedFolders.json", "extensions", "commands", "policies", "agents"),
                r.vars);
    }

    private static List<Path> in(Path dir, String... names) {
        List<Path> out = new ArrayList<>();
        for (String n : names) out.add(dir.resolve(n));
        return out;
    }

    /** Variables through env, "~" through home; a relative or empty value counts as unset (the CLI's cwd varies). */
    private static final class Reader {
        final Path home;
        final UnaryOperator<String> env;
        final List<String> vars = new ArrayList<>();

        Reader(Path home, UnaryOperator<String> env) {
            this.home = home;
            this.env = env;
        }

        Path var(String name) {
            String v = env.apply(name);
            if (v == null || v.isBlank()) return null;
            Path p = v.equals("~") ? home : v.startsWith("~/") ? home.resolve(v.substring(2)) : Path.of(v);
            if (!p.isAbsolute()) return null;
            vars.add(name + "=" + v);
            return p.normalize();
        }

        Path xdg(String name, String fallback) {
            Path p = var(name);
            return p != null ? p : home(fallback);
        }

        Path home(String relative) {
            return home.resolve(relative).normalize();
        }
    }
}
