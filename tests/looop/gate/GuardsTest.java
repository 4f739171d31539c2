package looop.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import looop.Beats;
import looop.NoSessions;
import looop.act.Decision;
import looop.act.Executor;
import looop.beat.Tick;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.sense.Recall;
import looop.workers.SessionState;
import looop.workers.Sessions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guards that cap and pace the decider, with an injected clock and the offline runner. */
class GuardsTest {
    @TempDir
    Path dir;

    static final String NOOP = "{\"action\":\"noop\"}";
    static final String OFFLINE = "bash runners/offline.sh runners/script.jsonl --shape pi --cost 0.002";

    static void config(Beats b, String extra) {
        b.config("{\"default\":\"offline\",\"runners\":{\"offline\":{\"tick\":\"" + OFFLINE + "\"" + b.offlineGrant() + "}}"
                + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    static String log(Beats b) {
        return b.logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnchangedWorldIsDecidedAgainOnceTheLastDecisionIsOlderThanNoopTtl() {
        Beats b = new Beats(dir, NOOP, NOOP);
        config(b, "\"noop_ttl\":600");
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result());
        b.profile.clock.advanceSeconds(599);
        assertEquals("world_unchanged", b.beat().reason());
        b.profile.clock.advanceSeconds(1);
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result(), log(b));
        assertTrue(log(b).contains("re-deciding (last decided 600s ago, noop_ttl 600s)"), log(b));
        b.profile.clock.advanceSeconds(60);
        assertEquals("world_unchanged", b.beat().reason(), "the new decision starts a new ttl");
        assertEquals(2, b.runnerCalls());
    }

    @Test
    void noopTtlZeroNeverReopens() {
        Beats b = new Beats(dir, NOOP, NOOP);
        config(b, "\"noop_ttl\":0");
        b.beat();
        b.profile.clock.advanceSeconds(400 * 86_400L);
        assertEquals("world_unchanged", b.beat().reason());
    }

    @Test
    void maxDecidesPerHourSkipsWithDecideCappedUntilTheHourRollsOn() {
        Beats b = new Beats(dir, NOOP, NOOP, NOOP, NOOP);
        config(b, "\"max_decides_per_hour\":2");
        assertEquals(Tick.Outcome.Result.ACTED, b.tick().beat(true).result());
        b.profile.clock.advanceSeconds(600);
        assertEquals(Tick.Outcome.Result.ACTED, b.tick().beat(true).result());
        b.profile.clock.advanceSeconds(600);
        Tick.Outcome capped = b.tick().beat(true);
        assertEquals(Tick.Outcome.Result.SKIPPED, capped.result());
        assertEquals("decide_capped", capped.reason());
        assertTrue(b.events().contains("decide_capped"), b.events().toString());
        assertEquals(2, b.runnerCalls());
        b.profile.clock.advanceSeconds(2401); // the first call is now more than an hour old
        assertEquals(Tick.Outcome.Result.ACTED, b.tick().beat(true).result(), log(b));
        assertEquals(3, b.runnerCalls());
    }

    /** Sessions with some live workers, recording starts. */
    static final class Fleet extends NoSessions {
        final List<Info> infos = new ArrayList<>();
        final List<String> started = new ArrayList<>();

        @Override
        public List<Info> list() { return infos; }

        @Override
        public void start(String id, String prompt, String runner) { started.add(id); }
    }

    @Test
    void aStartWorkerBeyondMaxWorkersIsAFailedMove() {
        Beats b = new Beats(dir);
        config(b, "\"max_workers\":2");
        Fleet fleet = new Fleet();
        fleet.infos.add(new Sessions.Info("w1", SessionState.RUNNING, null, null));
        fleet.infos.add(new Sessions.Info("w2", SessionState.EXITED, 0, null));
        Executor hands = new Executor(b.profile.paths, fleet, b.profile.clock, Config.load(b.profile.paths));
        hands.act(Decision.parse("{\"action\":\"start_worker\",\"id\":\"w3\",\"prompt\":\"go\"}"));
        assertEquals(List.of("w3"), fleet.started, "one live worker of two: room for one more");
        fleet.infos.add(new Sessions.Info("w3", SessionState.STARTING, null, null));
        UserError refused = assertThrows(UserError.class,
                () -> hands.act(Decision.parse("{\"action\":\"start_worker\",\"id\":\"w4\",\"prompt\":\"go\"}")));
        assertTrue(refused.getMessage().contains("2 workers are live and max_workers is 2"), refused.getMessage());
        assertEquals(List.of("w3"), fleet.started);
    }

    @Test
    void aTransientRunnerFailureIsRetriedInTheBeatAndEachTryIsMetered() {
        Beats b = new Beats(dir, NOOP);
        // fails once the way claude does when the API is overloaded, then plays the script
        b.profile.write("runners/flaky.sh", "if [ ! -e .offline-runner/flaky ]; then touch .offline-runner/flaky\n"
                + "echo '{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"total_cost_usd\":0.001,"
                + "\"result\":\"API Error: 529 {\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"overloaded_error\\\"}}\"}'\n"
                + "exit 1; fi\nexec " + OFFLINE.replace("--shape pi", "--shape claude") + "\n");
        b.config("{\"default\":\"flaky\",\"runners\":{\"flaky\":{\"tick\":\"bash runners/flaky.sh\"" + b.offlineGrant()
                + ",\"cost\":{\"type\":\"result\",\"pointer\":\"/total_cost_usd\"}}},\"runner_retry\":{\"backoff_s\":0}}");
        Tick.Outcome o = b.beat();
        assertEquals(Tick.Outcome.Result.ACTED, o.result(), log(b));
        assertTrue(b.events().contains("runner_retry"), b.events().toString());
        assertEquals(1, b.runnerCalls());
        assertEquals(2, b.profile.read("cost.jsonl").lines().count(), "both tries metered: " + b.profile.read("cost.jsonl"));
        assertEquals(2, new Recall(b.profile.paths, b.profile.clock).decidesInLastHour(), "both count against the hourly cap");
    }

    @Test
    void aPiRunThatEndsInAModelErrorWithoutADecisionIsRetriedButModelTextIsNoError() {
        Beats b = new Beats(dir, NOOP, NOOP);
        b.profile.write("runners/flaky.sh", "if [ ! -e .offline-runner/flaky ]; then touch .offline-runner/flaky\n"
                + "echo '{\"type\":\"message_end\",\"message\":{\"role\":\"assistant\",\"content\":[],\"errorMessage\":\"Connection error.\"}}'\n"
                + "exit 0; fi\nexec " + OFFLINE + "\n");
        b.config("{\"default\":\"flaky\",\"runners\":{\"flaky\":{\"tick\":\"bash runners/flaky.sh\"" + b.offlineGrant()
                + "}},\"runner_retry\":{\"backoff_s\":0}}");
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result(), log(b));
        assertEquals(1, b.runnerCalls());

        b.profile.write("runners/chatty.sh", "echo '{\"type\":\"message_end\",\"message\":{\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"the API rate limit goal is done\"}]}}'\n");
        b.config("{\"default\":\"chatty\",\"runners\":{\"chatty\":{\"tick\":\"bash runners/chatty.sh\"}},\"runner_retry\":{\"backoff_s\":0}}");
        assertEquals("no_decision", b.tick().beat(true).reason());
        assertEquals(1, b.events().stream().filter("runner_retry"::equals).count(), "only the first beat retried");
    }

