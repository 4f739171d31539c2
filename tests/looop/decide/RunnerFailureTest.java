package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import looop.Beats;
import looop.NoSessions;
import looop.beat.Tick;
import looop.gate.Backoff;
import looop.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runners that go wrong, each driven through a whole real beat: every one
 * ends on SPEC.md's failure path (FAILED with a reason that says why, a
 * tick_failed event, backoff, no journal line, the world hash uncommitted)
 * and leaves an archive a person can read.
 */
class RunnerFailureTest {
    @TempDir Path dir;

    /** A profile whose default runner is the given shell command. */
    Beats withRunner(String tick, Long timeoutS) {
        Beats b = new Beats(dir);
        ObjectNode config = Json.object();
        config.put("default", "broken");
        config.putObject("runners").putObject("broken").put("tick", tick);
        if (timeoutS != null) config.put("tick_timeout_s", timeoutS);
        b.config(Json.canonical(config));
        return b;
    }

    /** The failure path, whatever the cause: asserted in full, returning the outcome for cause-specific checks. */
    static Tick.Outcome failsCleanly(Beats b, String reason) {
        Tick.Outcome o = b.beat();
        assertEquals(Tick.Outcome.Result.FAILED, o.result(), o.message());
        assertEquals(reason, o.reason(), o.message());
        assertFalse(o.message().contains("\n"), "one line: " + o.message());
        assertTrue(o.message().contains("replay: " + b.profile.paths.runs().resolve(o.runId())), o.message());
        JsonNode failed = lastEvent(b, "tick_failed");
        assertEquals(reason, failed.path("reason").asText());
        assertEquals(o.runId(), failed.path("run_id").asText());
        assertEquals(1, new Backoff(b.profile.paths.backoff(), b.profile.clock).read().fails(), "the failure is backed off");
        assertEquals("", b.journal(), "a failed beat journals nothing");
        assertNull(b.profile.read(".last-tick-hash"), "a failed beat must not commit the world hash");
        assertNull(b.profile.read(".decision.json"), "a decision file never outlives its beat");
        assertTrue(Files.isRegularFile(b.profile.paths.runs().resolve(o.runId()).resolve("prompt.md")));
        return o;
    }

    static JsonNode lastEvent(Beats b, String name) {
        List<JsonNode> events = b.profile.read("events.jsonl").lines().map(Json::parseOrNull)
                .filter(e -> name.equals(e.path("event").asText())).toList();
        assertFalse(events.isEmpty(), "no " + name + " event");
        return events.get(events.size() - 1);
    }

    static String archive(Beats b, Tick.Outcome o) {
        return b.profile.read("runs/" + o.runId() + "/output.log");
    }

    @Test
    void aCrashingRunnerFails() {
        Beats b = withRunner("echo 'thinking hard'; echo 'Error: out of credit' >&2; exit 3", null);
        Tick.Outcome o = failsCleanly(b, "runner_failed");
        assertTrue(o.message().startsWith("runner exited 3: Error: out of credit · replay: "), o.message());
        assertTrue(archive(b, o).endsWith("] Error: out of credit\n[12:00:00] ✗ runner exited 3\n"), archive(b, o));
    }

    /**
     * pi with an unwritable state dir: the reason reaches the beat line, status
     * and the next prompt, not only the run's archive; `tick --now` then
     * retries past the backoff, which `--force` waits out.
     */
    @Test
    void aFailedBeatSaysWhyWherePeopleLookAndTickNowRetriesPastTheBackoff() {
        Beats b = withRunner("echo 'Loading…'; echo \"Error: ENOENT: no such file or directory, mkdir '/x/sessions/--data--'\" >&2;"
                + " echo '    at async mkdir (node:internal)' >&2; exit 1", null);
        Tick.Outcome o = failsCleanly(b, "runner_failed");
        String why = "runner exited 1: Error: ENOENT: no such file or directory, mkdir '/x/sessions/--data--'";
        assertTrue(o.message().startsWith(why + " · replay: "), o.message());
        Beats.Cli status = b.cli("", "status");
        assertTrue(status.out().contains("last failure: " + why), status.out());
        assertTrue(status.out().contains("`looop tick --now` retries now"), status.out());

        String page = page(b).path("pulse").path("last_beat").asText();
        assertTrue(page.contains(why), "the web page's last beat: " + page);

        Beats.Cli forced = b.cli("", "tick", "--force");
        assertTrue(forced.err().contains("backing off") || forced.out().contains("backing off"), forced.toString());
        assertEquals(1, runs(b), "--force waits out the backoff");
        page = page(b).path("pulse").path("last_beat").asText();
        assertTrue(page.contains("last failure: " + why), "a backed-off beat after it keeps the failure in view: " + page);

        b.cli("", "tick", "--now");
        String prompt = b.profile.read("runs/" + lastRun(b) + "/prompt.md");
        assertTrue(prompt.contains("=== LAST FAILURE ===") && prompt.contains(why), prompt);
        assertEquals(2, runs(b), "--now retried past it");
    }

