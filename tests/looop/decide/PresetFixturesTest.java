package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import looop.ApiStandIn;
import looop.Needs;
import looop.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner presets of tests/fixtures/PRESETS.md, checked two ways: the
 * recorded fixtures carry usage where PRESETS.md says (no CLI needed), and,
 * for each CLI found on PATH, the preset's tick command run for real against
 * {@link ApiStandIn} writes the scripted decision and streams usage (skipped
 * when the CLI is not installed).
 */
class PresetFixturesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DECISION = "{\"action\":\"noop\",\"reason\":\"stand-in says nothing to do\"}";
    static final String PROMPT = "Decide now: write your decision to .decision.json.\n";

    // The tick commands of PRESETS.md, as looop runs them (bash -c, prompt on stdin, cwd = data dir).
    static final String CLAUDE_TICK = "claude -p --output-format stream-json --verbose --dangerously-skip-permissions";
    static final String CODEX_TICK = "codex exec --json --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox -";
    static final String OPENCODE_TICK = "opencode run --format json --auto";
    static final String PI_TICK = "pi -p --mode json \"Follow the looop instructions given on stdin.\"";
    static final String GEMINI_TICK =
            "gemini -p \"Follow the looop instructions given on stdin.\" --output-format stream-json --yolo --skip-trust";

    @TempDir
    Path root;

    // ------------------------------------------------------------ recorded fixtures

    @Test
    void claudeFixtureReportsARunTotal() throws IOException {
        List<JsonNode> s = fixture("claude-stream-json-standin.jsonl");
        assertNum(new BigDecimal("0.0075"), total(s, "result", "/total_cost_usd"));
        assertNum(new BigDecimal("2000"), total(s, "result", "/usage/input_tokens"));
        assertNum(new BigDecimal("100"), total(s, "result", "/usage/output_tokens"));
    }

    @Test
    void codexFixtureReportsTokensPerTurn() throws IOException {
        List<JsonNode> s = fixture("codex-exec-json.jsonl");
        assertNum(new BigDecimal("2000"), sum(s, "turn.completed", "/usage/input_tokens"));
        assertNum(new BigDecimal("100"), sum(s, "turn.completed", "/usage/output_tokens"));
        assertNum(new BigDecimal("0"), sum(s, "turn.completed", "/usage/cached_input_tokens"));
    }

    @Test
    void opencodeFixtureReportsCostPerStep() throws IOException {
        List<JsonNode> s = fixture("opencode-run-json.jsonl");
        assertNum(new BigDecimal("0.0075"), sum(s, "step_finish", "/part/cost"));
        assertNum(new BigDecimal("2000"), sum(s, "step_finish", "/part/tokens/input"));
        assertNum(new BigDecimal("100"), sum(s, "step_finish", "/part/tokens/output"));
    }

    @Test
    void piFixtureReportsCostPerMessage() throws IOException {
        List<JsonNode> s = fixture("pi-mode-json-standin.jsonl");
        assertNum(new BigDecimal("0.0075"), sum(s, "message_end", "/message/usage/cost/total"));
        assertNum(new BigDecimal("2000"), sum(s, "message_end", "/message/usage/input"));
    }

    @Test
    void geminiFixtureReportsARunTotalOfTokens() throws IOException {
        List<JsonNode> s = fixture("gemini-stream-json.jsonl");
        assertNum(new BigDecimal("2000"), total(s, "result", "/stats/input_tokens"));
        assertNum(new BigDecimal("100"), total(s, "result", "/stats/output_tokens"));
    }

    // ------------------------------------------------------------ live runs

    @Test
    void claudeWritesTheDecision() throws Exception {
        Needs.cli("claude");
        List<JsonNode> s = live(CLAUDE_TICK, (api, home) -> Map.of(
                "ANTHROPIC_BASE_URL", api.baseUrl(),
                "ANTHROPIC_API_KEY", "sk-ant-standin",
                "ANTHROPIC_MODEL", "claude-sonnet-4-5",
                // as root, claude refuses --dangerously-skip-permissions unless told it is sandboxed
                "IS_SANDBOX", "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1",
                "DISABLE_AUTOUPDATER", "1"));
        assertTrue(total(s, "result", "/total_cost_usd").signum() > 0, "claude priced the run");
    }

    @Test
    void codexWritesTheDecision() throws Exception {
        Needs.cli("codex");
        List<JsonNode> s = live(CODEX_TICK, (api, home) -> {
            write(home.resolve(".codex/config.toml"), "model = \"gpt-5-codex\"\nmodel_provider = \"standin\"\n\n"
                    + "[model_providers.standin]\nname = \"API stand-in\"\nbase_url = \"" + api.baseUrl() + "/v1\"\n"
                    + "env_key = \"STANDIN_API_KEY\"\nwire_api = \"responses\"\n");
            return Map.of("STANDIN_API_KEY", "standin");
        });
        assertNum(new BigDecimal(2 * ApiStandIn.INPUT_TOKENS), sum(s, "turn.completed", "/usage/input_tokens"));
        assertNum(new BigDecimal(2 * ApiStandIn.OUTPUT_TOKENS), sum(s, "turn.completed", "/usage/output_tokens"));
    }

    @Test
    void opencodeWritesTheDecision() throws Exception {
        Needs.cli("opencode");
        List<JsonNode> s = live(OPENCODE_TICK, (api, home) -> {
            write(home.resolve(".config/opencode/opencode.json"), "{\"model\":\"standin/standin-model\",\"autoupdate\":false,"
                    + "\"share\":\"disabled\",\"provider\":{\"standin\":{\"npm\":\"@ai-sdk/openai-compatible\","
                    + "\"name\":\"API stand-in\",\"options\":{\"baseURL\":\"" + api.baseUrl() + "/v1\","
                    + "\"apiKey\":\"{env:STANDIN_API_KEY}\"},\"models\":{\"standin-model\":{\"name\":\"API stand-in\","
                    + "\"cost\":{\"input\":3,\"output\":15},\"limit\":{\"context\":128000,\"output\":8192}}}}}}");
            return Map.of("STANDIN_API_KEY", "standin", "OPENCODE_DISABLE_MODELS_FETCH", "1",
                    "OPENCODE_DISABLE_AUTOUPDATE", "1");
        });
        assertNum(new BigDecimal("0.0075"), sum(s, "step_finish", "/part/cost"));
    }

    @Test
    void piWritesTheDecision() throws Exception {
        Needs.cli("pi");
        List<JsonNode> s = live(PI_TICK, (api, home) -> {
            write(home.resolve(".pi/agent/models.json"), "{\"providers\":{\"standin\":{\"baseUrl\":\"" + api.baseUrl()
                    + "/v1\",\"api\":\"openai-completions\",\"apiKey\":\"STANDIN_API_KEY\",\"compat\":"
                    + "{\"supportsDeveloperRole\":false,\"supportsReasoningEffort\":false},\"models\":[{\"id\":\"standin-model\","
                    + "\"reasoning\":false,\"input\":[\"text\"],\"contextWindow\":128000,\"maxTokens\":8192,"
                    + "\"cost\":{\"input\":3,\"output\":15,\"cacheRead\":0,\"cacheWrite\":0}}]}}}");
            write(home.resolve(".pi/agent/settings.json"), "{\"defaultProvider\":\"standin\",\"defaultModel\":\"standin-model\"}");
            return Map.of("STANDIN_API_KEY", "standin", "PI_OFFLINE", "1");
        });
        assertNum(new BigDecimal("0.0075"), sum(s, "message_end", "/message/usage/cost/total"));
    }

    @Test
    void geminiWritesTheDecision() throws Exception {
        Needs.cli("gemini");
        List<JsonNode> s = live(GEMINI_TICK + " -m gemini-2.5-flash", (api, home) -> {
            write(home.resolve(".gemini/settings.json"), "{\"security\":{\"auth\":{\"selectedType\":\"gemini-api-key\"}},"
                    + "\"privacy\":{\"usageStatisticsEnabled\":false},\"telemetry\":{\"enabled\":false},"
                    + "\"general\":{\"disableAutoUpdate\":true,\"disableUpdateNag\":true}}");
            return Map.of("GEMINI_API_KEY", "standin", "GOOGLE_GEMINI_BASE_URL", api.baseUrl());
        });
        assertNum(new BigDecimal(2 * ApiStandIn.INPUT_TOKENS), total(s, "result", "/stats/input_tokens"));
        assertNum(new BigDecimal(2 * ApiStandIn.OUTPUT_TOKENS), total(s, "result", "/stats/output_tokens"));
    }

    // ------------------------------------------------------------ looop's own presets, live

    /**
     * Each preset of looop's runner table (looop.profile.Presets) run by
     * looop's Runner, exactly as a beat runs it, against the stand-in, and
     * metered by looop's Meter with the preset's cost spec: dollars where the
     * CLI reports them, else the tokens priced at $3/$15 per million. The
     * stand-in answers 2 calls of 1000 in / 50 out, so every figure is 0.0075
     * (gemini's router adds a call: its figure is priced from its own stats).
     */
    @Test
    void claudePresetMetersTheRun() throws Exception {
        Needs.cli("claude");
        assertEquals(0.0075, preset("claude", null, (api, home) -> Map.of(
                "ANTHROPIC_BASE_URL", api.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant-standin", "ANTHROPIC_MODEL", "claude-sonnet-4-5",
                "IS_SANDBOX", "1", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1", "DISABLE_AUTOUPDATER", "1")).costUsd());
    }

    @Test
    void codexPresetPricesItsTokens() throws Exception {
        Needs.cli("codex");
        assertEquals(0.0075, preset("codex", AT_3_15, (api, home) -> {
            write(home.resolve(".codex/config.toml"), "model = \"gpt-5-codex\"\nmodel_provider = \"standin\"\n\n"
                    + "[model_providers.standin]\nname = \"API stand-in\"\nbase_url = \"" + api.baseUrl() + "/v1\"\n"
                    + "env_key = \"STANDIN_API_KEY\"\nwire_api = \"responses\"\n");
            return Map.of("STANDIN_API_KEY", "standin");
        }).costUsd());
    }

    @Test
    void opencodePresetMetersItsSteps() throws Exception {
        Needs.cli("opencode");
        assertEquals(0.0075, preset("opencode", null, (api, home) -> {
            write(home.resolve(".config/opencode/opencode.json"), "{\"model\":\"standin/standin-model\",\"autoupdate\":false,"
                    + "\"share\":\"disabled\",\"provider\":{\"standin\":{\"npm\":\"@ai-sdk/openai-compatible\","
                    + "\"name\":\"API stand-in\",\"options\":{\"baseURL\":\"" + api.baseUrl() + "/v1\","
                    + "\"apiKey\":\"{env:STANDIN_API_KEY}\"},\"models\":{\"standin-model\":{\"name\":\"API stand-in\","
                    + "\"cost\":{\"input\":3,\"output\":15},\"limit\":{\"context\":128000,\"output\":8192}}}}}}");
            return Map.of("STANDIN_API_KEY", "standin", "OPENCODE_DISABLE_MODELS_FETCH", "1", "OPENCODE_DISABLE_AUTOUPDATE", "1");
        }).costUsd());
    }

    @Test
    void piPresetMetersItsMessages() throws Exception {
        Needs.cli("pi");
        assertEquals(0.0075, preset("pi", null, (api, home) -> {
            write(home.resolve(".pi/agent/models.json"), "{\"providers\":{\"standin\":{\"baseUrl\":\"" + api.baseUrl()
                    + "/v1\",\"api\":\"openai-completions\",\"apiKey\":\"STANDIN_API_KEY\",\"compat\":"
                    + "{\"supportsDeveloperRole\":false,\"supportsReasoningEffort\":false},\"models\":[{\"id\":\"standin-model\","
                    + "\"reasoning\":false,\"input\":[\"text\"],\"contextWindow\":128000,\"maxTokens\":8192,"
                    + "\"cost\":{\"input\":3,\"output\":15,\"cacheRead\":0,\"cacheWrite\":0}}]}}}");
            write(home.resolve(".pi/agent/settings.json"), "{\"defaultProvider\":\"standin\",\"defaultModel\":\"standin-model\"}");
            return Map.of("STANDIN_API_KEY", "standin", "PI_OFFLINE", "1");
        }).costUsd());
    }

    @Test
    void geminiPresetPricesItsTokens() throws Exception {
        Needs.cli("gemini");
        Ran ran = preset("gemini", AT_3_15, (api, home) -> {
            write(home.resolve(".gemini/settings.json"), "{\"security\":{\"auth\":{\"selectedType\":\"gemini-api-key\"}},"
                    + "\"privacy\":{\"usageStatisticsEnabled\":false},\"telemetry\":{\"enabled\":false},"
                    + "\"general\":{\"disableAutoUpdate\":true,\"disableUpdateNag\":true}}");
            return Map.of("GEMINI_API_KEY", "standin", "GOOGLE_GEMINI_BASE_URL", api.baseUrl());
        });
        // no -m in the preset: the router's classifier call is a model call too, in the stats and so priced
        assertTrue(ran.modelCalls() >= 2, "model calls: " + ran.modelCalls());
        assertEquals(BigDecimal.valueOf(ran.modelCalls()).multiply(new BigDecimal("0.00375")).doubleValue(), ran.costUsd());
    }

    static final String AT_3_15 = "{\"usd_per_mtok\":{\"input\":3,\"output\":15}}";

    record Ran(Double costUsd, long modelCalls) {}

    /**
     * One looop beat's runner call with the named preset: looop.json names it
     * (priced with pricing when given), Runner.runTick runs its tick command in
     * the data dir with the prompt on stdin, in the sandbox under the decide
     * grant as a beat does; asserts it exited 0 and wrote the decision.
     */
    private Ran preset(String name, String pricing, Setup setup) throws Exception {
        Path home = Files.createDirectories(root.resolve("home"));
        Path data = Files.createDirectories(root.resolve("data"));
        try (ApiStandIn api = ApiStandIn.start(data, DECISION)) {
            Map<String, String> env = new java.util.TreeMap<>(setup.apply(api, home));
            env.put("HOME", home.toString());
            env.put("NO_COLOR", "1");
            TestProfile p = new TestProfile(data, Map.of("HOME", home.toString())); // the CLI's state is this HOME's
            p.write("looop.json", "{\"default\":\"" + name + "\",\"runners\":{\"" + name + "\":"
                    + (pricing == null ? "{}" : "{\"cost\":" + pricing + "}") + "}}");
            looop.profile.Config.RunnerDef preset = looop.profile.Config.load(p.paths).defaultRunnerDef();
            assertEquals(looop.profile.Presets.named(name).orElseThrow().def().tick(), preset.tick(), "looop's own preset");
            // a runner inherits looop's environment: the stand-in's settings go in front of the command, as a person could write it
            StringBuilder assignments = new StringBuilder();
            env.forEach((k, v) -> assignments.append(k).append('=').append(looop.io.Proc.shellQuote(v)).append(' '));
            looop.profile.Config.RunnerDef def = new looop.profile.Config.RunnerDef(name, assignments + preset.tick(),
                    preset.interactive(), preset.resume(), preset.cost());
            Path run = Files.createDirectories(data.resolve("runs/live"));
            Path decision = looop.act.Decision.fileIn(run);
            Path prompt = root.resolve("prompt.md");
            Files.writeString(prompt, PROMPT + looop.decide.Prompt.decisionFile(decision));
            // in the sandbox, as a beat runs it: the CLI's state and the decide dir are all it may write
            looop.profile.Confinement box = looop.profile.Confinement.of(p.paths, looop.profile.Config.load(p.paths));
            org.junit.jupiter.api.Assumptions.assumeTrue(box.sandbox().active(), "needs bwrap (apt-get install bubblewrap): " + box.sandbox().describe());
            looop.decide.Runner.Result r = looop.decide.Runner.runTick(p.paths, def, prompt, run, java.time.Duration.ofSeconds(240), p.clock,
                    box.decide(name, decision.getParent()));
            String log = Files.readString(run.resolve("output.log"));
            assertTrue(r.ok(), "`" + def.tick() + "` failed: " + r + "\n" + tail(run.resolve("output.log"))
                    + "\nstand-in saw: " + api.requests().stream().map(ApiStandIn.Request::path).toList());
            assertTrue(Files.isRegularFile(decision), "no decision at " + decision + ":\n" + log);
            assertEquals(JSON.readTree(DECISION), JSON.readTree(decision.toFile()));
            long calls = api.requests().stream().filter(q -> q.path().contains("enerateContent")).count();
            return new Ran(r.costUsd(), calls);
        }
    }

    // ------------------------------------------------------------ plumbing

    interface Setup {
        Map<String, String> apply(ApiStandIn api, Path home) throws IOException;
    }

    /**
     * Runs tick under bash -c in a fresh data dir with a throwaway HOME, the
     * prompt on stdin, against a fresh stand-in; asserts it exited 0 and wrote
     * the decision; returns its stdout's JSON lines.
     */
    private List<JsonNode> live(String tick, Setup setup) throws Exception {
        Path home = Files.createDirectories(root.resolve("home"));
        Path data = Files.createDirectories(root.resolve("data"));
        Path prompt = root.resolve("prompt.md");
        Files.writeString(prompt, PROMPT);
        Path out = root.resolve("stdout.jsonl");
        Path err = root.resolve("stderr.txt");
        try (ApiStandIn api = ApiStandIn.start(data, DECISION)) {
            Map<String, String> extra = setup.apply(api, home);
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", tick).directory(data.toFile())
                    .redirectInput(prompt.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("HOME", home.toString());
            pb.environment().put("NO_COLOR", "1");
            pb.environment().putAll(extra);
            Process p = pb.start();
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("`" + tick + "` did not finish in 240 s; stderr:\n" + tail(err));
            }
            assertEquals(0, p.exitValue(), "`" + tick + "` failed; stderr:\n" + tail(err) + "\nstand-in saw: "
                    + api.requests().stream().map(ApiStandIn.Request::path).toList());
        }
        Path decision = data.resolve(".decision.json");
        assertTrue(Files.isRegularFile(decision), "no .decision.json; stderr:\n" + tail(err));
        assertEquals(JSON.readTree(DECISION), JSON.readTree(decision.toFile()));
        return jsonLines(Files.readAllLines(out));
    }

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static String tail(Path p) throws IOException {
        if (!Files.exists(p)) return "";
        String s = Files.readString(p);
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    static List<JsonNode> fixture(String name) throws IOException {
        Path p = Path.of("tests", "fixtures", name).toAbsolutePath();
        assertTrue(Files.isRegularFile(p), "fixture " + p + " is missing; run the tests from the repo root");
        return jsonLines(Files.readAllLines(p));
    }

    private static List<JsonNode> jsonLines(List<String> lines) {
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            try {
                JsonNode n = JSON.readTree(line);
                if (n != null && n.isObject()) events.add(n);
            } catch (IOException e) {
                // a non-JSON line (a warning) is not an event
            }
        }
        return events;
    }

    /** Numbers compared by value, so 2000 and 2.0E3 are equal. */
    static void assertNum(BigDecimal expected, BigDecimal actual) {
        assertTrue(actual != null && expected.compareTo(actual) == 0, "expected " + expected + " but was " + actual);
    }

    /** The sum of the numbers at pointer over events of that type (null when none had one). */
    static BigDecimal sum(List<JsonNode> events, String type, String pointer) {
        return fold(events, type, pointer, BigDecimal::add);
    }

    /** The last number at pointer among events of that type (null when none had one). */
    static BigDecimal total(List<JsonNode> events, String type, String pointer) {
        return fold(events, type, pointer, (a, b) -> b);
    }

    private static BigDecimal fold(List<JsonNode> events, String type, String pointer,
            java.util.function.BinaryOperator<BigDecimal> op) {
        JsonPointer ptr = JsonPointer.compile(pointer);
        BigDecimal acc = null;
        for (JsonNode e : events) {
            if (!type.equals(e.path("type").asText())) continue;
            JsonNode v = e.at(ptr);
            if (!v.isNumber()) continue;
            acc = acc == null ? v.decimalValue() : op.apply(acc, v.decimalValue());
        }
        return acc;
    }
}
