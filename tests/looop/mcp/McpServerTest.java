package looop.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import looop.ChildJvm;
import looop.TestProfile;
import looop.human.Asks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `looop mcp` as an MCP client sees it: the SDK's own client spawns the real
 * command as a child process on stdio, against a test profile, lists its tools
 * and resources and calls each tool. A tool does what its verb does (the same
 * files change), an error comes back as the verb's one line, and merge and
 * discard exist only when looop.json allows them.
 */
class McpServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> PERSON_TOOLS = List.of("state", "asks", "answer", "tell", "goals", "write_goal", "archive_goal",
            "schedules", "add_schedule", "remove_schedule", "journal", "workers", "screen");

    @TempDir Path tmp;
    final ConcurrentLinkedQueue<String> stderr = new ConcurrentLinkedQueue<>();
    final List<McpSyncClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(McpSyncClient::closeGracefully);
    }

    McpSyncClient connect(TestProfile p) {
        List<String> cmd = ChildJvm.looop("mcp");
        ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size()))
                .env(Map.of("LOOOP_DATA_DIR", p.dir.toString(), "HOME", p.dir.resolve("home").toString(), "LOOOP_CDS", "0",
                        "PATH", System.getenv("PATH"), "NO_COLOR", "1"))
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(new ObjectMapper()));
        transport.setStdErrorHandler(stderr::add);
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofMinutes(2))
                .initializationTimeout(Duration.ofMinutes(2)).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    static McpSchema.CallToolResult call(McpSyncClient c, String tool, Map<String, Object> args) {
        return c.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
    }

    static String text(McpSchema.CallToolResult r) {
        StringBuilder out = new StringBuilder();
        for (McpSchema.Content c : r.content()) out.append(((McpSchema.TextContent) c).text());
        return out.toString();
    }

    static McpSchema.CallToolResult ok(McpSyncClient c, String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(c, tool, args);
        assertFalse(Boolean.TRUE.equals(r.isError()), tool + " failed: " + text(r));
        return r;
    }

    @Test
    void listsThePersonsVerbsAndNothingThatNeedsThePersonInPerson() throws Exception {
        TestProfile p = new TestProfile(tmp);
        McpSyncClient c = connect(p);
        var names = new TreeSet<String>();
        c.listTools().tools().forEach(t -> names.add(t.name()));
        assertEquals(new TreeSet<>(PERSON_TOOLS), names, "merge and discard stay off unless looop.json allows them");
        var uris = new TreeSet<String>();
        c.listResources().resources().forEach(r -> uris.add(r.uri()));
        assertEquals(new TreeSet<>(List.of("looop://goals", "looop://playbook", "looop://journal")), uris);
    }

    @Test
    void eachToolDoesWhatItsVerbDoes() throws Exception {
        TestProfile p = new TestProfile(tmp);
        p.write("PLAYBOOK.md", "# Playbook\nBe kind.\n");
        p.write("journal.md", "- 2026-11-23 12:00 started\n");
        new Asks(p.paths, p.clock).open("w1", "Deploy now?", List.of("yes", "no"), ProcessHandle.current().pid(), null);
        McpSyncClient c = connect(p);

        JsonNode state = JSON.readTree(text(ok(c, "state", Map.of())));
        assertTrue(state.has("pulse_running") || state.has("pulse"), "the state document: " + state);
        assertEquals(tmp.toString(), state.path("data_dir").asText(tmp.toString()), "this profile's state");

        assertTrue(text(ok(c, "asks", Map.of())).contains("Deploy now?"));
        assertTrue(text(ok(c, "answer", Map.of("id", "w1", "text", "YES"))).contains("answered w1: yes"));
        assertTrue(new Asks(p.paths, p.clock).pending().isEmpty(), "the answer is stored where `looop answer` stores it");

        assertTrue(text(ok(c, "write_goal", Map.of("id", "tidy", "body", "# Tidy\nKeep it tidy."))).contains("tidy"));
        assertEquals("# Tidy\nKeep it tidy.\n", Files.readString(tmp.resolve("goals/tidy.md")));
        assertTrue(text(ok(c, "goals", Map.of())).contains("Keep it tidy."));
        String goals = ((McpSchema.TextResourceContents) c.readResource(McpSchema.ReadResourceRequest.builder("looop://goals").build())
                .contents().get(0)).text();
        assertTrue(goals.contains("goals/tidy.md") && goals.contains("Keep it tidy."), goals);
        ok(c, "archive_goal", Map.of("id", "tidy"));
        assertFalse(Files.exists(tmp.resolve("goals/tidy.md")));
        assertTrue(Files.isRegularFile(tmp.resolve("goals/archive/tidy.md")));

        assertTrue(text(ok(c, "add_schedule", Map.of("name", "standup", "every", "1d", "note", "ask about the day")))
                .contains("scheduled standup"));
        assertTrue(text(ok(c, "schedules", Map.of())).contains("standup"));
        ok(c, "remove_schedule", Map.of("name", "standup"));
        assertFalse(text(ok(c, "schedules", Map.of())).contains("standup"));

        assertTrue(text(ok(c, "journal", Map.of("tail", 5))).contains("started"));
        assertTrue(JSON.readTree(text(ok(c, "workers", Map.of()))).isObject(), "`looop ls --json`");

        String playbook = ((McpSchema.TextResourceContents) c.readResource(McpSchema.ReadResourceRequest.builder("looop://playbook").build())
                .contents().get(0)).text();
        assertTrue(playbook.contains("Be kind."), playbook);
        String journal = ((McpSchema.TextResourceContents) c.readResource(McpSchema.ReadResourceRequest.builder("looop://journal").build())
                .contents().get(0)).text();
        assertTrue(journal.contains("started"), journal);
    }

    @Test
    void errorsComeBackAsTheVerbsOneLine() throws Exception {
        TestProfile p = new TestProfile(tmp);
        McpSyncClient c = connect(p);
        for (var failing : List.of(
                Map.entry("answer", Map.<String, Object>of("id", "nobody", "text", "yes")),
                Map.entry("remove_schedule", Map.<String, Object>of("name", "never")),
                Map.entry("archive_goal", Map.<String, Object>of("id", "missing")),
                Map.entry("write_goal", Map.<String, Object>of("id", "../escape", "body", "x")),
                Map.entry("tell", Map.<String, Object>of("id", "ghost", "text", "hi")),
                Map.entry("screen", Map.<String, Object>of("id", "ghost")))) {
            McpSchema.CallToolResult r = call(c, failing.getKey(), failing.getValue());
            assertTrue(Boolean.TRUE.equals(r.isError()), failing.getKey() + " should fail: " + text(r));
            String line = text(r);
            assertTrue(line.startsWith("looop: ") && !line.strip().contains("\n"), failing.getKey() + ": not one line: " + line);
            assertFalse(line.contains("Exception") || line.contains("\tat "), failing.getKey() + ": a stack trace: " + line);
        }
        assertFalse(Files.exists(tmp.resolve("escape.md")));
        assertFalse(String.join("\n", stderr).contains("\tat "), "no stack trace on stderr either: " + stderr);
    }

    @Test
    void mergeAndDiscardOnlyWhenLooopJsonAllowsThem() throws Exception {
        TestProfile p = new TestProfile(tmp);
        McpSyncClient c = connect(p);
        McpError refused = assertThrows(McpError.class, () -> call(c, "merge", Map.of("id", "w1")),
                "merge without the config's yes is no tool at all");
        assertTrue(String.valueOf(refused.getJsonRpcError()).contains("merge"), String.valueOf(refused.getJsonRpcError()));
        c.closeGracefully();

        p.write("looop.json", "{\"mcp\": {\"allow\": [\"merge\"]}}");
        McpSyncClient allowed = connect(p);
        var names = new TreeSet<String>();
        allowed.listTools().tools().forEach(t -> names.add(t.name()));
        assertTrue(names.contains("merge") && !names.contains("discard"), names.toString());
        String noSuchWorker = text(call(allowed, "merge", Map.of("id", "w1")));
        assertTrue(noSuchWorker.startsWith("looop: "), "merge goes through `looop merge`: " + noSuchWorker);
    }

    /**
     * stdout is the protocol: every line on it is a JSON-RPC message, even
     * while verbs print. A script that writes its requests and closes stdin
     * at once still gets every answer.
     */
    @Test
    void stdoutCarriesOnlyTheProtocolAndEveryRequestIsAnsweredBeforeTheEnd() throws Exception {
        TestProfile p = new TestProfile(tmp);
        p.write("journal.md", "- 2026-11-23 12:00 started\n");
        String requests = String.join("\n",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"script\",\"version\":\"1\"}}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"state\",\"arguments\":{}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"journal\",\"arguments\":{}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"answer\",\"arguments\":{\"id\":\"x\",\"text\":\"y\"}}}") + "\n";
        var pb = new ProcessBuilder(ChildJvm.looop("mcp"));
        pb.environment().put("LOOOP_DATA_DIR", p.dir.toString());
        pb.environment().put("LOOOP_CDS", "0");
        pb.redirectError(tmp.resolve("stderr.txt").toFile());
        Process proc = pb.start();
        try (var in = proc.getOutputStream()) {
            in.write(requests.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "looop mcp did not end with its stdin");
        var answered = new TreeSet<Integer>();
        for (String line : out.strip().split("\n")) {
            JsonNode msg = JSON.readTree(line);
            assertEquals("2.0", msg.path("jsonrpc").asText(), "not a JSON-RPC message on stdout: " + line);
            answered.add(msg.path("id").asInt());
        }
        assertEquals(new TreeSet<>(List.of(1, 2, 3, 4)), answered, out);
        assertTrue(out.contains("started") && out.contains("pulse_running"), out);
    }

    /** The tools are the person's verbs: a worker asks, it does not answer its own asks through them. */
    @Test
    void refusedInsideAWorker() throws Exception {
        TestProfile p = new TestProfile(tmp);
        var pb = new ProcessBuilder(ChildJvm.looop("mcp")).redirectErrorStream(true);
        pb.environment().put("LOOOP_DATA_DIR", p.dir.toString());
        pb.environment().put("LOOOP_CDS", "0");
        pb.environment().put("LOOOP_SESSION_ID", "w1");
        Process proc = pb.start();
        proc.getOutputStream().close();
        String out = new String(proc.getInputStream().readAllBytes()).strip();
        proc.waitFor();
        assertEquals(1, proc.exitValue(), out);
        assertTrue(out.startsWith("looop: `looop mcp` is not for workers") && out.lines().count() == 1, out);
    }

    @Test
    void aMistakeInTheMcpSectionIsOneLine() throws Exception {
        TestProfile p = new TestProfile(tmp);
        p.write("looop.json", "{\"mcp\": {\"allow\": [\"merge\", \"rm -rf\"]}}");
        var pb = new ProcessBuilder(ChildJvm.looop("mcp")).redirectErrorStream(true);
        pb.environment().put("LOOOP_DATA_DIR", p.dir.toString());
        pb.environment().put("LOOOP_CDS", "0");
        Process proc = pb.start();
        proc.getOutputStream().close();
        String out = new String(proc.getInputStream().readAllBytes()).strip();
        proc.waitFor();
        assertEquals(1, proc.exitValue(), out);
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("\"mcp\".allow") && out.contains("merge") && out.contains("discard"), out);
    }
}
