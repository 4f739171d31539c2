package looop.workers;

import static looop.Checks.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import looop.Needs;
import looop.TestProfile;
import looop.TmuxProfile;
import looop.TmuxTestBase;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.sense.Sensors;
import org.junit.jupiter.api.Test;

/** The tmux engine driving real sessions that run small shell programs. */
class TmuxSessionsTest extends TmuxTestBase {
    /**
     * Reads the terminal raw and writes one line per read() to reports/keys.txt
     * (its working directory is the data dir, where a sandboxed worker may write
     * reports/): the time in ms, then the bytes in hex. One tight
     * process (perl's sysread), so read boundaries are the writes that
     * arrived, not the pace of a shell loop.
     */
    static final String KEY_READER = "stty raw -echo; echo ready; exec perl -MTime::HiRes=time -e '$|=1; "
            + "open(my $f, \">>\", \"reports/keys.txt\") or die; $f->autoflush(1); while (sysread(STDIN, my $b, 256)) { "
            + "printf $f \"%d %s\\n\", time * 1000, join(\" \", map { sprintf \"%02x\", ord } split //, $b) }'";

    /** A profile whose worker is KEY_READER, whose perl needs Time::HiRes (perl-base alone lacks it). */
    private void keyReader() {
        Needs.works("perl with Time::HiRes", "apt-get install perl", "perl", "-MTime::HiRes", "-e", "1");
        profile(KEY_READER);
    }

    /** Says it is up, then waits for one line and exits 3 after echoing it. */
    static final String READ_ONE = "bash -c 'echo up; read line; echo got:$line; exit 3'";

