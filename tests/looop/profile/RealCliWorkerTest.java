package looop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import looop.ApiStandIn;
import looop.Beats;
import looop.ChildJvm;
import looop.Clis;
import looop.GitFixture;
import looop.TmuxProfile;
import looop.gate.Budget;
import looop.human.Asks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each of the five real agent CLIs (tests/fixtures/PRESETS.md) as a
 * sandboxed worker in tmux, its interactive preset unchanged, following the
 * worker contract against {@link ApiStandIn#worker}, whose scripted model
 * calls the CLI's own shell tool: `_ flag` (ls shows the note), `ask`
 * (answered with `looop answer`; the answer comes back to the model as that
 * call's result), `_ cost` (the next beat's housekeeping puts it in the
 * ledger), `_ kill`. Once with the CLI's state in its default place under
 * HOME, once where its own variable points (a dir under /tmp, which the
 * sandbox's private /tmp would hide). Data and HOME live under /var/tmp.
 * LOOOP_REAL_CLIS=claude,pi narrows the run by hand.
 */
class RealCliWorkerTest {
    static final String ID = "w1";
    static final String ANSWER = "replica-7";

    /** Where the CLI keeps its state: its default place under HOME, or where its own variable points. */
    enum State { DEFAULT, VARIABLE }

    Path base;
    Path tmpState;

    @BeforeEach
    void setUp() throws IOException {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "looop-cliw-").toRealPath();
        tmpState = Files.createTempDirectory(Path.of("/tmp"), "looop-cliw-state-").toRealPath();
        Files.createDirectories(home());
        Files.createDirectories(data());
        Confinement c = Confinement.of(Paths.at(data(), Map.of("LOOOP_SANDBOX", "auto", "HOME", home().toString())),
                Config.parse("{}", data().resolve("looop.json")));
        assumeTrue(c.sandbox().active(), "bubblewrap cannot confine commands here: " + c.sandbox().describe());
    }

    @AfterEach
    void tearDown() {
        GitFixture.sh(Path.of("/"), "chmod -R u+w " + base + " 2>/dev/null; rm -rf " + base + " " + tmpState);
    }

    Path home() {
        return base.resolve("home");
    }

    Path data() {
        return base.resolve("data");
    }

    static Stream<Arguments> clis() {
        String only = System.getenv("LOOOP_REAL_CLIS");
        List<String> names = List.of("claude", "pi", "codex", "gemini", "opencode");
        return names.stream().filter(n -> only == null || Arrays.asList(only.split(",")).contains(n))
                .flatMap(n -> Stream.of(Arguments.of(n, State.DEFAULT), Arguments.of(n, State.VARIABLE)));
    }

    @ParameterizedTest(name = "{0} as a sandboxed worker, state {1}")
    @MethodSource("clis")
    void followsTheWorkerContract(String cli, State state) throws Exception {
        String path = Clis.require(cli);
        Path logs = Files.createDirectories(base.resolve("requests"));
        List<String> steps = List.of(
                "\"$LOOOP_BIN\" _ flag " + ID + " need a decision",
                "\"$LOOOP_BIN\" ask " + ID + " 'which db?' --timeout 120s",
                "\"$LOOOP_BIN\" _ cost session " + ID + " " + cli + " 0.25",
                "\"$LOOOP_BIN\" _ kill " + ID);
        try (ApiStandIn api = ApiStandIn.worker(data(), steps, logs)) {
            Map<String, String> env = new HashMap<>(Map.of("PATH", path, "HOME", home().toString(), "LOOOP_SANDBOX", "auto",
                    "TERM", "xterm-256color", "LOOOP_CDS", "0"));
            Path stateDir = prepare(cli, state, api, env);
            try (TmuxProfile t = new TmuxProfile(data(), env)) {
                Beats.Cli started = t.cli("start-session", ID, "Follow the worker script.");
                assertEquals(0, started.code(), started.toString());
                Asks asks = new Asks(t.profile.paths, t.profile.clock);
                TmuxProfile.awaitTrue(() -> asks.pending().stream().anyMatch(a -> a.id().equals(ID)),
                        () -> cli + "'s ask; screen:\n" + screen(t) + "\nrequests: " + api.requests().size());

                String ls = t.cli("ls").out();
                assertTrue(ls.contains("need a decision"), "ls shows the flag: " + ls);
                assertEquals(0, t.cli("sense").code()); // the beat's snapshot of the workers
                String snapshot = t.profile.read("snapshots/sys-sessions.json");
                assertTrue(snapshot != null && snapshot.contains("need a decision"), "sys-sessions shows the flag: " + snapshot);
                assertEquals("which db?", asks.read(ID).question());

                Beats.Cli answered = t.cli("answer", ID, ANSWER);
                assertEquals(0, answered.code(), answered.toString());
                TmuxProfile.awaitTrue(() -> answerReachedTheModel(api),
                        () -> "'" + ANSWER + "' in a tool result the model got; screen:\n" + screen(t));
                t.awaitState(ID, "killed");

                Budget ledger = new Budget(t.profile.paths.costLedger(), t.profile.paths.unmetered(), t.profile.clock);
                assertEquals(0, t.cli("sense").code());
                List<Budget.Row> rows = ledger.rows().stream().filter(r -> r.kind().equals("session")).toList();
                assertEquals(1, rows.size(), "one session cost: " + ledger.rows());
                assertEquals(List.of("session", ID, cli, "0.25"), List.of(rows.get(0).kind(), rows.get(0).id(),
                        rows.get(0).runner(), String.valueOf(rows.get(0).costUsd())));
            }
            assertStateWhere(cli, state, stateDir);
        }
    }

    /** The answer is the result of the ask's call (the second tool result), not text typed into the CLI. */
    private static boolean answerReachedTheModel(ApiStandIn api) {
        return api.requests().stream().anyMatch(r -> r.toolResults().size() > 1 && r.toolResults().get(1).contains(ANSWER));
    }

    private String screen(TmuxProfile t) {
        return t.cli("shot", ID).out() + "\n--- output.log tail:\n" + tail(t.output(ID));
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    // ------------------------------------------------------------ per CLI: provider config, environment, state

    /** Writes the CLI's provider config where it will read it, sets its environment; returns its state dir. */
    private Path prepare(String cli, State state, ApiStandIn api, Map<String, String> env) throws Exception {
        boolean moved = state == State.VARIABLE;
        Path dir;
        switch (cli) {
            case "claude" -> {
                dir = moved ? tmpState.resolve("claude-config") : home().resolve(".claude");
                env.putAll(Map.of("ANTHROPIC_BASE_URL", api.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant-standin",
                        "ANTHROPIC_MODEL", "claude-sonnet-4-5", "IS_SANDBOX", "1",
                        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1", "DISABLE_AUTOUPDATER", "1"));
                if (moved) env.put("CLAUDE_CONFIG_DIR", dir.toString());
                Ran init = looop(env, "init", "--runner", "claude"); // answers the first-run screens
                assertEquals(0, init.code(), init.out());
            }
            case "pi" -> {
                dir = moved ? tmpState.resolve("pi-agent") : home().resolve(".pi/agent");
                if (moved) env.put("PI_CODING_AGENT_DIR", dir.toString());
                env.putAll(Map.of("STANDIN_API_KEY", "standin", "PI_OFFLINE", "1"));
                write(dir.resolve("models.json"), "{\"providers\":{\"standin\":{\"baseUrl\":\"" + api.baseUrl()
                        + "/v1\",\"api\":\"openai-completions\",\"apiKey\":\"STANDIN_API_KEY\",\"compat\":"
                        + "{\"supportsDeveloperRole\":false,\"supportsReasoningEffort\":false},\"models\":[{\"id\":\"standin-model\","
                        + "\"reasoning\":false,\"input\":[\"text\"],\"contextWindow\":128000,\"maxTokens\":8192,"
                        + "\"cost\":{\"input\":3,\"output\":15,\"cacheRead\":0,\"cacheWrite\":0}}]}}}");
                write(dir.resolve("settings.json"), "{\"defaultProvider\":\"standin\",\"defaultModel\":\"standin-model\"}");
            }
            case "codex" -> {
                dir = moved ? tmpState.resolve("codex-home") : home().resolve(".codex");
                if (moved) env.put("CODEX_HOME", dir.toString());
                env.put("STANDIN_API_KEY", "standin");
                write(dir.resolve("config.toml"), "model = \"gpt-5-codex\"\nmodel_provider = \"standin\"\n\n"
                        + "[model_providers.standin]\nname = \"API stand-in\"\nbase_url = \"" + api.baseUrl() + "/v1\"\n"
                        + "env_key = \"STANDIN_API_KEY\"\nwire_api = \"responses\"\n");
            }
            case "opencode" -> {
                Path config = moved ? tmpState.resolve("xdg-config") : home().resolve(".config");
                dir = moved ? tmpState.resolve("xdg-data") : home().resolve(".local/share");
                if (moved) {
                    env.put("XDG_CONFIG_HOME", config.toString());
                    env.put("XDG_DATA_HOME", dir.toString());
                }
                env.putAll(Map.of("STANDIN_API_KEY", "standin", "OPENCODE_DISABLE_MODELS_FETCH", "1",
                        "OPENCODE_DISABLE_AUTOUPDATE", "1", "npm_config_registry", "http://127.0.0.1:9/"));
                write(config.resolve("opencode/opencode.json"), "{\"model\":\"standin/standin-model\",\"autoupdate\":false,"
                        + "\"share\":\"disabled\",\"provider\":{\"standin\":{\"npm\":\"@ai-sdk/openai-compatible\","
                        + "\"name\":\"API stand-in\",\"options\":{\"baseURL\":\"" + api.baseUrl() + "/v1\",\"apiKey\":"
                        + "\"{env:STANDIN_API_KEY}\"},\"models\":{\"standin-model\":{\"name\":\"API stand-in\","
                        + "\"cost\":{\"input\":3,\"output\":15},\"limit\":{\"context\":128000,\"output\":8192}}}}}}");
                dir = dir.resolve("opencode");
            }
            case "gemini" -> {
                Path geminiHome = moved ? tmpState.resolve("gemini-home") : home();
                if (moved) env.put("GEMINI_CLI_HOME", geminiHome.toString());
                env.putAll(Map.of("GEMINI_API_KEY", "standin", "GOOGLE_GEMINI_BASE_URL", api.baseUrl()));
                dir = geminiHome.resolve(".gemini");
                write(dir.resolve("settings.json"), "{\"security\":{\"auth\":{\"selectedType\":\"gemini-api-key\"}},"
                        + "\"privacy\":{\"usageStatisticsEnabled\":false},\"telemetry\":{\"enabled\":false},"
                        + "\"general\":{\"disableAutoUpdate\":true,\"disableUpdateNag\":true}}");
            }
            default -> throw new AssertionError(cli);
        }
        if (!cli.equals("claude")) write(data().resolve("looop.json"), "{\"default\":\"" + cli + "\"}");
        return dir;
    }

    /** The CLI kept its state where it was pointed, and (moved) nothing in its default place. */
    private void assertStateWhere(String cli, State state, Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            assertTrue(s.count() > 2, cli + " kept no state in " + dir);
        }
        if (state == State.VARIABLE) {
            Path usual = switch (cli) {
                case "claude" -> home().resolve(".claude");
                case "pi" -> home().resolve(".pi");
                case "codex" -> home().resolve(".codex");
                case "opencode" -> home().resolve(".local/share/opencode");
                default -> home().resolve(".gemini");
            };
            assertTrue(!Files.exists(usual), cli + " wrote " + usual + " despite its variable");
        }
    }

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    record Ran(int code, String out) {}

    /** looop in a fresh JVM, in the environment given (nothing of the test JVM's). */
    private Ran looop(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop(args)).redirectErrorStream(true).directory(base.toFile());
        pb.environment().clear();
        pb.environment().put("LOOOP_DATA_DIR", data().toString());
        pb.environment().put("NO_COLOR", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "looop " + String.join(" ", args) + " did not end");
        return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
