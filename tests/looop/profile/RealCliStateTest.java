package looop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import looop.TestProfile;
import looop.TmuxProfile;
import looop.sandbox.RunnerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real claude and pi CLIs (tests/fixtures/PRESETS.md) as people run them,
 * in the sandbox's default mode, against {@link ApiStandIn}: a beat decides
 * with each CLI's state in its default place and where its own variable
 * points (a dir under /tmp too, which the sandbox's private /tmp would hide);
 * a runner is known by the command it runs; `looop init` answers Claude
 * Code's first-run screens so a sandboxed worker does not stop at them; the
 * doctor names a state dir a sandboxed CLI cannot write, with its fix. Data
 * and homes live under /var/tmp, so /tmp is only where a test puts a state dir.
 */
class RealCliStateTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DECISION = "{\"action\":\"noop\",\"reason\":\"stand-in says nothing to do\"}";

    Path base;
    Path tmpState;

    @BeforeEach
    void setUp() throws IOException {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "looop-cli-").toRealPath();
        tmpState = Files.createTempDirectory(Path.of("/tmp"), "looop-cli-state-").toRealPath();
        Files.createDirectories(base.resolve("home"));
        Files.createDirectories(base.resolve("data"));
        Confinement c = Confinement.of(Paths.at(base.resolve("data"), Map.of("LOOOP_SANDBOX", "auto", "HOME", home().toString())),
                Config.parse("{}", base.resolve("data/looop.json")));
        assumeTrue(c.sandbox().active(), "bubblewrap cannot confine commands here: " + c.sandbox().describe());
    }

    @AfterEach
    void tearDown() {
        GitFixture.sh(Path.of("/"), "rm -rf " + base + " " + tmpState);
    }

    Path home() {
        return base.resolve("home");
    }

    Path data() {
        return base.resolve("data");
    }

    // ------------------------------------------------------------ a beat decides in the sandbox

    @Test
    void claudeDecidesWithItsStateInTheDefaultPlace() throws Exception {
        String path = Clis.require("claude");
        try (ApiStandIn api = ApiStandIn.start(data(), DECISION)) {
            write("looop.json", "{\"default\":\"claude\"}");
            Ran r = looop(claudeEnv(path, api), "tick", "--now");
            assertDecided(r);
            assertTrue(Files.isDirectory(home().resolve(".claude/projects")), "claude kept no state in ~/.claude: " + r);
        }
    }

    /** A runner named `work` whose command starts `claude`: Claude Code's state (CLAUDE_CONFIG_DIR under /tmp) and its meter. */
    @Test
    void claudeUnderAnotherNameDecidesWithItsConfigDirUnderTmp() throws Exception {
        String path = Clis.require("claude");
        Path dir = tmpState.resolve("claude-config");
        try (ApiStandIn api = ApiStandIn.start(data(), DECISION)) {
            write("looop.json", "{\"default\":\"work\",\"runners\":{\"work\":{\"tick\":"
                    + JSON.writeValueAsString(Config.CLAUDE_TICK) + "}}}");
            Map<String, String> env = claudeEnv(path, api);
            env.put("CLAUDE_CONFIG_DIR", dir.toString());
            Ran r = looop(env, "tick", "--now");
            assertDecided(r);
            assertTrue(Files.isRegularFile(dir.resolve(".claude.json")), "claude kept no state in CLAUDE_CONFIG_DIR: " + r);
            assertFalse(Files.exists(home().resolve(".claude")), "claude wrote ~/.claude despite CLAUDE_CONFIG_DIR");
            assertTrue(r.out().contains("$0.0075"), "metered as claude: " + r);
        }
    }

    @Test
    void claudeDecidesWithItsConfigDirElsewhere() throws Exception {
        String path = Clis.require("claude");
        Path dir = base.resolve("second-account");
        try (ApiStandIn api = ApiStandIn.start(data(), DECISION)) {
            write("looop.json", "{\"default\":\"claude\"}");
            Map<String, String> env = claudeEnv(path, api);
            env.put("CLAUDE_CONFIG_DIR", dir.toString());
            assertDecided(looop(env, "tick", "--now"));
            assertTrue(Files.isRegularFile(dir.resolve(".claude.json")));
        }
    }

    @Test
    void piDecidesWithItsStateInTheDefaultPlace() throws Exception {
        String path = Clis.require("pi");
        try (ApiStandIn api = ApiStandIn.start(data(), DECISION)) {
            piConfig(home().resolve(".pi/agent"), api);
            write("looop.json", "{\"default\":\"pi\"}");
            Ran r = looop(piEnv(path), "tick", "--now");
            assertDecided(r);
            assertTrue(Files.isDirectory(home().resolve(".pi/agent/sessions")), "pi kept no sessions: " + r);
        }
    }

    /** The case: pi failed every beat with ENOENT on its sessions dir when PI_CODING_AGENT_DIR pointed elsewhere. */
    @Test
    void piDecidesWithItsAgentDirUnderTmp() throws Exception {
        String path = Clis.require("pi");
        Path dir = tmpState.resolve("pi-agent");
        try (ApiStandIn api = ApiStandIn.start(data(), DECISION)) {
            piConfig(dir, api);
            write("looop.json", "{\"default\":\"pi\"}");
            Map<String, String> env = piEnv(path);
            env.put("PI_CODING_AGENT_DIR", dir.toString());
            Ran r = looop(env, "tick", "--now");
            assertDecided(r);
            assertTrue(Files.isDirectory(dir.resolve("sessions")), "pi kept no sessions in PI_CODING_AGENT_DIR: " + r);
        }
    }

    // ------------------------------------------------------------ the grant follows the command

    @Test
    void aRunnerIsKnownByItsCommandNotItsName() {
        Map<String, String> env = Map.of("LOOOP_SANDBOX", "auto", "HOME", home().toString(), "CLAUDE_CONFIG_DIR", "/tmp/cc-x");
        Paths p = Paths.at(data(), env);
        Config config = Config.parse("{\"runners\":{\"work\":{\"tick\":\"env DISABLE_AUTOUPDATER=1 /opt/x/claude -p\"},"
                + "\"mine\":{\"tick\":\"CLAUDE_CONFIG_DIR=/srv/cc claude -p\"},"
                + "\"own\":{\"tick\":\"claude -p\",\"sandbox_write\":[\"/srv/own\"]},"
                + "\"pi2\":{\"tick\":\"PI_CODING_AGENT_DIR=~/agent pi -p x\"}}}", data().resolve("looop.json"), home());
        Confinement c = Confinement.of(p, config);
        assertEquals(List.of(Path.of("/tmp/cc-x")), c.state("work", false).dirs());
        assertTrue(c.state("work", false).policy().contains(Path.of("/tmp/cc-x/settings.json")));
        assertEquals(List.of(Path.of("/srv/cc")), c.state("mine", false).dirs(), "the command's own assignment wins");
        assertEquals(List.of(home().resolve("agent")), c.state("pi2", true).dirs());
        assertEquals(config.runner("claude").cost(), config.runner("work").cost(), "claude's meter");
        assertEquals(List.of(), RunnerState.of(null, home(), n -> null).dirs());
        // a custom runner still names its own writable state
        assertEquals(List.of(Path.of("/srv/own")), RunnerState.paths("claude", home(), config.sandboxWrite("own")));
    }

    // ------------------------------------------------------------ init, then a worker that does not stop

    @Test
    void initAnswersClaudesFirstRunAndAWorkerStartsWithoutStopping() throws Exception {
        String path = Clis.require("claude");
        Path reports = Files.createDirectories(data().resolve("reports"));
        Files.writeString(home().resolve(".claude.json"), "{\"mine\":42,\"projects\":{\"/src/x\":{\"allowedTools\":[\"Bash\"]}}}");
        Files.createDirectories(home().resolve(".claude"));
        Files.writeString(home().resolve(".claude/settings.json"), "{\"model\":\"sonnet\"}");
        try (ApiStandIn api = ApiStandIn.start(reports, DECISION)) {
            Map<String, String> env = claudeEnv(path, api);
            env.remove("IS_SANDBOX"); // init puts it in the runner's commands when root
            Ran init = looop(env, "init", "--runner", "claude");
            assertEquals(0, init.code(), init.toString());
            JsonNode g = JSON.readTree(home().resolve(".claude.json").toFile());
            assertEquals(42, g.path("mine").asInt(), "the person's key is kept");
            assertEquals("Bash", g.path("projects").path("/src/x").path("allowedTools").path(0).asText());
            assertTrue(g.path("hasCompletedOnboarding").asBoolean());
            assertTrue(g.path("projects").path(data().toString()).path("hasTrustDialogAccepted").asBoolean(), g.toString());
            assertTrue(g.path("projects").path(data().resolve("worktrees").toString()).path("hasTrustDialogAccepted").asBoolean());
            JsonNode s = JSON.readTree(home().resolve(".claude/settings.json").toFile());
            assertEquals("sonnet", s.path("model").asText());
            assertTrue(s.path("skipDangerousModePermissionPrompt").asBoolean());
            assertTrue(init.out().contains("claude: onboarding done, trusted " + data()), init.out());
            assertTrue(init.out().contains("claude: bypass-permissions warning accepted in " + home().resolve(".claude/settings.json")), init.out());
            String tick = JSON.readTree(data().resolve("looop.json").toFile()).path("runners").path("claude").path("tick").asText();
            assertEquals("root".equals(System.getProperty("user.name")), tick.startsWith("IS_SANDBOX=1 claude "), tick);

            String screen = claudeWorker(env);
            assertFalse(firstRunScreen(screen), "w1 stopped at a first-run screen:\n" + screen);
            assertEquals(JSON.readTree(DECISION), JSON.readTree(reports.resolve(".decision.json").toFile()), "the sandboxed worker wrote");
        }
    }

    /** The case: a second account in CLAUDE_CONFIG_DIR (here under /tmp) sat at the bypass warning, its dir read-only. */
    @Test
    void initAnswersClaudesFirstRunInItsConfigDirUnderTmp() throws Exception {
        String path = Clis.require("claude");
        Path reports = Files.createDirectories(data().resolve("reports"));
        Path dir = tmpState.resolve("second-account");
        try (ApiStandIn api = ApiStandIn.start(reports, DECISION)) {
            Map<String, String> env = claudeEnv(path, api);
            env.put("CLAUDE_CONFIG_DIR", dir.toString());
            Ran init = looop(env, "init", "--runner", "claude");
            assertEquals(0, init.code(), init.toString());
            assertTrue(init.out().contains(" in " + dir.resolve(".claude.json")), init.out());
            assertTrue(JSON.readTree(dir.resolve("settings.json").toFile()).path("skipDangerousModePermissionPrompt").asBoolean());
            assertFalse(Files.exists(home().resolve(".claude.json")), "init wrote ~/.claude.json despite CLAUDE_CONFIG_DIR");
            String screen = claudeWorker(env);
            assertFalse(firstRunScreen(screen), "w1 stopped at a first-run screen:\n" + screen);
            assertTrue(Files.isDirectory(dir.resolve("projects")), "claude kept no state in CLAUDE_CONFIG_DIR");
        }
    }

    /** Without init, a fresh config stops a sandboxed worker at a first-run screen: what the tests above rule out. */
    @Test
    void withoutInitAFreshClaudeStopsAtAFirstRunScreen() throws Exception {
        String path = Clis.require("claude");
        try (ApiStandIn api = ApiStandIn.start(data().resolve("reports"), DECISION)) {
            write("looop.json", "{\"default\":\"claude\"}");
            String screen = claudeWorker(claudeEnv(path, api));
            assertTrue(firstRunScreen(screen), screen);
        }
    }

    /** Starts worker w1 on the claude runner in the sandbox; its screen once it answered or stopped at a first-run screen. */
    private String claudeWorker(Map<String, String> env) {
        try (TmuxProfile t = new TmuxProfile(data(), tmuxEnv(env))) {
            Beats.Cli started = t.cli("start-session", "w1", "Write the decision file now.");
            assertEquals(0, started.code(), started.toString());
            String[] screen = new String[1];
            // the screen, or what the pane printed when claude ended there
            TmuxProfile.awaitTrue(() -> (screen[0] = shot(t, "w1") + t.output("w1")).contains(ApiStandIn.FINAL_TEXT)
                    || firstRunScreen(screen[0]),
                    () -> "claude's answer on w1's screen, saw:\n" + screen[0]);
            return screen[0];
        }
    }

    /**
     * The screens a fresh Claude Code config stops at (2.1.332); its
     * onboarding also calls api.anthropic.com and, with no network, ends on
     * "Unable to connect to Anthropic services". Compared without escapes and
     * spaces: the pane log positions its words with cursor moves.
     */
    static boolean firstRunScreen(String s) {
        String q = squash(s);
        for (String m : List.of("Welcome to Claude Code", "Choose the text style", "trust this folder", "Do you trust",
                "Bypass Permissions mode", "use this API key", "Unable to connect to Anthropic services")) {
            if (q.contains(squash(m))) return true;
        }
        return false;
    }

    static String squash(String s) {
        return s.replaceAll("\u001b\\[[0-9;?<>=]*[a-zA-Z]", "").replaceAll("\\s+", "");
    }

    private static String shot(TmuxProfile t, String id) {
        Beats.Cli r = t.cli("shot", id);
        return r.out();
    }

    private Map<String, String> tmuxEnv(Map<String, String> env) {
        Map<String, String> m = new HashMap<>(env);
        m.put("TERM", "xterm-256color");
        m.put("HOME", home().toString());
        m.put("LOOOP_SANDBOX", "auto");
        return m;
    }

    // ------------------------------------------------------------ doctor

    @Test
    void doctorFlagsAStateDirTheSandboxedCliCannotWriteWithItsFix() throws Exception {
        Path bin = Files.createDirectories(base.resolve("bin"));
        Path pi = bin.resolve("pi");
        Files.writeString(pi, "#!/bin/sh\necho 0.73.1 >&2\n");
        assertTrue(pi.toFile().setExecutable(true));
        write("looop.json", "{\"default\":\"pi\"}");
        Map<String, String> env = new HashMap<>(Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", home().toString(),
                "LOOOP_SANDBOX", "auto", "PI_CODING_AGENT_DIR", data().resolve("goals/pi").toString()));
        TestProfile p = new TestProfile(data(), env);
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(1, r.code(), r.out());
        String line = line(r, "FAIL  runner pi state ");
        assertTrue(line.contains(data().resolve("goals/pi") + " lies among looop's own files"), line);
        assertEquals("fix: point PI_CODING_AGENT_DIR elsewhere", next(r, line));
        assertTrue(line(r, "ok    runner pi version ").contains("0.73.1"), r.out());

        Path file = Files.writeString(base.resolve("not-a-dir"), "x");
        env.put("PI_CODING_AGENT_DIR", file.toString());
        r = Beats.cli(new TestProfile(data(), env), "", "doctor");
        line = line(r, "FAIL  runner pi state ");
        assertTrue(line.endsWith(file + " is a file, not a directory: pi cannot keep its state there"), line);
        assertEquals("fix: move it away, or point PI_CODING_AGENT_DIR elsewhere", next(r, line));
        JsonNode json = JSON.readTree(Beats.cli(new TestProfile(data(), env), "", "doctor", "--json").out());
        boolean carried = false;
        for (JsonNode c : json.path("checks")) {
            if (c.path("name").asText().equals("runner pi state")) {
                carried = !c.path("ok").asBoolean() && c.path("fix").asText().contains("PI_CODING_AGENT_DIR");
            }
        }
        assertTrue(carried, json.toString());

        env.remove("PI_CODING_AGENT_DIR");
        r = Beats.cli(new TestProfile(data(), env), "", "doctor");
        assertTrue(line(r, "ok    runner pi state ").contains(home().resolve(".pi/agent") + " (made before the first run)"), r.out());
        assertFalse(Files.exists(home().resolve(".pi")), "the doctor made a dir");
    }

    @Test
    void doctorNamesAMissingBinaryByTheCliItsCommandRuns() throws Exception {
        write("looop.json", "{\"default\":\"work\",\"runners\":{\"work\":{\"tick\":\"IS_SANDBOX=1 claude -p\"}}}");
        Path empty = Files.createDirectories(base.resolve("empty-bin"));
        TestProfile p = new TestProfile(data(), Map.of("PATH", empty.toString(), "HOME", home().toString(), "LOOOP_SANDBOX", "auto"));
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(1, r.code(), r.out());
        String line = line(r, "FAIL  runner work (default) ");
        assertTrue(line.endsWith("`claude` is not on PATH"), line);
        assertEquals("fix: install it with: npm install -g @anthropic-ai/claude-code", next(r, line));
    }

    @Test
    void doctorSaysClaudeWouldStopAtItsFirstRunScreens() throws Exception {
        String path = Clis.require("claude");
        write("looop.json", "{\"default\":\"claude\",\"sandbox\":{\"network\":false}}");
        TestProfile p = new TestProfile(data(), Map.of("PATH", path, "HOME", home().toString(), "LOOOP_SANDBOX", "auto", "IS_SANDBOX", "1"));
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(1, r.code(), r.out());
        String line = line(r, "FAIL  runner claude first run ");
        assertTrue(line.contains("onboarding, trust for " + data() + ", the bypass-permissions warning"), line);
        assertEquals("fix: run `looop init --force --runner claude`", next(r, line));
        assertTrue(line(r, "ok    runner claude version ").matches(".*2\\.\\d+\\.\\d+ \\(Claude Code\\).*"), r.out());
        assertTrue(line(r, "ok    runner claude api ").contains("sandbox.network is off"), r.out());
    }

    // ------------------------------------------------------------ plumbing

    record Ran(int code, String out) {}

    private void assertDecided(Ran r) {
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("noop: stand-in says nothing to do"), "no decision taken:\n" + r.out());
    }

    private Map<String, String> claudeEnv(String path, ApiStandIn api) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", path);
        env.put("ANTHROPIC_BASE_URL", api.baseUrl());
        env.put("ANTHROPIC_API_KEY", "sk-ant-standin");
        env.put("ANTHROPIC_MODEL", "claude-sonnet-4-5");
        env.put("IS_SANDBOX", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        return env;
    }

    private Map<String, String> piEnv(String path) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", path);
        env.put("STANDIN_API_KEY", "standin");
        env.put("PI_OFFLINE", "1");
        return env;
    }

    private static String piModels(ApiStandIn api) {
        return "{\"providers\":{\"standin\":{\"baseUrl\":\"" + api.baseUrl()
                + "/v1\",\"api\":\"openai-completions\",\"apiKey\":\"STANDIN_API_KEY\",\"compat\":"
                + "{\"supportsDeveloperRole\":false,\"supportsReasoningEffort\":false},\"models\":[{\"id\":\"standin-model\","
                + "\"reasoning\":false,\"input\":[\"text\"],\"contextWindow\":128000,\"maxTokens\":8192,"
                + "\"cost\":{\"input\":3,\"output\":15,\"cacheRead\":0,\"cacheWrite\":0}}]}}}";
    }

    private static void piConfig(Path agent, ApiStandIn api) throws IOException {
        Files.createDirectories(agent);
        Files.writeString(agent.resolve("models.json"), piModels(api));
        Files.writeString(agent.resolve("settings.json"), "{\"defaultProvider\":\"standin\",\"defaultModel\":\"standin-model\"}");
    }

    private void write(String relative, String text) throws IOException {
        Path p = data().resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** looop in a fresh JVM, in the environment a person's shell would give it (nothing of the test JVM's but what is named). */
    private Ran looop(Map<String, String> extra, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop(args)).redirectErrorStream(true).directory(base.toFile());
        pb.environment().clear();
        pb.environment().put("HOME", home().toString());
        pb.environment().put("LOOOP_DATA_DIR", data().toString());
        pb.environment().put("LOOOP_SANDBOX", "auto");
        pb.environment().put("LOOOP_CDS", "0");
        pb.environment().put("NO_COLOR", "1");
        pb.environment().putAll(extra);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "looop " + String.join(" ", args) + " did not end");
        return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static String line(Beats.Cli r, String start) {
        return r.out().lines().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + start + "' in:\n" + r.out()));
    }

    static String next(Beats.Cli r, String line) {
        List<String> lines = r.out().lines().toList();
        return lines.get(lines.indexOf(line) + 1).strip();
    }
}
