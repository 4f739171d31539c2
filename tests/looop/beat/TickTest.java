package looop.beat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import looop.Beats;
import looop.RecordingSessions;
import looop.gate.Backoff;
import looop.gate.Budget;
import looop.io.Fs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real beats against the real offline runner, one per branch of SPEC.md's "One beat". */
class TickTest {
    @TempDir Path dir;
    @TempDir Path marks;

    static final String NOOP = "{\"action\":\"noop\",\"reason\":\"quiet\",\"journal\":\"nothing to do\"}";
    static final String NOTE = "{\"action\":\"send_notification\",\"message\":\"hello\"}";

    @Test
    void successCommitsHashJournalsAndMeters() {
        Beats b = new Beats(dir, NOOP);
        Tick.Outcome o = b.beat();
        assertEquals(Tick.Outcome.Result.ACTED, o.result());
        assertEquals(1, b.runnerCalls());
        assertTrue(b.journal().matches("- 2026-11-23 12:00 nothing to do\n"), b.journal());
        String committed = b.profile.read(".last-tick-hash").trim();
        assertEquals(32, committed.length());
        assertEquals(b.tick().hash(new Tick.Sensed(b.tick().readingsOnDisk())).hash(), committed);
        assertNull(b.profile.read(".tick-backoff"));
        assertNull(b.profile.read(".decision.json"), "the decision file is consumed");
        assertEquals(0.002, new Budget(b.profile.paths.costLedger(), b.profile.paths.unmetered(), b.profile.clock).costOf(o.runId()), 1e-12);
        assertTrue(Files.isRegularFile(b.profile.dir.resolve("runs/" + o.runId() + "/prompt.md")));
        assertTrue(Files.isRegularFile(b.profile.dir.resolve("runs/" + o.runId() + "/output.log")));
        assertEquals(java.util.List.of("tick_start", "sense_done", "decide_start", "decided"), b.events());
    }

    @Test
    void unchangedWorldNeverCallsTheRunner() {
        Beats b = new Beats(dir, NOOP, NOOP);
        b.beat();
        Tick.Outcome second = b.beat();
        assertEquals(Tick.Outcome.Result.SKIPPED, second.result());
        assertEquals("world_unchanged", second.reason());
        assertEquals(1, b.runnerCalls(), "a skipped beat must not start the runner");
        assertTrue(b.events().contains("world_unchanged"));
        assertEquals(1, b.journal().lines().count());
    }