    @Test
    void aRunnerThatFailsForGoodIsNotRetried() {
        Beats b = new Beats(dir, "!exit 3", NOOP);
        config(b, "\"runner_retry\":{\"backoff_s\":0,\"attempts\":3}");
        assertEquals("runner_failed", b.beat().reason());
        assertEquals(1, b.runnerCalls());
        assertFalse(b.events().contains("runner_retry"));
    }

    @Test
    void retriesStopAtTheirCount() {
        Beats b = new Beats(dir, "!exit 75", "!exit 75", "!exit 75", NOOP);
        config(b, "\"runner_retry\":{\"backoff_s\":0,\"attempts\":1}");
        assertEquals("runner_failed", b.beat().reason());
        assertEquals(2, b.runnerCalls(), "one try and one retry (75 is EX_TEMPFAIL, transient by default)");
    }

    @Test
    void badGuardValuesAreRefusedWithTheKeyAndTheRange() {
        Path f = dir.resolve("looop.json");
        for (String[] c : new String[][] {{"\"noop_ttl\":-1", "\"noop_ttl\" must be a whole number from 0"},
                {"\"max_workers\":\"8\"", "\"max_workers\" must be"},
                {"\"runner_retry\":{\"attempts\":11}", "\"runner_retry.attempts\" must be a whole number from 0 to 10"},
                {"\"runner_retry\":{\"patterns\":[\"(\"]}", "\"runner_retry.patterns\" has '(', not a regular expression"},
                {"\"runner_retry\":{\"exit_codes\":[0]}", "\"runner_retry.exit_codes\" must be a list of exit codes from 1 to 255"},
                {"\"flap_beats\":1", "\"flap_beats\" must be a whole number from 2"}}) {
            UserError e = assertThrows(UserError.class, () -> Config.parse("{" + c[0] + "}", f));
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
        Config d = Config.parse("{}", f);
        assertEquals(21_600, d.guards().noopTtl());
        assertEquals(120, d.guards().maxDecidesPerHour());
        assertEquals(8, d.guards().maxWorkers());
        assertEquals(5, d.guards().flapBeats());
        assertEquals(5L << 20, d.guards().rotateBytes());
    }

    @Test
    void theDefaultPatternsKnowClaudeAndPiTransientErrors() {
        var retry = Config.parse("{}", dir.resolve("looop.json")).guards().retry();
        for (String said : List.of("✗ run failed: API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
                "✗ run failed: API Error: 429 {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\"}}",
                "✗ model error: 429 {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}",
                "✗ model error: Connection error.", "Error: fetch failed", "Error: read ECONNRESET")) {
            assertTrue(retry.isTransient(1, said), said);
        }
        for (String said : List.of("✗ run failed: Invalid API key · Please run /login", "bash: claude: command not found", "")) {
            assertFalse(retry.isTransient(1, said), said);
        }
    }

    @Test
    void flappingSensorsAreNamedInThePromptAndInStatus() {
        Beats b = new Beats(dir, NOOP, NOOP, NOOP, NOOP, NOOP);
        config(b, "\"flap_beats\":3");
        // a real clock in the signal, as a careless sensor has it (a sandboxed sensor cannot keep a count)
        b.profile.sensor("clock", "echo \"{\\\"signal\\\":{\\\"n\\\":$(date +%s%N)}}\"");
        for (int i = 0; i < 4; i++) {
            assertEquals(Tick.Outcome.Result.ACTED, b.beat().result(), log(b));
            b.profile.clock.advanceSeconds(60);
        }
        assertTrue(log(b).contains("flapping: sensor-clock.json changed on 3+ beats in a row"), log(b));
        b.beat();
        assertTrue(Beats.lastPrompt(b).contains("! snapshots/sensor-clock.json is flapping"), Beats.lastPrompt(b));
        Beats.Cli status = b.cli("", "status", "--json");
        var j = Json.parseOrNull(status.out());
        assertEquals("sensor-clock.json", j.get("flapping").get(0).asText(), status.out());
        assertTrue(b.cli("", "status").out().contains("flapping:   sensor-clock.json: its signal changed on every recent beat; move the volatile part"));
        b.profile.sensor("clock", "echo '{\"signal\":{\"n\":\"steady\"}}'");
        b.profile.clock.advanceSeconds(60);
        b.beat();
        b.profile.clock.advanceSeconds(60);
        b.beat();
        assertEquals(List.of(), new Recall(b.profile.paths, b.profile.clock).flapping(3), "a steady signal ends it");
    }

    @Test
    void eventsAndTickLogRotateAtTheirSizeAndTheJournalNever() throws Exception {
        Beats b = new Beats(dir, NOOP);
        config(b, "\"rotate_bytes\":1000");
        String big = "x".repeat(1500) + "\n";
        b.profile.write("events.jsonl", big);
        b.profile.write("tick.log", big);
        b.profile.write("journal.md", "- 2026-11-23 11:00 " + "y".repeat(5000) + "\n");
        b.beat();
        assertEquals(big, b.profile.read("events.jsonl.1"));
        assertEquals(big, b.profile.read("tick.log.1"));
        assertTrue(Files.size(dir.resolve("events.jsonl")) < 1000, "a new events.jsonl began");
        assertTrue(b.profile.read("journal.md").startsWith("- 2026-11-23 11:00 yyy"), "the journal is never rotated");
        assertFalse(Files.exists(dir.resolve("journal.md.1")));
    }
}
