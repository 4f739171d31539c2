package looop.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import looop.ApiStandIn;
import looop.Beats;
import looop.ChildJvm;
import looop.Clis;
import looop.GitFixture;
import looop.TmuxProfile;
import looop.profile.Config;
import looop.profile.Confinement;
import looop.profile.Paths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 with real full-screen TUIs: Claude Code and pi (each found on PATH, else
 * skipped with one line) as a sandboxed worker against {@link ApiStandIn}.
 * The text the model writes is in `looop log` and matched by `looop expect`
 * without --screen; the log is lines, not one redrawn blob.
 */
class RealCliRenderedLogTest {
    Path base;

    @BeforeEach
    void setUp() throws IOException {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "looop-render-").toRealPath();
        Files.createDirectories(base.resolve("home"));
        Files.createDirectories(base.resolve("data"));
        Confinement c = Confinement.of(Paths.at(base.resolve("data"), Map.of("LOOOP_SANDBOX", "auto", "HOME", base.resolve("home").toString())),
                Config.parse("{}", base.resolve("data/looop.json")));
        assumeTrue(c.sandbox().active(), "bubblewrap cannot confine commands here: " + c.sandbox().describe());
    }

    @AfterEach
    void tearDown() {
        GitFixture.sh(Path.of("/"), "chmod -R u+w " + base + " 2>/dev/null; rm -rf " + base);
    }

    @Test
    void whatClaudeCodeWroteIsInTheLogAndMatchedByExpect() throws Exception {
        String path = Clis.require("claude");
        Path data = base.resolve("data");
        try (ApiStandIn api = ApiStandIn.worker(data, List.of("echo rendered-$((6*7))"), Files.createDirectories(base.resolve("requests")))) {
            Map<String, String> env = new HashMap<>(Map.of("PATH", path, "HOME", base.resolve("home").toString(), "LOOOP_SANDBOX", "auto",
                    "TERM", "xterm-256color", "LOOOP_CDS", "0"));
            env.putAll(Map.of("ANTHROPIC_BASE_URL", api.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant-standin",
                    "ANTHROPIC_MODEL", "claude-sonnet-4-5", "IS_SANDBOX", "1",
                    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1", "DISABLE_AUTOUPDATER", "1"));
            assertEquals(0, init(data, env), "looop init --runner claude");
            followTheScriptAndRead(data, env, 10);
        }
    }

    @Test
    void whatPiWroteIsInTheLogAndMatchedByExpect() throws Exception {
        String path = Clis.require("pi");
        Path data = base.resolve("data");
        try (ApiStandIn api = ApiStandIn.worker(data, List.of("echo rendered-$((6*7))"), Files.createDirectories(base.resolve("requests")))) {
            Map<String, String> env = new HashMap<>(Map.of("PATH", path, "HOME", base.resolve("home").toString(), "LOOOP_SANDBOX", "auto",
                    "TERM", "xterm-256color", "LOOOP_CDS", "0", "STANDIN_API_KEY", "standin", "PI_OFFLINE", "1"));
            Path agent = base.resolve("home/.pi/agent");
            Files.createDirectories(agent);
            Files.writeString(agent.resolve("models.json"), "{\"providers\":{\"standin\":{\"baseUrl\":\"" + api.baseUrl()
                    + "/v1\",\"api\":\"openai-completions\",\"apiKey\":\"STANDIN_API_KEY\",\"compat\":"
                    + "{\"supportsDeveloperRole\":false,\"supportsReasoningEffort\":false},\"models\":[{\"id\":\"standin-model\","
                    + "\"reasoning\":false,\"input\":[\"text\"],\"contextWindow\":128000,\"maxTokens\":8192,"
                    + "\"cost\":{\"input\":3,\"output\":15,\"cacheRead\":0,\"cacheWrite\":0}}]}}}");
            Files.writeString(agent.resolve("settings.json"), "{\"defaultProvider\":\"standin\",\"defaultModel\":\"standin-model\"}");
            Files.writeString(data.resolve("looop.json"), "{\"default\":\"pi\"}");
            followTheScriptAndRead(data, env, 5);
        }
    }

    /**
     * Starts worker w1 on the profile's CLI and reads it as a person would:
     * `expect` matches the model's text without --screen, `log` holds it as
     * lines (at least minRows of the TUI's rows), no escape left, `--grep`
     * finds it, `--raw` is the file's bytes.
     */
    private void followTheScriptAndRead(Path data, Map<String, String> env, int minRows) throws Exception {
        try (TmuxProfile t = new TmuxProfile(data, env)) {
            Beats.Cli started = t.cli("start-session", "w1", "Follow the worker script.");
            assertEquals(0, started.code(), started.toString());
            Beats.Cli hit = t.cli("expect", "w1", "All steps done", "--timeout", "180s");
            assertEquals(0, hit.code(), hit + "\nscreen:\n" + t.cli("shot", "w1").out());
            assertTrue(hit.out().contains(ApiStandIn.WORKER_DONE), hit.out());

            String log = t.cli("log", "w1").out();
            assertTrue(log.contains(ApiStandIn.WORKER_DONE), "the model's text in log:\n" + log);
            assertFalse(log.contains("\u001b"), "no escapes in log");
            assertTrue(log.lines().count() > minRows, "the TUI's rows are lines of their own:\n" + log);
            assertTrue(t.cli("log", "w1", "--grep", "All steps").out().contains(ApiStandIn.WORKER_DONE));
            assertEquals(t.output("w1"), t.cli("log", "w1", "--raw").out());
            t.cli("kill", "w1");
        }
    }

    private int init(Path data, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop("init", "--runner", "claude")).redirectErrorStream(true).directory(base.toFile());
        pb.environment().clear();
        pb.environment().put("LOOOP_DATA_DIR", data.toString());
        pb.environment().put("NO_COLOR", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "looop init did not end: " + out);
        return p.exitValue();
    }
}
