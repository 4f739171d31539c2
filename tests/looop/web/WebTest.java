package looop.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import looop.Beats;
import looop.ChildJvm;
import looop.FakeHuman;
import looop.GitFixture;
import looop.TestProfile;
import looop.TmuxProfile;
import looop.TmuxTestBase;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.Journal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * `looop web` over real HTTP (the JDK client, which follows no redirect and
 * keeps no cookie unless told): the one-time codes and the cookie, the same-origin
 * rule for posts, the loopback default, and every page and endpoint on an
 * empty profile and on a busy one with a live worker in real tmux.
 */
class WebTest extends TmuxTestBase {
    static final List<String> GETS = List.of("/", "/app.css", "/app.js", "/api/state");
    static final String HOSTILE = "<img src=x onerror=alert(1)>";

    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    WebServer web;
    FakeHuman human;

    @AfterEach
    void stop() {
        if (web != null) web.close();
    }

    WebServer serve(TmuxProfile p) {
        human = new FakeHuman(p.sessions);
        web = WebServer.start(new Fleet(p.profile.paths, p.profile.clock, p.sessions, human), human, InetAddress.getLoopbackAddress(), 0, System.err,
                null, p.profile.clock);
        return web;
    }

    String base() {
        return "http://127.0.0.1:" + web.address().getPort();
    }