    /** The web page's state, as `looop web` serves it. */
    private static JsonNode page(Beats b) {
        return new looop.web.Fleet(b.profile.paths, b.profile.clock, NoSessions.none(),
                new looop.web.ProfileHuman(b.profile.paths, b.profile.clock, NoSessions.none())).state();
    }

    /** How often the runner ran: it says Loading once per run, into tick.log. */
    private static long runs(Beats b) {
        return b.profile.read("tick.log").lines().filter(l -> l.contains("Loading")).count();
    }

    private static String lastRun(Beats b) {
        return lastEvent(b, "decide_start").path("run_id").asText();
    }

    @Test
    void aHangingRunnerIsKilledAtTickTimeout() {
        Beats b = withRunner("echo started; sleep 300", 1L);
        long t0 = System.nanoTime();
        Tick.Outcome o = failsCleanly(b, "runner_failed");
        assertTrue(java.time.Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 15, "tick_timeout_s did not stop the runner");
        assertTrue(o.message().startsWith("runner timed out after 1s · replay: "), o.message());
        assertTrue(archive(b, o).endsWith("] started\n[12:00:00] ✗ runner timed out after 1 s\n"), archive(b, o));
    }

    @Test
    void binaryGarbageLeavesAReadableArchive() throws CharacterCodingException {
        Beats b = withRunner("printf 'before\\n\\000\\001nul and \\377\\376 bad bytes \\033[31mred\\033[0m\\r\\n'; "
                + "head -c 20000 /dev/urandom; printf '\\nafter\\n'", null);
        Tick.Outcome o = failsCleanly(b, "no_decision");
        byte[] bytes = b.profile.read("runs/" + o.runId() + "/output.log").getBytes(StandardCharsets.UTF_8);
        String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(
                readBytes(b.profile.paths.runs().resolve(o.runId()).resolve("output.log")))).toString();
        assertTrue(bytes.length > 0);
        for (char c : text.toCharArray()) {
            assertTrue(c == '\n' || c == '\t' || !Character.isISOControl(c), "a control character in the archive: " + (int) c);
        }
        List<String> lines = text.lines().toList();
        assertEquals("[12:00:00] before", lines.get(0));
        assertEquals("[12:00:00] \uFFFD\uFFFDnul and \uFFFD\uFFFD bad bytes red", lines.get(1));
        assertEquals("[12:00:00] after", lines.get(lines.size() - 1));
        assertTrue(lines.stream().allMatch(l -> l.length() < Render.MAX_PLAIN_CHARS + 20), "a garbage line was not cut");
        assertEquals(text, b.profile.read("tick.log"));
    }

    private static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void exitingZeroWithoutADecisionFails() {
        Beats b = withRunner("echo 'I looked around and decided nothing'", null);
        Tick.Outcome o = failsCleanly(b, "no_decision");
        assertTrue(o.message().startsWith("runner wrote no .decision.json · replay: "), o.message());
    }

    @Test
    void aDecisionWrittenBeforeACrashIsNotExecuted() {
        Beats b = withRunner("echo '{\"action\":\"write_goal\",\"id\":\"crashed\",\"body\":\"b\"}' > \"$LOOOP_DECISION_FILE\"; exit 2", null);
        Tick.Outcome o = failsCleanly(b, "runner_failed");
        assertTrue(o.message().startsWith("runner exited 2"), o.message());
        assertFalse(Files.exists(b.profile.dir.resolve("goals/crashed.md")), "a crashed runner's move was executed");
        assertFalse(b.events().contains("decided"));
    }

    @Test
    void aHugeDecisionIsRefusedWithTheCapInTheMessage() {
        Beats b = withRunner("{ printf '{\"action\":\"noop\",\"reason\":\"'; head -c 2000000 /dev/zero | tr '\\0' x; printf '\"}'; } > \"$LOOOP_DECISION_FILE\"", null);
        Tick.Outcome o = failsCleanly(b, "bad_decision");
        assertTrue(o.message().startsWith("bad decision: decision file is 2000029 bytes; the cap is 1 MiB; "), o.message());
    }

    @Test
    void aHugeDecisionFromACrashedRunnerIsReportedAsTheCrash() {
        Beats b = withRunner("head -c 2000000 /dev/zero > \"$LOOOP_DECISION_FILE\"; exit 5", null);
        Tick.Outcome o = failsCleanly(b, "runner_failed");
        assertTrue(o.message().startsWith("runner exited 5"), o.message());
    }
}
