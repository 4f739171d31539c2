package looop.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import looop.TestProfile;
import looop.io.Json;
import looop.io.UserError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyTest {
    @TempDir
    Path tmp;

    /** What the endpoint received: path, headers of interest, body. */
    record Hit(String path, Map<String, String> headers, String body) {}

    /** An ntfy/webhook endpoint on 127.0.0.1 that records every POST, and can be stopped and started on the same port. */
    static final class Endpoint {
        final List<Hit> hits = Collections.synchronizedList(new ArrayList<>());
        int port;
        int status = 200;
        private HttpServer server;

        void start() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Map<String, String> h = new java.util.TreeMap<>();
                for (String k : List.of("Title", "Tags", "Priority", "Content-type")) {
                    String v = ex.getRequestHeaders().getFirst(k);
                    if (v != null) h.put(k, v);
                }
                hits.add(new Hit(ex.getRequestURI().toString(), h, body));
                byte[] reply = status == 200 ? "{}".getBytes() : "down for maintenance".getBytes();
                ex.sendResponseHeaders(status, reply.length);
                ex.getResponseBody().write(reply);
                ex.close();
            });
            server.start();
            port = server.getAddress().getPort();
        }

        void stop() {
            if (server != null) server.stop(0);
            server = null;
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    private final Endpoint endpoint = new Endpoint();

    @AfterEach
    void stopServer() {
        endpoint.stop();
    }

    private List<Channel> channels(TestProfile p, String json) throws Exception {
        return Channels.parse(Json.parse(json), "looop.json", p.paths);
    }

    private static Event event(String id, String kind) {
        return new Event(id, kind, "w1 asks", "Deploy now? [yes / no]", Instant.parse("2026-11-23T12:00:00Z"), Json.object());
    }

    @Test
    void theKindsLooopJsonIsCheckedAgainstAreTheEventsThereAre() {
        // profile.NotifySection checks "on" where looop.json loads, below notify: its list must stay Event's
        assertEquals(List.of(Event.ASK, Event.WORKER_EXIT, Event.WORKER_BLOCKED, Event.BEAT_FAILED, Event.BUDGET, Event.NOTIFICATION, Event.USAGE_LIMIT), Event.KINDS);
    }

    @Test
    void ntfyGetsTitleTagsAndPriorityByEvent() throws Exception {
        TestProfile p = new TestProfile(tmp);
        endpoint.start();
        Outbox out = new Outbox(p.paths, channels(p, "[{\"type\":\"ntfy\",\"url\":\"" + endpoint.url("/my-secret-topic") + "\"}]"), p.clock);
        var ask = Notices.ask("w1", "w1-1", "Deploy now?", List.of("yes", "no"), p.clock.instant());
        assertTrue(out.record(ask));
        assertEquals(1, out.backlog().undelivered());
        assertEquals(new Outbox.Report(1, 0, 0), out.deliver(Duration.ofSeconds(30)));
        assertEquals(1, endpoint.hits.size());
        Hit h = endpoint.hits.get(0);
        assertEquals("/my-secret-topic", h.path());
        assertEquals("w1 asks", h.headers().get("Title"));
        assertEquals("question,looop", h.headers().get("Tags"));
        assertEquals("4", h.headers().get("Priority"));
        assertTrue(h.body().startsWith("Deploy now? [yes / no]"), h.body());
        assertEquals(0, out.backlog().undelivered());
        assertFalse(out.record(ask), "an event id delivered once is not recorded again");
        out.deliver(Duration.ofSeconds(30));
        assertEquals(1, endpoint.hits.size());
    }

    @Test
    void aServerDownIsRetriedWithBackoffAndReceivesOnceWhenBack() throws Exception {
        TestProfile p = new TestProfile(tmp);
        endpoint.start();
        int port = endpoint.port;
        endpoint.stop();
        String url = endpoint.url("/hooks/T000/SECRET-PART?token=abc");
        Outbox out = new Outbox(p.paths, channels(p, "[{\"type\":\"webhook\",\"url\":\"" + url + "\",\"format\":\"slack\"}]"), p.clock);
        out.record(event("e1", Event.NOTIFICATION));
        out.record(event("e1", Event.NOTIFICATION)); // recorded twice (two processes): one copy

        assertEquals(new Outbox.Report(0, 1, 0), out.deliver(Duration.ofSeconds(30)));
        Outbox.Backlog b = Outbox.backlog(p.paths);
        assertEquals(1, b.undelivered());
        assertNotNull(b.lastError());
        assertTrue(b.lastError().startsWith("webhook http://127.0.0.1:" + port + "/…"), b.lastError());
        assertFalse(b.lastError().contains("SECRET") || b.lastError().contains("token"), "no secret in " + b.lastError());

        endpoint.port = port;
        endpoint.start();
        assertEquals(new Outbox.Report(0, 0, 1), out.deliver(Duration.ofSeconds(30)), "waits out its backoff");
        assertTrue(endpoint.hits.isEmpty());
        p.clock.advanceSeconds(6);
        assertEquals(new Outbox.Report(1, 0, 0), out.deliver(Duration.ofSeconds(30)));
        assertEquals(1, endpoint.hits.size());
        assertEquals("{\"text\":\"*w1 asks*\\nDeploy now? [yes / no]\"}", endpoint.hits.get(0).body());
        p.clock.advanceSeconds(600);
        out.deliver(Duration.ofSeconds(30));
        assertEquals(1, endpoint.hits.size());
        assertEquals(0, Outbox.backlog(p.paths).undelivered());
    }

    @Test
    void aChannelThatIsUpGetsAnEventOnceWhileAnotherIsDown() throws Exception {
        TestProfile p = new TestProfile(tmp);
        endpoint.start();
        endpoint.status = 503;
        Endpoint other = new Endpoint();
        other.start();
        try {
            String cfg = "[{\"type\":\"webhook\",\"url\":\"" + endpoint.url("/a") + "\"},"
                    + "{\"type\":\"webhook\",\"url\":\"" + other.url("/b") + "\",\"format\":\"discord\"}]";
            Outbox out = new Outbox(p.paths, channels(p, cfg), p.clock);
            out.record(event("e2", Event.BUDGET));
            out.deliver(Duration.ofSeconds(30));
            assertTrue(Outbox.backlog(p.paths).lastError().contains("HTTP 503 down for maintenance"), Outbox.backlog(p.paths).lastError());
            p.clock.advanceSeconds(6);
            out.deliver(Duration.ofSeconds(30));
            endpoint.status = 200;
            p.clock.advanceSeconds(20);
            out.deliver(Duration.ofSeconds(30));
            assertEquals(1, other.hits.size(), "the channel that took it is not sent it again");
            assertEquals("{\"content\":\"**w1 asks**\\nDeploy now? [yes / no]\"}", other.hits.get(0).body());
            assertEquals(3, endpoint.hits.size());
            JsonNode plain = Json.parse(endpoint.hits.get(2).body());
            assertEquals("budget", plain.get("event").asText());
            assertEquals("e2", plain.get("id").asText());
            assertEquals(0, Outbox.backlog(p.paths).undelivered());
        } finally {
            other.stop();
        }
    }

    @Test
    void theCommandGetsTheEventOnStdinAndInItsEnvironment() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Path got = tmp.resolve("got");
        String cmd = "cat > " + got + ".json; printf '%s|%s|%s|%s' \"$LOOOP_EVENT\" \"$LOOOP_EVENT_ID\" \"$LOOOP_EVENT_TEXT\" \"$LOOOP_EVENT_TS\" > " + got + ".env";
        String cfg = "[{\"type\":\"command\",\"command\":" + Json.quote(cmd) + ",\"on\":[\"worker_exit\"]}]";
        Outbox out = new Outbox(p.paths, channels(p, cfg), p.clock);
        assertFalse(out.record(event("e3", Event.ASK)), "a channel only gets the events in its \"on\"");
        Event exit = Notices.workerExit("w1", "exited", 2, 1700000000L, p.clock.instant());
        assertTrue(out.record(exit));
        assertEquals(new Outbox.Report(1, 0, 0), out.deliver(Duration.ofSeconds(60)));
        JsonNode stdin = Json.parse(Files.readString(Path.of(got + ".json")));
        assertEquals("worker_exit", stdin.get("event").asText());
        assertEquals("worker_exit-w1-1700000000", stdin.get("id").asText());
        assertEquals(2, stdin.get("exit_code").asInt());
        assertEquals("worker_exit|worker_exit-w1-1700000000|w1 exited with code 2; its output: looop log w1|2026-11-23T12:00:00Z",
                Files.readString(Path.of(got + ".env")));
    }

    @Test
    void aFailingCommandIsRetriedUntilItWorks() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Path flag = tmp.resolve("works");
        Path count = tmp.resolve("count");
        String cmd = "echo x >> " + count + "; [ -e " + flag + " ] || { echo 'no network' >&2; exit 3; }";
        Outbox out = new Outbox(p.paths, channels(p, "[{\"type\":\"command\",\"command\":" + Json.quote(cmd) + "}]"), p.clock);
        out.record(event("e4", Event.NOTIFICATION));
        out.deliver(Duration.ofSeconds(60));
        assertEquals("command: command exited 3: no network", Outbox.backlog(p.paths).lastError());
        Files.writeString(flag, "");
        p.clock.advanceSeconds(6);
        out.deliver(Duration.ofSeconds(60));
        p.clock.advanceSeconds(60);
        out.deliver(Duration.ofSeconds(60));
        assertEquals(2, Files.readAllLines(count).size());
        assertEquals(0, Outbox.backlog(p.paths).undelivered());
    }

    @Test
    void configMistakesAreOneLineNamingTheKeyWithoutTheUrl() {
        TestProfile p = new TestProfile(tmp);
        assertEquals(List.of(), Channels.parse(null, "looop.json", p.paths));
        String[][] cases = {
            {"{}", "looop.json: \"notify\" must be a list"},
            {"[{\"type\":\"pager\"}]", "looop.json: \"notify\"[0].type: must be one of command, ntfy, webhook, desktop, got 'pager'"},
            {"[{\"type\":\"desktop\"},{\"type\":\"ntfy\"}]", "looop.json: \"notify\"[1]: missing \"url\""},
            {"[{\"type\":\"ntfy\",\"url\":\"ftp://x/secret\"}]", "looop.json: \"notify\"[0].url: must be an http:// or https:// URL"},
            {"[{\"type\":\"webhook\",\"url\":\"https://h/x\",\"format\":\"teams\"}]", "looop.json: \"notify\"[0].format: must be json, slack or discord"},
            {"[{\"type\":\"desktop\",\"on\":[\"ask\",\"lunch\"]}]", "looop.json: \"notify\"[0].on: unknown event \"lunch\""},
            {"[{\"type\":\"command\"}]", "looop.json: \"notify\"[0]: missing \"command\""},
            {"[{\"type\":\"ntfy\",\"url\":\"https://h/x\",\"topic\":\"t\"}]", "looop.json: \"notify\"[0]: unknown key \"topic\""},
        };
        for (String[] c : cases) {
            UserError e = assertThrows(UserError.class, () -> Channels.parse(Json.parse(c[0]), "looop.json", p.paths), c[0]);
            assertTrue(e.getMessage().startsWith(c[1]), e.getMessage());
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
        }
    }

    @Test
    void urlsAreShownWithTheirHostOnly() {
        assertEquals("https://ntfy.sh/…", Redact.url("https://ntfy.sh/my-secret-topic"));
        assertEquals("https://hooks.slack.com/…", Redact.url("https://user:pw@hooks.slack.com/services/T/B/X?y=1"));
        assertEquals("http://127.0.0.1:8080", Redact.url("http://127.0.0.1:8080/"));
        assertEquals("fail at https://ntfy.sh/… now", Redact.scrub("fail at https://ntfy.sh/topic-x now", "https://ntfy.sh/topic-x"));
    }

    @Test
    void aDesktopWithoutANotifierCountsAsDeliveredWithTheReasonKept() throws Exception {
        Path emptyPath = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(emptyPath.resolve("bash"), Path.of(System.getenv().getOrDefault("BASH", "/bin/bash")).toRealPath());
        TestProfile p = new TestProfile(tmp, Map.of("PATH", emptyPath.toString()));
        Outbox out = new Outbox(p.paths, channels(p, "[{\"type\":\"desktop\"}]"), p.clock);
        out.record(event("e5", Event.ASK));
        assertEquals(new Outbox.Report(0, 1, 0), out.deliver(Duration.ofSeconds(30)));
        assertEquals(0, Outbox.backlog(p.paths).undelivered(), "retrying could never show it");
    }

    @Test
    void aFailureStreakRaisesOneEventAtItsThreshold() {
        TestProfile p = new TestProfile(tmp);
        FailureStreak s = new FailureStreak(p.paths);
        assertNull(s.beat(false, "runner exited 1", 3, p.clock.instant()));
        assertNull(new FailureStreak(p.paths).beat(false, "runner exited 1", 3, p.clock.instant()), "counted across restarts");
        Event e = s.beat(false, "runner exited 1", 3, p.clock.instant());
        assertEquals(Event.BEAT_FAILED, e.kind());
        assertNull(s.beat(false, "runner exited 1", 3, p.clock.instant()), "one event per streak");
        assertNull(s.beat(true, null, 3, p.clock.instant()));
        assertNull(s.beat(false, "x", 3, p.clock.instant()));
    }
}
