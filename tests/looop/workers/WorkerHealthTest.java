package looop.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import looop.GitFixture;
import looop.TmuxTestBase;
import looop.act.Decision;
import looop.act.Executor;
import looop.beat.Tick;
import looop.human.WorkerHealth;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.sense.Sensors;
import org.junit.jupiter.api.Test;

/** Worker health, kill_worker and verify, on real tmux workers; time moves only on the profile's clock. */
class WorkerHealthTest extends TmuxTestBase {

    @Test
    void healthFollowsTheScreenOnTheInjectedClockAndOnlyStuckAndAskingEnterTheSignal() {
        profile("bash -c 'echo ready; read line; echo got:$line; sleep 600'");
        t.sessions.start("w1", "wait for a line", null);
        t.awaitOutput("w1", "ready");
        new SessionView(t.profile.paths).waitIdle("w1", Duration.ofMillis(300), Duration.ofSeconds(60));
        WorkerHealth health = new WorkerHealth(t.profile.paths, t.sessions, t.profile.clock, Duration.ofMinutes(15));

        assertEquals(Health.BUSY, health(health, "w1"), "the first look only starts the clock");
        String busySignal = sessionsSignal();
        assertFalse(busySignal.contains("health"), busySignal);

        t.profile.clock.advanceSeconds(61);
        assertEquals(Health.IDLE, health(health, "w1"));
        assertEquals(busySignal, sessionsSignal(), "busy and idle never change the signal: pausing does not wake the loop");

        t.profile.clock.advanceSeconds(15 * 60);
        assertEquals(Health.STUCK, health(health, "w1"));
        String stuck = sessionsSignal();
        assertTrue(stuck.contains("\"health\":\"stuck\""), stuck);
        assertEquals(stuck, sessionsSignal(), "stuck stays stuck: it wakes the loop once");
        JsonNode ls = Json.parseOrNull(t.cli("--json", "ls").out());
        assertEquals("stuck", ls.path("sessions").get(0).path("health").asText(), ls.toString());
        assertTrue(t.cli("status").out().contains("w1 running, stuck"), t.cli("status").out());
        assertTrue(Files.isRegularFile(SessionFiles.of(t.profile.paths, "w1").screen()), "the looks are on file, for the next process");

        t.sessions.send("w1", "hello", true);
        t.awaitOutput("w1", "got:hello");
        assertEquals(Health.BUSY, health(health, "w1"), "a changed screen is busy again");
        assertFalse(sessionsSignal().contains("health"));

        t.sessions.flag("w1", "which db?");
        t.profile.clock.advanceSeconds(3600);
        assertEquals(Health.ASKING, health(health, "w1"), "waiting for a person is asking, however long the screen is still");
        assertTrue(sessionsSignal().contains("\"health\":\"asking\""));
        assertTrue(t.cli("ls").out().matches("(?s).*w1\\s+running\\s+asking\\s+⚑ which db\\?.*"), t.cli("ls").out());
    }

    @Test
    void stuckAfterIsAKnobInConfigAndEnvironment() {
        assertEquals(Config.DEFAULT_STUCK_AFTER, Config.parse("{}", dir.resolve("looop.json")).stuckAfter());
        assertEquals(120, Config.parse("{\"stuck_after\":120}", dir.resolve("looop.json")).stuckAfter());
        UserError e = assertThrows(UserError.class, () -> Config.parse("{\"stuck_after\":0}", dir.resolve("looop.json")));
        assertTrue(e.getMessage().contains("\"stuck_after\" must be a whole number from 1"), e.getMessage());

        profile("bash -c 'echo ready; sleep 600'", Map.of("LOOOP_STUCK_AFTER", "120"));
        t.sessions.start("w1", "idle", null);
        t.awaitOutput("w1", "ready");
        new SessionView(t.profile.paths).waitIdle("w1", Duration.ofMillis(300), Duration.ofSeconds(60));
        WorkerHealth health = WorkerHealth.of(t.profile.paths, t.sessions, t.profile.clock, Config.load(t.profile.paths));
        health(health, "w1");
        t.profile.clock.advanceSeconds(121);
        assertEquals(Health.STUCK, health(health, "w1"), "LOOOP_STUCK_AFTER wins over the default");
    }

    @Test
    void killWorkerEndsALiveWorkerReleasesItsClaimsAndIsAFailedMoveForADeadOne() {
        profile("bash -c 'echo up; sleep 600'");
        t.sessions.start("w1", "work", null);
        t.awaitOutput("w1", "up");
        Claims claims = new Claims(t.profile.paths, t.sessions);
        assertTrue(claims.claim("repo-x", "w1"));
        Executor exec = new Executor(t.profile.paths, t.sessions, t.profile.clock, Config.load(t.profile.paths));

        Executor.Done done = exec.act(Decision.parse("{\"action\":\"kill_worker\",\"id\":\"w1\"}"));
        assertTrue(done.journalLine().contains("kill_worker w1"), done.journalLine());
        assertEquals("killed", t.info("w1").state().word());
        assertFalse(t.sessions.tmux().has("w1"), "its terminal is gone");
        assertNull(claims.holder("repo-x"), "its claim is released");

        UserError again = assertThrows(UserError.class, () -> exec.act(Decision.parse("{\"action\":\"kill_worker\",\"id\":\"w1\"}")));
        assertEquals("kill_worker w1: worker w1 is not alive; nothing to end (sys-sessions says how it ended)", again.getMessage());
        UserError unknown = assertThrows(UserError.class, () -> exec.act(Decision.parse("{\"action\":\"kill_worker\",\"id\":\"w7\"}")));
        assertTrue(unknown.getMessage().startsWith("kill_worker w7: no worker w7"), unknown.getMessage());
    }

