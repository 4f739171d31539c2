package looop.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import looop.ApiStandIn;
import looop.ChildJvm;
import looop.Clis;
import looop.TestProfile;
import looop.human.Asks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test of record: the real Claude Code CLI, configured as a
 * person configures it (`claude mcp add` into its own CLAUDE_CONFIG_DIR),
 * runs `looop mcp` and calls looop's state tool, and the tool result it sends
 * back to the model (the API stand-in) carries looop's state. Claude Code runs
 * outside looop's sandbox, as the person's own agent in their own terminal
 * does: it is a client of looop here, not a worker looop started.
 */
class ClaudeCodeMcpTest {
    @TempDir Path tmp;

    record Ran(int exit, String out) {}

    @Test
    void claudeCodeCallsLooopsStateToolAndGetsTheStateBack() throws Exception {
        String path = Clis.require("claude");
        TestProfile p = new TestProfile(tmp.resolve("data"));
        Files.createDirectories(p.dir);
        new Asks(p.paths, p.clock).open("deploy", "Ship release 7 today?", List.of("yes", "no"), ProcessHandle.current().pid(), null);
        Path config = Files.createDirectories(tmp.resolve("claude-config"));
        Path project = Files.createDirectories(tmp.resolve("project"));

        try (ApiStandIn api = ApiStandIn.callingTool(project, "mcp__looop__state", "{}")) {
            Map<String, String> env = claudeEnv(path, api, config);
            List<String> add = new ArrayList<>(List.of("claude", "mcp", "add", "looop", "--scope", "user",
                    "-e", "LOOOP_DATA_DIR=" + p.dir, "-e", "LOOOP_CDS=0", "-e", "HOME=" + tmp.resolve("home"), "--"));
            add.addAll(ChildJvm.looop("mcp"));
            Ran added = run(env, project, add);
            assertEquals(0, added.exit(), "claude mcp add: " + added.out());

            Ran r = run(env, project, List.of("claude", "-p", "What does looop need from me?", "--output-format", "stream-json",
                    "--verbose", "--allowedTools", "mcp__looop__state"));
            assertTrue(r.out().contains("\"type\":\"tool_use\"") && r.out().contains("\"name\":\"mcp__looop__state\""),
                    "Claude Code called no looop tool: " + r.out());
            List<String> results = api.requests().stream().flatMap(q -> q.toolResults().stream()).toList();
            assertTrue(results.stream().anyMatch(t -> t.contains("pulse_running") && t.contains("Ship release 7 today?")),
                    "the tool result Claude Code sent back holds no looop state: " + results + "\n" + r.out());
            assertTrue(r.out().contains(ApiStandIn.TOOL_DONE), r.out());
        }
    }

    private static Map<String, String> claudeEnv(String path, ApiStandIn api, Path config) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", path);
        env.put("CLAUDE_CONFIG_DIR", config.toString());
        env.put("ANTHROPIC_BASE_URL", api.baseUrl());
        env.put("ANTHROPIC_API_KEY", "sk-ant-standin");
        env.put("ANTHROPIC_MODEL", "claude-sonnet-4-5");
        env.put("IS_SANDBOX", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        // a JVM on a loaded machine: more than the default wait for the server to answer `initialize`
        env.put("MCP_TIMEOUT", "180000");
        env.put("MCP_TOOL_TIMEOUT", "180000");
        return env;
    }

    private Ran run(Map<String, String> env, Path dir, List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("HOME", tmp.resolve("home").toString());
        pb.environment().putAll(env);
        Process proc = pb.start();
        proc.getOutputStream().close();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(300, TimeUnit.SECONDS), String.join(" ", cmd) + " did not end");
        return new Ran(proc.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