    @Test
    void goalEditWakesTheLoop() {
        Beats b = new Beats(dir, NOOP, NOOP);
        b.beat();
        b.profile.write("goals/alpha.md", "alpha goal, edited\n");
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result());
        assertEquals(2, b.runnerCalls());
    }

    @Test
    void detailOnlyChangeDoesNotWakeButSignalChangeDoes() {
        Beats b = new Beats(dir, NOOP, NOOP);
        b.profile.write("counter", "1");
        b.profile.write("mode", "a");
        b.profile.sensor("probe", "printf '{\"signal\":{\"mode\":\"%s\"},\"detail\":{\"n\":%s}}' \"$(cat mode)\" \"$(cat counter)\"");
        b.beat();
        b.profile.write("counter", "2");
        assertEquals("world_unchanged", b.beat().reason());
        b.profile.write("mode", "b");
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result());
        assertEquals(2, b.runnerCalls());
    }

    @Test
    void forceReDecidesAnUnchangedWorld() {
        Beats b = new Beats(dir, NOOP, NOTE);
        b.beat();
        Tick.Outcome forced = b.tick().beat(true);
        assertEquals(Tick.Outcome.Result.ACTED, forced.result());
        assertEquals(2, b.runnerCalls());
    }

    @Test
    void noDecisionBacksOffOnTheClockAndLeavesHashUncommitted() {
        Beats b = new Beats(dir, "!nodecision", "!nodecision", NOOP);
        Tick.Outcome first = b.beat();
        assertEquals(Tick.Outcome.Result.FAILED, first.result());
        assertEquals("no_decision", first.reason());
        assertNull(b.profile.read(".last-tick-hash"));
        assertEquals(1, new Backoff(b.profile.paths.backoff(), b.profile.clock).read().fails());

        Tick.Outcome held = b.beat();
        assertEquals("backoff", held.reason());
        assertEquals(1, b.runnerCalls(), "inside the window the runner is not called");
        assertTrue(b.events().contains("tick_backoff"));

        b.profile.clock.advanceSeconds(60);
        assertEquals("no_decision", b.beat().reason());
        assertEquals(2, new Backoff(b.profile.paths.backoff(), b.profile.clock).read().fails());
        b.profile.clock.advanceSeconds(119);
        assertEquals("backoff", b.beat().reason());
        b.profile.clock.advanceSeconds(1);
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result());
        assertNull(b.profile.read(".tick-backoff"), "success clears the backoff");
        assertEquals(1, b.journal().lines().count(), "only the successful move is journaled");
    }

    @Test
    void badDecisionIsAFailureWithoutJournal() {
        Beats b = new Beats(dir, "this is not json");
        Tick.Outcome o = b.beat();
        assertEquals("bad_decision", o.reason());
        assertTrue(o.message().contains("not JSON"), o.message());
        assertEquals("", b.journal());
        assertNull(b.profile.read(".decision.json"));
        assertNull(b.profile.read(".last-tick-hash"));
        assertTrue(b.events().contains("tick_failed"));
    }

    @Test
    void failedMoveIsAFailureWithoutJournal() {
        Beats b = new Beats(dir, "{\"action\":\"archive_goal\",\"id\":\"no-such-goal\"}");
        Tick.Outcome o = b.beat();
        assertEquals("move_failed", o.reason());
        assertEquals("", b.journal());
        assertNull(b.profile.read(".last-tick-hash"));
        assertNotNull(b.profile.read(".tick-backoff"));
    }

    @Test
    void aWorkerMoveReachesTheEngineOnceAndCommitsTheWorld() {
        Beats b = new Beats(dir, "{\"action\":\"start_worker\",\"id\":\"looop-w1\",\"prompt\":\"do it\"}");
        RecordingSessions engine = new RecordingSessions();
        Tick.Outcome o = new Tick(b.profile.paths, b.profile.clock, engine, b.log).beat(false);
        assertEquals(Tick.Outcome.Result.ACTED, o.result(), o.message());
        assertEquals("start_worker", o.reason());
        assertEquals(java.util.List.of("start w1 do it"), engine.calls, "the bare id and the brief, once");
        assertEquals("- 2026-11-23 12:00 start_worker w1\n", b.journal());
        assertNotNull(b.profile.read(".last-tick-hash"), "the world the move acted on is committed");
        assertTrue(b.profile.read(".goal-activity.json").contains("\"w1\""), "a worker move is attention to its goal");
    }

    @Test
    void aWorkerMoveTheEngineRefusesIsAFailedMoveThatBacksOff() {
        Beats b = new Beats(dir, "{\"action\":\"start_worker\",\"id\":\"w1\",\"prompt\":\"do it\"}");
        Tick.Outcome o = b.beat(); // Beats' engine has no terminals: every worker move fails
        assertEquals(Tick.Outcome.Result.FAILED, o.result());
        assertEquals("move_failed", o.reason());
        assertTrue(o.message().startsWith("move failed: start_worker w1: "), o.message());
        assertEquals("", b.journal());
        assertNull(b.profile.read(".last-tick-hash"));
        assertEquals(1, new Backoff(b.profile.paths.backoff(), b.profile.clock).read().fails());
    }

    @Test
    void runnerCrashIsAFailure() {
        Beats b = new Beats(dir, "!exit 3");
        Tick.Outcome o = b.beat();
        assertEquals("runner_failed", o.reason());
        assertTrue(o.message().contains("exited 3"), o.message());
    }

    @Test
    void dailyBudgetStopsTheRunner() {
        Beats b = new Beats(dir, NOOP);
        b.config("{\"default\":\"offline\",\"max_daily_usd\":0.001,\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl\"" + b.offlineGrant() + "}}}");
        new Budget(b.profile.paths.costLedger(), b.profile.paths.unmetered(), b.profile.clock).record("session", "w", "pi", 0.002);
        Tick.Outcome o = b.beat();
        assertEquals("budget", o.reason());
        assertEquals(0, b.runnerCalls());
        assertTrue(b.events().contains("budget_exceeded"));
        b.profile.clock.advanceSeconds(24 * 3600);
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result(), "a new local day resets the cap");
    }

    @Test
    void unmeteredRunnerTripsTheBreakerAfterThreeRuns() {
        Beats b = new Beats(dir, Map.of(), "--cost 0", NOOP, NOOP, NOOP, NOOP);
        b.config("{\"default\":\"offline\",\"max_daily_usd\":5,\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl --cost 0\"" + b.offlineGrant() + "}}}");
        for (int i = 0; i < 3; i++) assertEquals(Tick.Outcome.Result.ACTED, b.tick().beat(true).result());
        Tick.Outcome blocked = b.tick().beat(true);
        assertEquals("unmetered", blocked.reason());
        assertEquals(3, b.runnerCalls());
        assertTrue(b.events().contains("budget_unmetered"));
        b.config("{\"default\":\"offline\",\"max_daily_usd\":5,\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl --cost 0\"" + b.offlineGrant() + ","
                + "\"cost\":{\"type\":\"message_end\",\"pointer\":\"/message/usage/cost/total\",\"mode\":\"sum\"}}}}");
        assertEquals(Tick.Outcome.Result.ACTED, b.tick().beat(true).result(), "a new runner signature gets a fresh try");
    }

    @Test
    void nudgeIsCarriedOnTheMove() {
        Beats b = new Beats(dir, "{\"action\":\"noop\",\"next_interval_s\":1}");
        assertEquals(5, b.beat().nextIntervalS());
    }

    @Test
    void oldRunsArePruned() {
        Beats b = new Beats(dir, Map.of("LOOOP_RUNS_KEEP", "2"), "", NOOP, NOOP, NOOP);
        for (int i = 0; i < 3; i++) {
            b.tick().beat(true);
            b.profile.clock.advanceSeconds(1);
        }
        assertEquals(2, Fs.listDirs(b.profile.paths.runs()).size());
    }

    @Test
    void deadClaimsAreReapedEachBeat() {
        Beats b = new Beats(dir, NOOP);
        b.profile.write("claims/deploy.json", "{\"session\":\"gone\",\"name\":\"deploy\"}");
        b.beat();
        assertFalse(Files.exists(b.profile.dir.resolve("claims/deploy.json")));
        assertTrue(b.events().contains("claim_reaped"));
    }

    @Test
    void firstBeatSeedsAndExportsLooopBin() {
        Beats b = new Beats(dir, NOOP);
        b.beat();
        assertTrue(Files.isExecutable(b.profile.paths.bin()));
        for (String d : new String[] {"snapshots", "reports", "claims", "runs"}) assertTrue(Files.isDirectory(dir.resolve(d)), d);
    }

    @Test
    void sensorConcurrencyFromLooopJsonReachesTheSensors() {
        Beats b = new Beats(dir, NOOP);
        // the sensors leave their marks where a person's sandbox.write grants them (a sensor writes nothing else)
        b.config("{\"default\":\"offline\",\"sensor_concurrency\":1,\"sandbox\":{\"write\":[" + looop.io.Json.quote(marks.toString()) + "]},"
                + "\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl\"" + b.offlineGrant() + "}}}");
        for (String name : new String[] {"c", "a", "b"}) b.profile.sensor(name, "echo " + name + " >> " + marks.resolve("order") + "; echo '{}'");
        b.beat();
        assertEquals("a\nb\nc\n", looop.io.Fs.readOrNull(marks.resolve("order")), "one at a time, in name order");
    }
}