    @Test
    void verifyRunsOnceAfterTheWorkerExitsAndItsVerdictEntersTheSignalAndThePrompt() {
        // a verify runs as a run_shell does: it may write reports/ only
        profile("bash -c 'echo done; exit 0'");
        Executor exec = new Executor(t.profile.paths, t.sessions, t.profile.clock, Config.load(t.profile.paths));
        exec.act(Decision.parse("{\"action\":\"start_worker\",\"id\":\"w1\",\"prompt\":\"write the report\","
                + "\"verify\":\"echo checking in $(pwd); echo ran >> reports/verify-runs; test -s reports/w1.md\"}"));
        t.awaitState("w1", "exited");

        Tick tick = new Tick(t.profile.paths, t.profile.clock, t.sessions, new looop.io.Log(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), t.profile.clock, false, false));
        List<Sensors.Reading> readings = tick.sense().readings();
        Verify.Result r = Verify.read(t.profile.paths, "w1");
        assertEquals(1, r.exitCode(), "test -s failed: the worker exited 0 but wrote nothing");
        assertFalse(r.passed());
        assertEquals("checking in " + t.profile.paths.data, r.output(), "run in the data dir: the worker has no worktree");
        JsonNode sys = Json.parseOrNull(readings.stream().filter(x -> x.file().equals("sys-sessions.json")).findFirst().orElseThrow().text());
        assertEquals("failed", sys.path("signal").path("sessions").get(0).path("verify").asText(), sys.toString());
        assertEquals(1, sys.path("detail").path("verify").path("w1").path("exit_code").asInt(), sys.toString());

        t.profile.write("reports/w1.md", "the report\n");
        tick.sense();
        assertEquals("ran\n", Fs.readOrNull(t.profile.paths.data.resolve("reports/verify-runs")), "at most once: a result on file is never run again");
        assertFalse(Verify.read(t.profile.paths, "w1").passed());
    }

    @Test
    void aVerifyCutOffByACrashIsRecordedAsFailedAndNeverRunAgainAndOneThatPassesSaysSo() {
        profile("bash -c 'echo done; exit 0'");
        t.sessions.start("w1", "a", null, null, null, "echo ran >> reports/w1-runs");
        t.sessions.start("w2", "b", null, null, null, "echo all good");
        t.awaitState("w1", "exited");
        t.awaitState("w2", "exited");
        // what a crash after the claim leaves: the claim, and nobody holding the verify lock
        Fs.writeAtomic(SessionFiles.of(t.profile.paths, "w1").verify(), "{\"state\":\"running\",\"started_unix\":1}\n");

        List<String> ran = new Verify(t.profile.paths, t.sessions, t.profile.clock).runDue(Config.load(t.profile.paths));
        assertEquals(List.of("w1", "w2"), ran);
        Verify.Result cut = Verify.read(t.profile.paths, "w1");
        assertFalse(cut.passed());
        assertNull(cut.exitCode());
        assertTrue(cut.output().contains("not run again"), cut.output());
        assertFalse(Files.exists(t.profile.paths.data.resolve("reports/w1-runs")), "the cut-off verify did not run a second time");
        Verify.Result ok = Verify.read(t.profile.paths, "w2");
        assertTrue(ok.passed());
        assertEquals(0, ok.exitCode());
        assertEquals("all good", ok.output());
        assertEquals(List.of(), new Verify(t.profile.paths, t.sessions, t.profile.clock).runDue(Config.load(t.profile.paths)));
    }

    @Test
    void aVerifyRunsInTheWorkersWorktreeAndTheGateStillHoldsAtRunTime() throws Exception {
        profile("bash -c 'echo done; exit 0'");
        Path repo = GitFixture.repo(dir.resolve("repo"));
        t.sessions.start("w1", "a", null, repo, null, "pwd; git log --oneline | wc -l");
        t.sessions.start("w2", "b", null, null, null, "git push --force origin main");
        t.awaitState("w1", "exited");
        t.awaitState("w2", "exited");
        new Verify(t.profile.paths, t.sessions, t.profile.clock).runDue(Config.load(t.profile.paths));

        Verify.Result inTree = Verify.read(t.profile.paths, "w1");
        Path worktree = looop.workers.WorkerRepos.read(t.profile.paths, "w1").path();
        assertEquals(worktree + "\n1", inTree.output());
        Verify.Result refused = Verify.read(t.profile.paths, "w2");
        assertFalse(refused.passed());
        assertNull(refused.exitCode(), "never ran");
        assertTrue(refused.output().startsWith("refused by the run_shell gate"), refused.output());
    }

    private Health health(WorkerHealth h, String id) {
        return h.look(t.sessions.list()).get(id);
    }

    private String sessionsSignal() {
        String text = new Sensors(t.profile.paths, t.sessions, t.profile.clock, looop.profile.Config.load(t.profile.paths)).senseAll().stream()
                .filter(r -> r.file().equals("sys-sessions.json")).findFirst().orElseThrow().text();
        return Json.parseOrNull(text).path("signal").toString();
    }
}