    /** Signs in as a browser does: a one-time link, whose answer sets the cookie and moves on to /. */
    String signIn() throws Exception {
        HttpResponse<String> r = get(web.signInUrl().toString(), null);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("content=\"0;url=/\""), "it moves on to /: " + r.body());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        assertFalse(cookie.contains("Max-Age") || cookie.contains("Expires"), "a session cookie: " + cookie);
        return cookie.split(";")[0];
    }

    HttpResponse<String> get(String url, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (cookie != null) b.header("Cookie", cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String cookie, String origin, String referer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) b.header("Cookie", cookie);
        if (origin != null) b.header("Origin", origin);
        if (referer != null) b.header("Referer", referer);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(String id, String text) {
        return "id=" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8) + "&text=" + java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static void assertSecured(HttpResponse<?> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"), csp);
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null));
    }

    // -- who may look ---------------------------------------------------------------

    @Test
    void everyRequestWithoutTheCookieIs401() throws Exception {
        serve(profile("sleep 600"));
        String code = java.net.URI.create(web.signInUrl().toString()).getQuery().substring("code=".length());
        for (String path : List.of("/", "/app.css", "/app.js", "/api/state", "/api/answer", "/nope", "/favicon.ico")) {
            HttpResponse<String> none = get(base() + path, null);
            assertEquals(401, none.statusCode(), path);
            assertSecured(none);
            assertFalse(none.body().contains("looop ·"), "no page without the cookie: " + none.body());
            assertEquals(401, get(base() + path + "?code=" + code, null).statusCode(), "a code opens only /login, on " + path);
            assertEquals(401, get(base() + path + "?token=" + code, null).statusCode(), "no token in a URL, on " + path);
            assertEquals(401, get(base() + path, "looop_session_" + web.address().getPort() + "=" + "f".repeat(32)).statusCode(), "wrong cookie on " + path);
        }
        assertEquals(401, post("/api/tell", null, base(), null, form("w", "hi")).statusCode(), "a post without the token");
        assertEquals(List.of(), human.given);
    }

    @Test
    void aCodeIs128RandomBitsWorksOnceAndNotAfterTenMinutesAndEachServerHasItsOwnKey() throws Exception {
        TmuxProfile p = profile("sleep 600");
        serve(p);
        URI link = web.signInUrl();
        assertTrue(link.toString().matches("http://127\\.0\\.0\\.1:" + web.address().getPort() + "/login\\?code=[0-9a-f]{32}"), link.toString());
        assertEquals(URI.create("http://127.0.0.1:" + web.address().getPort() + "/"), web.url(), "the address alone opens nothing");
        String cookie = signIn();
        assertFalse(cookie.contains(link.getQuery().substring(5)), "the cookie is not a code");
        assertEquals(200, get(link.toString(), null).statusCode(), "an unused code works");
        HttpResponse<String> again = get(link.toString(), null);
        assertEquals(401, again.statusCode(), "a used code is refused");
        assertTrue(again.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(401, get(base() + "/login?code=" + "0".repeat(32), null).statusCode(), "a code never issued");
        assertEquals(401, get(base() + "/login", null).statusCode(), "no code");

        URI late = web.signInUrl();
        p.profile.clock.advanceSeconds(WebServer.CODE_TTL.toSeconds() + 1);
        assertEquals(401, get(late.toString(), null).statusCode(), "an expired code is refused");
        URI fresh = web.signInUrl();
        assertEquals(200, get(fresh.toString(), null).statusCode(), "a fresh one works");

        web.close();
        serve(t);
        assertEquals(401, get(base() + "/api/state", cookie).statusCode(), "another server's cookie opens nothing");
    }

    @Test
    void aSignInSetsTheCookieThenTheCookieAloneServesEveryPage() throws Exception {
        serve(profile("sleep 600"));
        String cookie = signIn();
        for (String path : GETS) {
            HttpResponse<String> r = get(base() + path, cookie);
            assertEquals(200, r.statusCode(), path);
            assertSecured(r);
        }
        assertEquals(404, get(base() + "/nope", cookie).statusCode());
        assertEquals(405, get(base() + "/api/answer", cookie).statusCode(), "a change is never a GET");
    }

    // -- who may act -------------------------------------------------------------------

    @Test
    void aPostFromAnotherOriginIs403AndChangesNothing() throws Exception {
        TmuxProfile p = profile("sleep 600");
        p.sessions.start("w1", "brief", null);
        p.awaitState("w1", "running");
        serve(p);
        human.ask("w1", "go?");
        String cookie = signIn();
        String evil = "http://evil.example";
        List<HttpResponse<String>> refused = List.of(
                post("/api/answer", cookie, evil, null, form("w1", "yes")),
                post("/api/answer", cookie, "null", null, form("w1", "yes")),
                post("/api/answer", cookie, "http://127.0.0.1:1", null, form("w1", "yes")),
                post("/api/answer", cookie, null, evil + "/", form("w1", "yes")),
                post("/api/answer", cookie, null, null, form("w1", "yes")),
                post("/api/tell", cookie, evil, base() + "/", form("w1", "rm -rf")));
        for (HttpResponse<String> r : refused) {
            assertEquals(403, r.statusCode(), r.request().headers().map().toString());
            assertSecured(r);
        }
        assertEquals(List.of(), human.given, "nothing reached the worker");
        assertEquals(1, human.pending().size(), "the ask is still open");

        HttpResponse<String> ok = post("/api/answer", cookie, base(), null, form("w1", "yes"));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("answered w1", Json.parse(ok.body()).path("message").asText());
        HttpResponse<String> byReferer = post("/api/tell", cookie, null, base() + "/", form("w1", "also this"));
        assertEquals(200, byReferer.statusCode(), byReferer.body());
        assertEquals(List.of("answer w1 yes", "tell w1 also this"), human.given);
        p.awaitOutput("w1", "also this");
    }

    @Test
    void refusedAnswersAndTellsSayWhyInOneLine() throws Exception {
        TmuxProfile p = profile("sleep 600");
        serve(p);
        human.ask("a1", "which?", "left", "right");
        String cookie = signIn();
        HttpResponse<String> notAnOption = post("/api/answer", cookie, base(), null, form("a1", "up"));
        assertEquals(400, notAnOption.statusCode());
        assertEquals("'up' is not one of left, right", Json.parse(notAnOption.body()).path("error").asText());
        HttpResponse<String> noAsk = post("/api/answer", cookie, base(), null, form("zz", "x"));
        assertEquals(409, noAsk.statusCode());
        assertTrue(Json.parse(noAsk.body()).path("error").asText().contains("no pending ask for zz"));
        assertEquals(409, post("/api/tell", cookie, base(), null, form("ghost", "hi")).statusCode());
        assertEquals(400, post("/api/tell", cookie, base(), null, "id=a1").statusCode(), "no text");
        assertEquals(413, post("/api/tell", cookie, base(), null, form("a1", "x".repeat(WebServer.MAX_BODY))).statusCode());
        assertEquals(404, post("/api/nope", cookie, base(), null, form("a1", "x")).statusCode());
        assertEquals(List.of(), human.given);
    }

    // -- where it listens ---------------------------------------------------------------

    @Test
    void looopWebListensOnLoopbackOnlyByDefaultAndPrintsItsUrl() throws Exception {
        TmuxProfile p = profile("sleep 600");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.java(), "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "looop.cli.Main", "web").redirectErrorStream(true);
        pb.environment().putAll(p.profile.paths.processEnv());
        Process child = pb.start();
        child.getOutputStream().close();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "looop web printed nothing");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/$").matcher(line);
            assertTrue(m.find(), line);
            int port = Integer.parseInt(m.group(1));
            String link = out.readLine();
            java.util.regex.Matcher once = java.util.regex.Pattern.compile("(http://127\\.0\\.0\\.1:" + port + "/login\\?code=[0-9a-f]{32})$").matcher(link);
            assertTrue(once.find(), link);
            assertEquals(200, get(once.group(1), null).statusCode(), "the printed link works");
            for (InetAddress other : otherAddresses()) {
                try (Socket s = new Socket()) {
                    s.connect(new java.net.InetSocketAddress(other, port), 2000);
                    throw new AssertionError("looop web answered on " + other + " although it should listen on 127.0.0.1 only");
                } catch (IOException refused) {
                    // as wanted: nothing listens there
                }
            }
        } finally {
            child.destroy();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** This machine's addresses other than loopback: where a page bound to 0.0.0.0 would answer too. */
    static List<InetAddress> otherAddresses() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) out.add(a);
            }
        }
        return out;
    }

    @Test
    void serverBoundToLoopbackReportsALoopbackAddress() throws Exception {
        serve(profile("sleep 600"));
        assertTrue(web.address().getAddress().isLoopbackAddress(), web.address().toString());
    }

    @Test
    void badFlagsAreUsageErrors() {
        TmuxProfile p = profile("sleep 600");
        Beats.Cli port = p.cli("web", "--port", "70000");
        assertEquals(2, port.code(), port.err());
        assertTrue(port.err().contains("--port takes 0 to 65535"), port.err());
        Beats.Cli bind = p.cli("web", "--bind", "no-such-host.invalid");
        assertEquals(2, bind.code(), bind.err());
        assertTrue(bind.err().contains("--bind no-such-host.invalid is not an address"), bind.err());
    }

    // -- what it shows -------------------------------------------------------------------

    @Test
    void everyPageAndEndpointWorksOnAnEmptyProfile() throws Exception {
        TmuxProfile p = new TmuxProfile(dir.resolve("never-made"));
        t = p;
        serve(p);
        String cookie = signIn();
        for (String path : GETS) assertEquals(200, get(base() + path, cookie).statusCode(), path);
        JsonNode s = Json.parse(get(base() + "/api/state", cookie).body());
        assertFalse(s.path("pulse").path("running").asBoolean());
        assertEquals("no beat yet", s.path("pulse").path("last_beat").asText());
        assertEquals(0, s.path("workers").size());
        assertEquals(0, s.path("asks").size());
        assertEquals(0, s.path("journal").size());
        assertTrue(s.path("spend").path("today").asText().startsWith("today $0"), s.toString());
        String html = get(base() + "/", cookie).body();
        assertTrue(html.contains("no workers; start one with"), html);
        assertTrue(html.contains("no moves journaled yet"), html);
        assertTrue(html.contains("no spend recorded in the last 30 days"), html);
        assertFalse(java.nio.file.Files.exists(dir.resolve("never-made")), "looking made no data dir");
    }

    @Test
    void aBusyProfileShowsBeatsWorkersScreensAsksJournalSchedulesAndSpend() throws Exception {
        TmuxProfile p = profile("printf '%s\\n' '" + HOSTILE + "' 'ready for work'; sleep 600");
        busy(p);
        p.sessions.start("w1", "brief", null);
        p.awaitOutput("w1", "ready for work");
        p.sessions.flag("w1", "need a <b>key</b>");
        serve(p);
        human.ask("w1", "ship it?", "yes", "no");
        String cookie = signIn();
        for (String path : GETS) assertEquals(200, get(base() + path, cookie).statusCode(), path);

        JsonNode s = Json.parse(get(base() + "/api/state", cookie).body());
        JsonNode w = s.path("workers").get(0);
        assertEquals("w1", w.path("id").asText());
        assertEquals("running", w.path("state").asText());
        assertEquals("need a <b>key</b>", w.path("flag").asText());
        assertEquals("ship it?", w.path("ask").asText());
        assertEquals("asking", w.path("health").asText(), "flagged and asked: it waits for a person");
        assertEquals("$0.5", w.path("spend").asText());
        assertTrue(w.path("age").asText().startsWith("started "), w.toString());
        assertTrue(w.path("screen").toString().contains("ready for work"), w.toString());
        assertTrue(w.path("screen").toString().contains(HOSTILE.replace("\"", "\\\"")), w.toString());

        JsonNode pulse = s.path("pulse");
        assertTrue(pulse.path("last_beat").asText().contains("failed · runner_failed"), pulse.toString());
        String timeline = pulse.path("timeline_svg").asText();
        for (String count : List.of("acted 2", "skipped 2", "failed 1", "backed off 1")) assertTrue(timeline.contains(count), count + " in " + timeline);
        assertFalse(timeline.contains("acted 3"), "a beat older than the window is left out");

        assertEquals("- 2026-11-23 11:30 " + "moved <script>window.pwned=1</script>", s.path("journal").get(0).asText());
        assertEquals("nightly", s.path("schedules").get(0).path("name").asText());
        assertTrue(s.path("schedules").get(0).path("text").asText().startsWith("waiting · every 24h, next " + looop.io.Durations.at(java.time.Instant.parse("2026-11-24T12:00:00Z")) + " · check <the> deploy"),
                s.toString());
        JsonNode spend = s.path("spend");
        assertEquals("today $1.5 of $2 max_daily_usd", spend.path("today").asText());
        for (String part : List.of("claude", "pi")) assertTrue(spend.path("by_runner_svg").asText().contains(">" + part + "<"), part);
        for (String part : List.of("tick", "worker")) assertTrue(spend.path("by_kind_svg").asText().contains(">" + part + "<"), part);
        assertFalse(spend.path("by_runner_svg").asText().contains("2026-10-01"), "a row older than 30 days is left out");
        assertTrue(spend.path("by_runner_svg").asText().contains("max_daily_usd $2"));

        String html = get(base() + "/", cookie).body();
        assertFalse(html.contains("<img"), "the screen's markup is text, not markup");
        assertFalse(html.contains("<script>window"), "the journal's markup is text, not markup");
        assertFalse(html.contains("<b>key"), "the flag's markup is text, not markup");
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"), html);
        assertTrue(html.contains("moved &lt;script&gt;window.pwned=1&lt;/script&gt;"), html);
        assertTrue(html.contains("<button type=\"submit\" name=\"text\" value=\"yes\">yes</button>"), "option buttons: " + html);
        assertTrue(html.contains("<form class=\"tell\""), "a tell box for the live worker");
        assertTrue(html.contains("data-health=\"asking\">asking</span>"), "the card shows its health");
    }

    @Test
    void aWorkerInAWorktreeShowsItsDiffStatAndLinksItsWholeDiffEscapedBehindTheToken() throws Exception {
        TmuxProfile p = profile("printf '%s\\n' '" + HOSTILE + "' > new.txt; echo edited; sleep 600");
        java.nio.file.Path repo = GitFixture.repo(dir.resolve("repo"));
        p.sessions.start("w1", "edit", null, repo, null);
        p.awaitOutput("w1", "edited");
        serve(p);
        String cookie = signIn();

        JsonNode w = Json.parse(get(base() + "/api/state", cookie).body()).path("workers").get(0);
        assertTrue(w.path("diff_stat").asText().contains("new.txt"), w.toString());
        assertEquals("/diff/w1", w.path("diff_url").asText());
        String html = get(base() + "/", cookie).body();
        assertTrue(html.contains("<a data-slot=\"diff-link\" href=\"/diff/w1\">full diff</a>"), html);
        assertTrue(html.contains("new.txt"), "the stat is on the card");

        assertEquals(401, get(base() + "/diff/w1", null).statusCode(), "the diff is guarded like every route");
        HttpResponse<String> diff = get(base() + "/diff/w1", cookie);
        assertEquals(200, diff.statusCode());
        assertSecured(diff);
        assertTrue(diff.body().contains("+&lt;img src=x onerror=alert(1)&gt;"), diff.body());
        assertFalse(diff.body().contains("<img"), "the worker's text is text, not markup");
        assertTrue(diff.body().contains("new.txt") && diff.body().contains("looop merge w1"), diff.body());
        assertEquals(404, get(base() + "/diff/w9", cookie).statusCode(), "no such worker");
        assertEquals(404, get(base() + "/diff/..%2Fx", cookie).statusCode(), "not an id");
    }

    /** Journal lines, costs over five weeks, events of every kind of beat, a schedule, a budget. */
    static void busy(TmuxProfile p) {
        TestProfile prof = p.profile;
        prof.write("looop.json", Fs.readOr(prof.dir.resolve("looop.json"), "").replaceFirst("\\{", "{\"max_daily_usd\":2,"));
        Journal journal = new Journal(prof.paths, prof.clock);
        prof.clock.set(Instant.parse("2026-11-23T11:00:00Z"));
        journal.append("started the day");
        prof.clock.set(Instant.parse("2026-11-23T11:30:00Z"));
        journal.append("moved <script>window.pwned=1</script>");
        prof.clock.set(Instant.parse("2026-11-23T12:00:00Z"));
        StringBuilder costs = new StringBuilder();
        costs.append(cost("2026-11-23T10:00:00Z", "tick", "tick-1", "claude", 1.0));
        costs.append(cost("2026-11-23T10:05:00Z", "worker", "w1", "pi", 0.25));
        costs.append(cost("2026-11-23T10:06:00Z", "worker", "w1", "pi", 0.25) + "{torn\n");
        costs.append(cost("2026-11-20T09:00:00Z", "tick", "tick-0", "pi", 0.5));
        costs.append(cost("2026-10-01T09:00:00Z", "tick", "tick-old", "claude", 9.0));
        prof.write("cost.jsonl", costs.toString());
        StringBuilder ev = new StringBuilder();
        beat(ev, "2026-11-23T03:00:00Z", "{\"action\":\"run_shell\",\"event\":\"decided\"}"); // before the 6-hour window
        beat(ev, "2026-11-23T07:00:00Z", "{\"action\":\"run_shell\",\"event\":\"decided\"}");
        beat(ev, "2026-11-23T08:00:00Z", "{\"event\":\"world_unchanged\"}");
        beat(ev, "2026-11-23T09:00:00Z", "{\"event\":\"budget_exceeded\",\"spent_usd\":2}");
        beat(ev, "2026-11-23T10:00:00Z", "{\"event\":\"tick_backoff\",\"retry_in_s\":60}");
        beat(ev, "2026-11-23T10:30:00Z", "{\"action\":\"write_goal\",\"event\":\"decided\"}");
        beat(ev, "2026-11-23T11:00:00Z", "{\"event\":\"tick_failed\",\"reason\":\"runner_failed\",\"error\":\"runner exited 1\"}");
        prof.write("events.jsonl", "not json\n" + ev);
        new looop.schedule.Schedules(prof.paths, prof.clock).addEvery("nightly", Duration.ofDays(1), "check <the> deploy");
    }

    static String cost(String ts, String kind, String id, String runner, double usd) {
        return "{\"cost_usd\":" + usd + ",\"id\":\"" + id + "\",\"kind\":\"" + kind + "\",\"runner\":\"" + runner + "\",\"ts\":\"" + ts + "\"}\n";
    }

    static void beat(StringBuilder ev, String ts, String end) {
        ev.append("{\"event\":\"tick_start\",\"ts\":\"").append(ts).append("\"}\n");
        ev.append(end.replaceFirst("\\{", "{\"ts\":\"" + ts + "\",")).append('\n');
    }
}
