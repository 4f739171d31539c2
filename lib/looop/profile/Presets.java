package looop.profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AI CLIs looop knows out of the box: for each, the tick and worker
 * commands checked against the real CLI (tests/fixtures/PRESETS.md), how its
 * stream reports spend, and how to install it. Config builds its built-in
 * runner table from here; `looop init` offers them; the preflight names the
 * package to install.
 */
public final class Presets {
    private Presets() {}

    /**
     * One CLI. cost is how its stream reports spend: dollars where the CLI
     * prices the run itself, else token counts that the user prices in
     * looop.json (usd_per_mtok), so `cost` is unpriced until they do.
     */
    public record Preset(String name, String install, Config.RunnerDef def) {
        public String binary() {
            return Config.RunnerDef.firstWord(def.tick());
        }

        /** True when the CLI reports only tokens, which need the user's prices to become dollars. */
        public boolean needsPrices() {
            return def.cost() != null && !def.cost().priced();
        }
    }

    static final String STDIN_PROMPT = "\"Follow the looop instructions given on stdin.\"";
    static final String PROMPT_ARG = "\"$(cat '{{prompt_file}}')\"";

    private static final Map<String, Preset> TABLE = table();

    private static Map<String, Preset> table() {
        Map<String, Preset> m = new LinkedHashMap<>();
        add(m, "claude", "npm install -g @anthropic-ai/claude-code",
                "claude -p --output-format stream-json --verbose --dangerously-skip-permissions",
                "claude --dangerously-skip-permissions " + PROMPT_ARG, "claude --continue",
                Config.CostSpec.dollars("result", "/total_cost_usd", false));
        add(m, "codex", "npm install -g @openai/codex",
                "codex exec --json --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox -",
                // --no-daemon: the TUI's shared app-server listens on a Unix socket, which the sandbox refuses
                "codex --no-daemon --dangerously-bypass-approvals-and-sandbox " + PROMPT_ARG, "codex resume --last --no-daemon",
                Config.CostSpec.tokens("turn.completed", true,
                        inputOutput("/usage/input_tokens", "/usage/output_tokens"), null));
        add(m, "opencode", "npm install -g opencode-ai",
                "opencode run --format json --auto",
                "opencode --auto --prompt " + PROMPT_ARG, "opencode --continue",
                Config.CostSpec.dollars("step_finish", "/part/cost", true));
        add(m, "pi", "npm install -g @mariozechner/pi-coding-agent",
                "pi -p --mode json " + STDIN_PROMPT,
                "pi " + PROMPT_ARG, "pi --continue",
                Config.CostSpec.dollars("message_end", "/message/usage/cost/total", true));
        add(m, "gemini", "npm install -g @google/gemini-cli",
                "gemini -p " + STDIN_PROMPT + " --output-format stream-json --yolo --skip-trust",
                "gemini --yolo --skip-trust -i " + PROMPT_ARG, "gemini --resume latest",
                Config.CostSpec.tokens("result", false,
                        inputOutput("/stats/input_tokens", "/stats/output_tokens"), null));
        return m;
    }

    private static void add(Map<String, Preset> m, String name, String install, String tick, String interactive, String resume,
            Config.CostSpec cost) {
        m.put(name, new Preset(name, install, new Config.RunnerDef(name, tick, interactive, resume, cost)));
    }

    /** Input and output token pointers, in that order (the order prices are listed in). */
    private static Map<String, String> inputOutput(String input, String output) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("input", input);
        m.put("output", output);
        return m;
    }

    public static List<Preset> all() {
        return List.copyOf(TABLE.values());
    }

    public static Optional<Preset> named(String name) {
        return Optional.ofNullable(TABLE.get(name));
    }

    /** The preset whose CLI is this binary (a path or a bare name), for "install it with …". */
    public static Optional<Preset> forBinary(String bin) {
        String base = bin.substring(bin.lastIndexOf('/') + 1);
        return TABLE.values().stream().filter(p -> p.binary().equals(base)).findFirst();
    }
}
