package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import looop.Beats;
import looop.ChildJvm;
import looop.beat.Tick;
import looop.gate.Budget;
import looop.io.Json;
import looop.io.Proc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * runners/OpenAiHttp.java end to end: real beats whose runner is that script
 * (in a child JVM on this test run's classpath, as jbang would run it) talking
 * real HTTP to a stub chat server on 127.0.0.1.
 */
class HttpRunnerTest {
    @TempDir Path dir;
    Stub stub;
    Beats b;

    /** A chat completions endpoint that answers from a script and remembers what it was asked. */
    static final class Stub implements AutoCloseable {
        record Reply(int status, String body) {}
        record Request(String path, String authorization, JsonNode body) {}

        final HttpServer server;
        final Deque<Reply> replies = new ArrayDeque<>();
        final List<Request> requests = new ArrayList<>();

        Stub() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", ex -> {
                byte[] in = ex.getRequestBody().readAllBytes();
                Reply r;
                synchronized (this) {
                    requests.add(new Request(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization"),
                            Json.parseOrNull(new String(in, StandardCharsets.UTF_8))));
                    r = replies.isEmpty() ? new Reply(500, "{\"error\":{\"message\":\"no scripted reply\"}}") : replies.poll();
                }
                byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(r.status(), out.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            });
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        synchronized Stub reply(int status, String body) {
            replies.add(new Reply(status, body));
            return this;
        }

        Stub answer(String content, int promptTokens, int completionTokens) {
            ObjectNode c = Json.object();
            c.put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "stub-model");
            ObjectNode choice = c.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", content);
            c.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                    .put("total_tokens", promptTokens + completionTokens);
            return reply(200, Json.canonical(c));
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        stub = new Stub();
        b = new Beats(dir);
        useRunner(stub.base(), Map.of("LOOOP_OPENAI_PRICE_IN", "0.5", "LOOOP_OPENAI_PRICE_OUT", "1.5"));
    }

    @AfterEach
    void tearDown() {
        stub.close();
    }

    /** The runner config a user writes, with the script run on this JVM's classpath instead of through jbang. */
    void useRunner(String baseUrl, Map<String, String> extra) {
        StringBuilder tick = new StringBuilder("LOOOP_OPENAI_BASE_URL=" + Proc.shellQuote(baseUrl)
                + " LOOOP_OPENAI_MODEL=stub-model LOOOP_OPENAI_API_KEY=sk-test");
        extra.forEach((k, v) -> tick.append(' ').append(k).append('=').append(Proc.shellQuote(v)));
        tick.append(' ').append(Proc.shellQuote(ChildJvm.java())).append(" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp ")
                .append(Proc.shellQuote(System.getProperty("java.class.path"))).append(" OpenAiHttp");
        ObjectNode config = Json.object();
        config.put("default", "http");
        ObjectNode http = config.putObject("runners").putObject("http");
        http.put("tick", tick.toString());
        http.putObject("cost").put("type", "usage").put("pointer", "/cost_usd").put("mode", "sum");
        b.config(Json.canonical(config));
    }

    String archive(Tick.Outcome o) {
        return b.profile.read("runs/" + o.runId() + "/output.log");
    }

    Double ledgered(Tick.Outcome o) {
        return new Budget(b.profile.paths.costLedger(), b.profile.paths.unmetered(), b.profile.clock).costOf(o.runId());
    }

    @Test
    void aFencedDecisionIsActedOnAndMeteredFromTheTokens() throws IOException {
        stub.answer("Here is my move:\n```json\n{\"action\":\"write_goal\",\"id\":\"beta\",\"body\":\"from the model\\n\","
                + "\"journal\":\"beta goal via http\"}\n```\n", 1200, 80);
        Tick.Outcome o = b.beat();
        assertEquals(Tick.Outcome.Result.ACTED, o.result(), o.message() + "\n" + archive(o));
        assertEquals("from the model\n", b.profile.read("goals/beta.md"));
        assertTrue(b.journal().endsWith(" beta goal via http\n"), b.journal());
        // 1200 × $0.5/M + 80 × $1.5/M
        assertEquals(0.00072, ledgered(o), 1e-12);

        Stub.Request req = stub.requests.get(0);
        assertEquals("/v1/chat/completions", req.path());
        assertEquals("Bearer sk-test", req.authorization());
        assertEquals("stub-model", req.body().path("model").asText());
        assertEquals("json_object", req.body().at("/response_format/type").asText());
        assertEquals("system", req.body().at("/messages/0/role").asText());
        assertTrue(req.body().at("/messages/0/content").asText().contains("ONE JSON object only"));
        assertEquals(Files.readString(b.profile.paths.runs().resolve(o.runId()).resolve("prompt.md")),
                req.body().at("/messages/1/content").asText(), "the prompt is sent as is");

        String log = archive(o);
        assertTrue(log.contains("] │ Here is my move:\n"), log);
        assertTrue(log.contains("] decision written to decision.json\n"), log); // $LOOOP_DECISION_FILE, in runs/<id>/decide/
        assertFalse(log.contains("\"type\":\"usage\""), "the usage line is metered, not archived: " + log);
    }

    @Test
    void aBareObjectReplyWithABaseUrlEndingInV1() {
        useRunner(stub.base() + "/v1/", Map.of());
        stub.answer("{\"action\":\"noop\",\"journal\":\"quiet via http\"}", 900, 12);
        Tick.Outcome o = b.beat();
        assertEquals(Tick.Outcome.Result.ACTED, o.result(), o.message() + "\n" + archive(o));
        assertEquals("/v1/chat/completions", stub.requests.get(0).path());
        assertEquals(0.0, ledgered(o), "no prices set: the call is free, and counted as a $0 call (looop cost says how many)");
        assertTrue(archive(o).contains("] │ {\"action\":\"noop\",\"journal\":\"quiet via http\"}\n"), archive(o));
    }

    @Test
    void aServerErrorFailsTheBeatWithTheServersMessage() {
        stub.reply(500, "{\"error\":{\"message\":\"model crashed\\nbadly\"}}");
        Tick.Outcome o = b.beat();
        assertEquals(Tick.Outcome.Result.FAILED, o.result());
        assertEquals("runner_failed", o.reason());
        assertTrue(o.message().startsWith("runner exited 1"), o.message());
        assertTrue(archive(o).contains("] openai-http: POST " + stub.base() + "/v1/chat/completions answered 500: model crashed badly\n"),
                archive(o));
        assertNull(ledgered(o));
        assertEquals("", b.journal());
        assertNull(b.profile.read(".last-tick-hash"));
    }

    @Test
    void aReplyWithoutJsonIsNoDecisionButStillCosts() {
        stub.answer("I am not sure what to do here.", 1000, 10);
        Tick.Outcome o = b.beat();
        assertEquals("no_decision", o.reason(), o.message());
        assertTrue(archive(o).contains("] openai-http: the reply held no JSON object; no decision written\n"), archive(o));
        assertEquals(0.000515, ledgered(o), 1e-12);
    }

    @Test
    void aServerWithoutJsonModeIsAskedAgainWithoutIt() {
        stub.reply(400, "{\"error\":{\"message\":\"unknown field: response_format\"}}")
                .answer("{\"action\":\"noop\"}", 10, 2);
        Tick.Outcome o = b.beat();
        assertEquals(Tick.Outcome.Result.ACTED, o.result(), o.message() + "\n" + archive(o));
        assertEquals(2, stub.requests.size());
        assertTrue(stub.requests.get(0).body().has("response_format"));
        assertFalse(stub.requests.get(1).body().has("response_format"));
    }

    @Test
    void anHtmlPageIsNotAChatCompletion() {
        stub.reply(200, "<html><body>It works!</body></html>");
        Tick.Outcome o = b.beat();
        assertEquals("runner_failed", o.reason());
        assertTrue(archive(o).contains("answered with something that is not JSON (<html><body>It works!</body></html>); "
                + "is LOOOP_OPENAI_BASE_URL an OpenAI-compatible server?"), archive(o));
    }

    @Test
    void anUnreachableServerIsOneLineNamingTheUrl() {
        String base = stub.base();
        stub.close();
        Tick.Outcome o = b.beat();
        assertEquals("runner_failed", o.reason());
        List<String> said = archive(o).lines().filter(l -> l.contains("openai-http:")).toList();
        assertEquals(List.of("[12:00:00] openai-http: cannot reach " + base + "/v1/chat/completions (connection refused); "
                + "start the server or set LOOOP_OPENAI_BASE_URL"), said, archive(o));
    }

    @Test
    void aDecisionThatCannotBeWrittenFailsButIsStillMetered() {
        useRunner(stub.base(), Map.of("LOOOP_DECISION_FILE", dir.resolve("no-such-dir/decision.json").toString(), "LOOOP_OPENAI_PRICE_IN", "1"));
        stub.answer("{\"action\":\"noop\"}", 2000, 5);
        Tick.Outcome o = b.beat();
        assertEquals("runner_failed", o.reason(), o.message());
        assertTrue(archive(o).contains("] openai-http: cannot write " + dir.resolve("no-such-dir/decision.json")), archive(o));
        assertEquals(0.002, ledgered(o), 1e-12);
    }

    @Test
    void aMissingModelIsSaidBeforeAnyRequest() {
        useRunner(stub.base(), Map.of("LOOOP_OPENAI_MODEL", ""));
        Tick.Outcome o = b.beat();
        assertEquals("runner_failed", o.reason());
        assertTrue(archive(o).contains("openai-http: set LOOOP_OPENAI_MODEL"), archive(o));
        assertEquals(0, stub.requests.size());
    }
}