    /** A worker an older looop started, its server on the old socket sessions/.tmux.sock, is still found after an upgrade. */
    @Test
    void aServerOnTheOldSocketIsAdoptedAcrossAnUpgrade() throws Exception {
        profile(READ_ONE);
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "up");
        java.nio.file.Path now = t.sessions.tmux().socket();
        java.nio.file.Path old = t.profile.paths.sessions().resolve(".tmux.sock");
        java.nio.file.Files.move(now, old); // as the older looop left it
        assertEquals("running", t.info("w1").state().word(), "found again at the new place");
        assertTrue(java.nio.file.Files.exists(now) && !java.nio.file.Files.exists(old));
        t.sessions.steer("w1", "hi");
        t.awaitOutput("w1", "got:hi");
    }

    @Test
    void startCapturesTheFirstLineInTheDataDirWithLooopsEnvironment() throws Exception {
        profile("bash -c 'echo first-line; echo id=$LOOOP_SESSION_ID bin=$LOOOP_BIN mark=$LOOOP_TEST_MARK; pwd; "
                + "head -1 {{prompt_file}}; read x'", Map.of("LOOOP_TEST_MARK", "from-looop"));
        t.sessions.start("w1", "Fix the flaky test.", null);

        String out = t.awaitOutput("w1", "# looop worker contract");
        assertTrue(out.startsWith("first-line"), "capture is on before the command prints: " + out);
        assertTrue(out.contains("id=w1 bin=" + t.profile.paths.bin() + " mark=from-looop"), out);
        assertTrue(out.contains("\n" + dir + "\r"), "runs in the data dir: " + out);
        assertTrue(Files.isExecutable(t.profile.paths.bin()), "$LOOOP_BIN exists for the worker to call");
        assertEquals("running", t.info("w1").state().word());

        String brief = t.profile.read("prompts/w1.md");
        assertEquals(WorkerContract.text("w1", "t") + "\n\nFix the flaky test.\n", brief);
        for (String rule : List.of("ask \"$LOOOP_SESSION_ID\"", "_ cost session w1 t", "_ kill w1", "_ claim", "_ unclaim",
                "notifications", "PLAYBOOK.md", "worktree", "reports/")) {
            assertTrue(brief.contains(rule), "the contract covers " + rule);
        }
        JsonNode meta = Json.parse(t.profile.read("sessions/w1/meta.json"));
        assertEquals("t", meta.get("runner").asText());
        assertEquals(dir.resolve("prompts/w1.md").toString(), meta.get("prompt_file").asText());
        assertTrue(meta.get("command").asText().contains("'" + dir.resolve("prompts/w1.md") + "'"), "{{prompt_file}} substituted");
    }

    @Test
    void exitCodeIsRecordedAndTheTerminalGoes() {
        profile(READ_ONE);
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "up");
        t.sessions.steer("w1", "bye");

        Sessions.Info done = t.awaitState("w1", "exited");
        assertEquals(3, done.exitCode());
        assertTrue(t.output("w1").contains("got:bye"));
        TmuxProfile.awaitTrue(() -> !t.sessions.tmux().has("w1"), () -> "remain-on-exit off: the session goes");
    }

    @Test
    void aCommandThatExitsAtOnceIsExitedWithItsCode() {
        profile("bash -c 'echo bye; exit 7'");
        t.sessions.start("w1", "task", null);
        assertEquals(7, t.awaitState("w1", "exited").exitCode());
        assertTrue(t.output("w1").startsWith("bye"));
    }

    @Test
    void pulseAndBadIdsAreRefusedWithOneLineAndNoFiles() {
        profile(READ_ONE);
        for (String id : List.of("pulse", "looop-pulse")) {
            UserError e = assertThrows(UserError.class, () -> t.sessions.start(id, "task", null));
            assertTrue(e.getMessage().contains("looop watch pulse"), e.getMessage());
        }
        for (String id : List.of("a/b", "..", ".hidden", "a.b", "a:b", "x#y", "")) {
            UserError e = assertThrows(UserError.class, () -> t.sessions.start(id, "task", null), id);
            assertOneLine(e.getMessage());
            assertEquals(1, e.exitCode());
        }
        assertFalse(Files.exists(dir.resolve("prompts")));
        assertEquals(List.of(), t.sessions.list());
    }

    @Test
    void aLiveIdIsRefusedAndADeadOneIsReusedFresh() {
        profile("bash -c 'echo run-of-$(tail -1 {{prompt_file}}); read line; echo got:$line; exit 3'");
        t.sessions.start("w1", "first task", null);
        t.awaitOutput("w1", "run-of-first task");
        UserError live = assertThrows(UserError.class, () -> t.sessions.start("w1", "second task", null));
        assertEquals("session w1 is running; steer it with `looop send w1 …` or stop it with `looop _ kill w1`", live.getMessage());

        t.sessions.flag("w1", "a question");
        t.sessions.steer("w1", "bye");
        t.awaitState("w1", "exited");

        t.sessions.start("w1", "second task", null);
        String out = t.awaitOutput("w1", "run-of-second task");
        assertFalse(out.contains("first task"), "the old output is gone: " + out);
        Sessions.Info fresh = t.info("w1");
        assertEquals("running", fresh.state().word());
        assertNull(fresh.exitCode());
        assertNull(fresh.note());
        assertTrue(t.profile.read("prompts/w1.md").endsWith("\n\nsecond task\n"));
    }

    @Test
    void killIsRecordedAndKeptOverTheWrappersExit() {
        profile(READ_ONE);
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "up");
        t.sessions.kill("w1");

        assertFalse(t.sessions.tmux().has("w1"));
        TmuxProfile.sleep(200); // room for a wrapper that wrongly records an exit after all
        Sessions.Info killed = t.info("w1");
        assertEquals("killed", killed.state().word());
        assertNull(killed.exitCode());
        t.sessions.kill("w1"); // already over: nothing to do, no error
        assertEquals("killed", t.info("w1").state().word());
    }

    @Test
    void aServerKilledFromOutsideLeavesKilledSessionsAndNothingHangs() {
        profile(READ_ONE);
        t.sessions.start("w1", "task", null);
        t.sessions.start("w2", "task", null);
        t.awaitOutput("w2", "up");
        t.sessions.steer("w1", "done"); // w1 ends by itself first: exited 3 must survive the reconcile
        t.awaitState("w1", "exited");
        assertTrue(t.tmux("kill-server").ok());

        List<Sessions.Info> after = t.sessions.list();
        assertEquals(List.of(new Sessions.Info("w1", SessionState.EXITED, 3, null), new Sessions.Info("w2", SessionState.KILLED, null, null)), after);
        assertEquals("killed\n", t.profile.read("sessions/w2/state"), "written, so the next read is stable");
        assertFalse(t.sessions.isAlive("w2"));
        UserError e = assertThrows(UserError.class, () -> t.sessions.steer("w2", "hello"));
        assertEquals("session w2 is not running (killed); run it again with `looop restart w2`", e.getMessage());
    }

    /**
     * A tmux client that fails for its own reasons (a loaded machine, a fork
     * that failed) says nothing about the server: with the server still
     * listening, the workers read as they were recorded, never killed.
     */
    @Test
    void aTmuxThatFailsWhileItsServerListensKillsNoWorker() throws Exception {
        profile(READ_ONE);
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "up");
        java.nio.file.Path bin = java.nio.file.Files.createDirectories(dir.resolve("failing-bin"));
        java.nio.file.Path fake = bin.resolve("tmux");
        java.nio.file.Files.writeString(fake, "#!/bin/sh\necho 'fork failed: Resource temporarily unavailable' >&2\nexit 1\n");
        fake.toFile().setExecutable(true);
        TmuxSessions failing = new TmuxSessions(new TestProfile(dir, Map.of("PATH", bin + ":" + System.getenv("PATH"))).paths);

        assertEquals(List.of(new Sessions.Info("w1", SessionState.RUNNING, null, null)), failing.list());
        assertEquals(SessionState.Liveness.UNKNOWN, failing.tmux().liveness("w1"));
        assertEquals("running", t.info("w1").state().word(), "and the real tmux still finds it");

        assertTrue(t.tmux("kill-server").ok());
        // kill-server returns before the server has let go of its socket: for that moment tmux cannot say
        TmuxProfile.awaitTrue(() -> failing.tmux().liveness("w1") == SessionState.Liveness.GONE,
                () -> "no server listens: gone, whatever the client said; was " + failing.tmux().liveness("w1"));
        assertEquals(List.of(new Sessions.Info("w1", SessionState.KILLED, null, null)), failing.list());
    }

    @Test
    void steerTypesTheTextThenPressesEnterAsASeparateWrite() {
        keyReader();
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "ready");

        t.sessions.steer("w1", "hello");
        List<Read> reads = awaitBytes("68 65 6c 6c 6f 0d");
        Read enter = reads.get(reads.size() - 1);
        assertEquals("0d", enter.hex(), "Enter arrives in a read of its own: " + reads);
        // no check of the pause's length: on a busy machine the text itself can reach the reader late

        // the control: text and Enter in one tmux call reach the program in one read, which TUIs drop
        t.tmux("send-keys", "-t", Tmux.paneTarget("w1"), "h", "i", "Enter");
        List<Read> control = awaitBytes("68 65 6c 6c 6f 0d 68 69 0d");
        assertEquals("68 69 0d", control.get(control.size() - 1).hex());
    }

    @Test
    void keyNamesReachTheProgramAsTheirBytes() {
        keyReader();
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "ready");

        t.sessions.sendKeys("w1", List.of("Up", "c-c", "Esc", "F1", "Tab", "BSpace", "Enter", "Space", "PageUp", "PageDown",
                "Delete", "Insert", "Home", "End", "C-d", "M-x", "F12", ";", "x"));
        awaitBytes("1b 5b 41 03 1b 1b 4f 50 09 7f 0d 20 1b 5b 35 7e 1b 5b 36 7e 1b 5b 33 7e 1b 5b 32 7e 1b 5b 31 7e "
                + "1b 5b 34 7e 04 1b 78 1b 5b 32 34 7e 3b 78");
    }

    /** Every byte the reader got, in order, whatever the read boundaries. */
    private static String bytes(Path keys) {
        return String.join(" ", reads(keys).stream().map(Read::hex).toList());
    }

    /** One read() of the key reader: when (ms) and what (hex bytes). */
    record Read(long ms, String hex) {}

    private static List<Read> reads(Path keys) {
        return Fs.readOr(keys, "").lines().map(l -> l.split(" ", 2)).filter(p -> p.length == 2)
                .map(p -> new Read(Long.parseLong(p[0]), p[1].strip())).toList();
    }

    /** Waits until the key reader got as many bytes as expected, checks they are exactly those, returns its reads. */
    private List<Read> awaitBytes(String expected) {
        Path keys = dir.resolve("reports/keys.txt");
        TmuxProfile.awaitTrue(() -> bytes(keys).length() >= expected.length(), () -> "'" + expected + "' in keys.txt: " + Fs.readOr(keys, ""));
        assertEquals(expected, bytes(keys));
        return reads(keys);
    }

    @Test
    void keyNamesMapToTmuxNamesAndUnknownOnesAreRefusedBeforeAnyIsSent() {
        Map<String, String> names = Map.ofEntries(Map.entry("Enter", "Enter"), Map.entry("esc", "Escape"), Map.entry("ESCAPE", "Escape"),
                Map.entry("PageUp", "PPage"), Map.entry("PgDn", "NPage"), Map.entry("Delete", "DC"), Map.entry("Insert", "IC"),
                Map.entry("Backspace", "BSpace"), Map.entry("f12", "F12"), Map.entry("C-c", "C-c"), Map.entry("m-Up", "M-Up"),
                Map.entry("C-M-x", "C-M-x"), Map.entry("y", "y"), Map.entry("Space", "Space"));
        names.forEach((friendly, tmux) -> assertEquals(tmux, Tmux.keyName(friendly), friendly));
        for (String bad : List.of("Foo", "F13", "C-", "hello", " ", "\t", "")) {
            UserError e = assertThrows(UserError.class, () -> Tmux.keyName(bad), bad);
            assertOneLine(e.getMessage());
            assertTrue(e.getMessage().contains("Enter, Tab, Esc"), "lists examples: " + e.getMessage());
        }
        keyReader();
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "ready");
        assertThrows(UserError.class, () -> t.sessions.sendKeys("w1", List.of("x", "Bogus")));
        TmuxProfile.sleep(200);
        assertEquals("", Fs.readOr(dir.resolve("reports/keys.txt"), "").strip(), "nothing was pressed");
    }

    @Test
    void ctrlCEndsTheCommandButTheWrapperRecordsItsExit() {
        profile("bash -c 'echo up; sleep 30'");
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "up");
        t.sessions.sendKeys("w1", List.of("C-c"));
        assertEquals(130, t.awaitState("w1", "exited").exitCode());
    }

    @Test
    void aFlagNoteShowsOnlyWhileTheWorkerIsAlive() {
        profile(READ_ONE);
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "up");
        t.sessions.flag("w1", "which\ndatabase?");
        assertEquals("which ⏎ database?", t.info("w1").note(), "one line");
        assertEquals("[{\"exit_code\":null,\"health\":\"asking\",\"id\":\"w1\",\"note\":\"which ⏎ database?\",\"state\":\"running\"}]", sysSessions());

        t.sessions.unflag("w1");
        assertNull(t.info("w1").note());
        t.sessions.flag("w1", "  ");
        assertEquals("needs attention", t.info("w1").note());

        t.sessions.steer("w1", "x");
        t.awaitState("w1", "exited");
        assertEquals("[{\"exit_code\":3,\"id\":\"w1\",\"state\":\"exited\"}]", sysSessions(), "a dead worker cannot answer");
    }

    @Test
    void sysSessionsDoesNotChangeWhileAWorkerPrintsAndNeverReadsTheLog() throws Exception {
        profile("bash -c 'while :; do echo tick $RANDOM; sleep 0.01; done'");
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "tick");
        String first = sysSessions();
        Path log = dir.resolve("sessions/w1/output.log");
        long size = sizeOf(log);
        TmuxProfile.awaitTrue(() -> sizeOf(log) > size, () -> "more output");
        assertEquals(first, sysSessions());

        // a FIFO with no writer blocks whoever opens it: reading sessions must never get stuck there
        t.sessions.kill("w1");
        Files.delete(log);
        assertEquals(0, new ProcessBuilder("mkfifo", log.toString()).start().waitFor());
        t.sessions.start("w2", "task", null);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            t.sessions.list();
            sysSessions();
        }, "listing sessions opened a worker's output.log");
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** The signal of the sys-sessions reading a beat would take now. */
    private String sysSessions() {
        Sensors.Reading r = new Sensors(t.profile.paths, t.sessions, t.profile.clock, looop.profile.Config.load(t.profile.paths)).senseAll().stream()
                .filter(x -> x.file().equals("sys-sessions.json")).findFirst().orElseThrow();
        return Json.canonical(Json.parseOrNull(r.text()).get("signal").get("sessions"));
    }

    @Test
    void restartRespawnsALiveSessionAndRevivesAFinishedOne() {
        profile(READ_ONE);
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "up");
        t.sessions.restart("w1");
        TmuxProfile.awaitTrue(() -> t.output("w1").split("up", -1).length == 3, () -> "two runs: " + t.output("w1"));
        assertEquals("running", t.awaitState("w1", "running").state().word());

        t.sessions.steer("w1", "bye");
        t.awaitState("w1", "exited");
        t.sessions.flag("w1", "stale question");
        t.sessions.restart("w1");
        Sessions.Info again = t.awaitState("w1", "running");
        assertNull(again.exitCode(), "the old exit code goes");
        assertNull(again.note(), "and so does the old flag");
        TmuxProfile.awaitTrue(() -> t.output("w1").split("up", -1).length == 4, () -> "a third run: " + t.output("w1"));

        UserError e = assertThrows(UserError.class, () -> t.sessions.restart("ghost"));
        assertTrue(e.getMessage().startsWith("no session 'ghost'"), e.getMessage());
    }

    @Test
    void reapingRemovesOnlyFinishedSessionsOlderThanTheTtl() throws Exception {
        profile("bash -c 'read line; exit 0'");
        for (String id : List.of("old", "young", "live")) t.sessions.start(id, "task", null);
        t.sessions.steer("old", "x");
        t.sessions.steer("young", "x");
        t.awaitState("old", "exited");
        t.awaitState("young", "exited");
        FileTime twoDaysAgo = FileTime.from(Instant.now().minusSeconds(2 * 86400));
        Files.setLastModifiedTime(dir.resolve("sessions/old/state"), twoDaysAgo);
        Files.setLastModifiedTime(dir.resolve("sessions/live/state"), twoDaysAgo);

        Path abandoned = Files.createDirectories(dir.resolve("sessions/.new-x-1"));
        Path staging = Files.createDirectories(dir.resolve("sessions/.new-y-2"));
        Files.setLastModifiedTime(abandoned, twoDaysAgo);

        assertEquals(List.of("old"), t.sessions.reapOlderThan(86400));
        assertFalse(Files.exists(abandoned), "a start that died half-way leaves nothing for long");
        assertTrue(Files.exists(staging), "one under way is left alone");
        assertFalse(Files.exists(dir.resolve("sessions/old")));
        assertFalse(Files.exists(dir.resolve("prompts/old.md")));
        assertEquals(List.of("live", "young"), t.sessions.list().stream().map(Sessions.Info::id).toList());

        assertEquals(List.of("young"), t.sessions.prune(), "prune takes every finished one, whatever its age");
        assertEquals(List.of("live"), t.sessions.list().stream().map(Sessions.Info::id).toList());
        assertEquals(List.of(), t.sessions.prune());
    }

    @Test
    void thePulseRunsAsABareSessionThatIsNoWorker() {
        profile(READ_ONE);
        t.sessions.startCommand("pulse", "echo pulse-up id=${LOOOP_SESSION_ID:-none}; sleep 30", TmuxSessions.Options.WORKER);
        t.awaitOutput("pulse", "pulse-up id=none");
        assertTrue(t.sessions.tmux().has("pulse"));
        assertEquals(List.of(), t.sessions.list(), "list() counts workers only");
        assertFalse(t.sessions.isAlive("pulse"));
        assertEquals(List.of(), t.sessions.prune());
        assertEquals(new Sessions.Info("pulse", SessionState.RUNNING, null, null), t.sessions.info("pulse"));
        t.tmux("kill-server");
        assertEquals(new Sessions.Info("pulse", SessionState.KILLED, null, null), t.sessions.info("pulse"));
        assertNull(t.sessions.info("ghost"));
    }

    @Test
    void withoutTmuxWorkerMovesFailInOneLineButReadingStillWorks() {
        t = new TmuxProfile(dir, Map.of("PATH", dir.resolve("no-bin").toString())).runner(READ_ONE);
        UserError e = assertThrows(UserError.class, () -> t.sessions.start("w1", "task", null));
        assertEquals("workers need tmux, which is not on PATH; install it (apt-get install tmux, or brew install tmux)", e.getMessage());
        t.profile.write("sessions/w1/state", "running\n");
        assertEquals(List.of(new Sessions.Info("w1", SessionState.RUNNING, null, null)), t.sessions.list(),
                "cannot ask tmux: the files stand, nothing is marked dead on a guess");
    }

    @Test
    void aRunnerWithoutAnInteractiveCommandOrItsProgramIsRefused() {
        t = new TmuxProfile(dir);
        t.profile.write("looop.json", "{\"default\":\"t\",\"runners\":{\"t\":{\"tick\":\"true\"},"
                + "\"gone\":{\"tick\":\"true\",\"interactive\":\"no-such-agent-cli {{prompt_file}}\"}}}");
        UserError none = assertThrows(UserError.class, () -> t.sessions.start("w1", "task", null));
        assertTrue(none.getMessage().startsWith("runner 't' has no \"interactive\" command"), none.getMessage());
        UserError gone = assertThrows(UserError.class, () -> t.sessions.start("w1", "task", "gone"));
        assertEquals("runner 'gone' needs `no-such-agent-cli`, which is not on PATH; install it or fix the runner's \"interactive\" "
                + "command in looop.json", gone.getMessage());
        assertFalse(Files.exists(dir.resolve("sessions/w1")));
    }

    @Test
    void aWorkerFlagsAndEndsItselfThroughLooopBin() {
        profile("bash -c '\"$LOOOP_BIN\" _ flag \"$LOOOP_SESSION_ID\" which db; read answer; "
                + "\"$LOOOP_BIN\" _ unflag \"$LOOOP_SESSION_ID\"; echo answer=$answer; \"$LOOOP_BIN\" _ kill \"$LOOOP_SESSION_ID\"; sleep 30'");
        t.sessions.start("w1", "task", null);
        assertEquals("which db", t.await("w1", i -> i.note() != null, "flagged").note());
        t.sessions.steer("w1", "postgres");
        Sessions.Info done = t.awaitState("w1", "killed");
        assertNull(done.note());
        assertTrue(t.output("w1").contains("answer=postgres"));
        TmuxProfile.awaitTrue(() -> !t.sessions.tmux().has("w1"), () -> "its terminal to go");
    }
}
