package looop.act;

import static looop.Checks.assertOneLine;
import static looop.Checks.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import looop.NoSessions;
import looop.RecordingSessions;
import looop.TestProfile;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Paths;
import looop.workers.Sessions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorTest {
    private static final String STAMP = "- 2026-11-23 12:00 ";
    private static final long NOW = 1795435200L; // 2026-11-23T12:00:00Z, TestProfile's clock

    @TempDir
    Path dir;
    @TempDir
    Path outside;

    private TestProfile profile;

    private TestProfile profile(Map<String, String> env) {
        profile = new TestProfile(dir, env);
        return profile;
    }

    /** JUnit warns about every link it deletes under a temp dir; the links these tests make are removed here. */
    @AfterEach
    void removeLinks() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isSymbolicLink).toList()) Files.delete(p);
        }
    }

    private Executor.Done act(String json) {
        return act(json, NoSessions.none());
    }

    private Executor.Done act(String json, Sessions sessions) {
        if (profile == null) profile(Map.of());
        return new Executor(profile.paths, sessions, profile.clock, Config.load(profile.paths)).act(Decision.parse(json));
    }

    /** Runs a move that must fail; returns its one-line message. */
    private String fails(String json, Sessions sessions) {
        UserError e = assertThrows(UserError.class, () -> act(json, sessions));
        assertOneLine(e.getMessage());
        return e.getMessage();
    }

    private String journal() {
        return profile.read("journal.md");
    }

    @Test
    void writeGoalWritesTheFileWithATrailingNewlineAndLogsIt() {
        Executor.Done m = act("{\"action\":\"write_goal\",\"id\":\"fix-ci\",\"body\":\"# Fix CI\\nmake it green\"}");
        assertEquals("# Fix CI\nmake it green\n", profile.read("goals/fix-ci.md"));
        assertEquals(new Executor.Done("write_goal", "write_goal fix-ci", STAMP + "write_goal fix-ci", null), m);
        assertEquals(STAMP + "write_goal fix-ci\n", journal());
    }

    @Test
    void writeGoalKeepsAnExistingTrailingNewlineAndReplacesTheOldBody() {
        profile(Map.of()).write("goals/g.md", "old\n");
        act("{\"action\":\"write_goal\",\"id\":\"g\",\"body\":\"new\\n\"}");
        assertEquals("new\n", profile.read("goals/g.md"));
    }

    @Test
    void theJournalFieldWinsOverTheSummary() {
        Executor.Done m = act("{\"action\":\"write_goal\",\"id\":\"g\",\"body\":\"b\",\"journal\":\"asked for a greener CI\"}");
        assertEquals("write_goal g", m.summary());
        assertEquals(STAMP + "asked for a greener CI\n", journal());
    }

    @Test
    void journalLinesAppendInOrderWithTheClocksTime() {
        act("{\"action\":\"noop\",\"reason\":\"all quiet\"}");
        profile.clock.advanceSeconds(3600 + 5 * 60);
        act("{\"action\":\"noop\",\"reason\":\"\"}");
        assertEquals(STAMP + "noop: all quiet\n- 2026-11-23 13:05 noop\n", journal());
    }

    @Test
    void nextIntervalIsPassedOnClamped() {
        assertEquals(5, act("{\"action\":\"noop\",\"next_interval_s\":1}").nextIntervalS());
        assertEquals(3600, act("{\"action\":\"noop\",\"next_interval_s\":99999}").nextIntervalS());
    }

    @Test
    void archiveGoalMovesItAndReplacesAnOlderArchiveEntry() {
        profile(Map.of()).write("goals/g.md", "current\n");
        profile.write("goals/archive/g.md", "older\n");
        act("{\"action\":\"archive_goal\",\"id\":\"g\"}");
        assertNull(profile.read("goals/g.md"));
        assertEquals("current\n", profile.read("goals/archive/g.md"));
        assertEquals(STAMP + "archive_goal g\n", journal());
    }

    @Test
    void archiveGoalCreatesTheArchive() {
        profile(Map.of()).write("goals/g.md", "x\n");
        act("{\"action\":\"archive_goal\",\"id\":\"g\"}");
        assertEquals("x\n", profile.read("goals/archive/g.md"));
    }

    @Test
    void archivingAMissingGoalFailsNamingItAndLogsNothing() throws IOException {
        profile(Map.of()).write("goals/other.md", "x\n");
        Map<String, String> before = tree(dir);
        String msg = fails("{\"action\":\"archive_goal\",\"id\":\"ghost\"}", NoSessions.none());
        assertEquals("archive_goal ghost: there is no goal goals/ghost.md; archive only a goal listed under === GOALS ===", msg);
        assertEquals(before, tree(dir));
    }

    @Test
    void writeSensorWritesAnExecutableScript() throws IOException {
        act("{\"action\":\"write_sensor\",\"name\":\"disk\",\"script\":\"#!/usr/bin/env bash\\necho '{}'\"}");
        Path file = dir.resolve("sensors/disk.sh");
        assertEquals("#!/usr/bin/env bash\necho '{}'", Files.readString(file));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "a sensor script is the user's alone");
        assertEquals(STAMP + "write_sensor disk\n", journal());
    }

    @Test
    void writePlaybookReplacesItWithATrailingNewline() {
        profile(Map.of()).write("PLAYBOOK.md", "old rules\n");
        act("{\"action\":\"write_playbook\",\"body\":\"new rules\"}");
        assertEquals("new rules\n", profile.read("PLAYBOOK.md"));
        assertEquals(STAMP + "write_playbook\n", journal());
    }

    @Test
    void sendNotificationOnlyWritesTheJournalLine() throws IOException {
        profile(Map.of()).write("goals/g.md", "x\n");
        Map<String, String> before = tree(dir);
        act("{\"action\":\"send_notification\",\"message\":\"the build is red\"}");
        Map<String, String> after = tree(dir, "journal.md");
        assertEquals(before, after);
        assertEquals(STAMP + "notify: the build is red\n", journal());
    }

    @Test
    void runShellRunsInTheDataDirWithTheProfileExported() throws IOException {
        // reports/ is what a run_shell may write (the sandbox's grant)
        Executor.Done m = act("{\"action\":\"run_shell\",\"cmd\":\"pwd -P > reports/where.txt; printf %s \\\"$LOOOP_DATA_DIR\\\" > reports/env.txt\"}");
        assertEquals(dir.toRealPath() + "\n", profile.read("reports/where.txt"));
        assertEquals(dir.toString(), profile.read("reports/env.txt"));
        assertEquals("run_shell: pwd -P > reports/where.txt; printf %s \"$LOOOP_DATA_DIR\" > reports/env.txt → exit 0", m.summary());
        assertEquals(STAMP + m.summary() + "\n", journal());
    }

    @Test
    void failingRunShellReportsExitAndLastOutputAndLogsNothing() {
        String msg = fails("{\"action\":\"run_shell\",\"cmd\":\"echo progress; echo first >&2; echo 'make: *** [test] Error 2' >&2; exit 3\"}",
                NoSessions.none());
        assertTrue(msg.startsWith("run_shell: `echo progress;"), msg);
        assertTrue(msg.contains("` exited 3: first ⏎ make: *** [test] Error 2"), msg);
        assertNull(journal());
    }

    @Test
    void failingRunShellFallsBackToStdoutAndCutsTo200Chars() {
        String msg = fails("{\"action\":\"run_shell\",\"cmd\":\"printf 'x%.0s' $(seq 500); echo END; exit 1\"}", NoSessions.none());
        assertTrue(msg.endsWith(": …" + "x".repeat(197) + "END"), msg);
    }

    @Test
    void runShellTimesOutAsAFailedMove() {
        profile(Map.of("LOOOP_SHELL_TIMEOUT", "1"));
        long start = System.nanoTime();
        String msg = fails("{\"action\":\"run_shell\",\"cmd\":\"sleep 30\"}", NoSessions.none());
        assertTrue(System.nanoTime() - start < 15_000_000_000L, "the timeout stopped the command");
        assertEquals("run_shell: `sleep 30` timed out after 1 s; make it quicker, hand it to a worker, or raise LOOOP_SHELL_TIMEOUT", msg);
        assertNull(journal());
    }

    @Test
    void workerMovesFailWithoutATerminalEngineAndLogNothing() {
        for (String json : List.of(
                "{\"action\":\"start_worker\",\"id\":\"w\",\"prompt\":\"go\"}",
                "{\"action\":\"steer_session\",\"id\":\"w\",\"input\":\"yes\"}",
                "{\"action\":\"send_key\",\"id\":\"w\",\"keys\":[\"Enter\"]}",
                "{\"action\":\"restart_session\",\"id\":\"w\"}")) {
            String msg = fails(json, NoSessions.none());
            String action = Decision.parse(json).action();
            // a steer is a tell, and the tell queue refuses a worker that is not live before the engine is asked
            String why = action.equals("steer_session") ? " w: worker w is not running" : " w: worker sessions are not available";
            assertTrue(msg.startsWith(action + why), msg);
        }
        assertNull(journal());
        assertNull(profile.read(".goal-activity.json"));
    }

    @Test
    void workerMovesCallSessionsWithTheBareId() {
        RecordingSessions sessions = new RecordingSessions();
        act("{\"action\":\"start_worker\",\"id\":\"looop-fix\",\"prompt\":\"fix the build\"}", sessions);
        act("{\"action\":\"steer_session\",\"id\":\"fix\",\"input\":\"yes, go ahead\"}", sessions);
        act("{\"action\":\"send_key\",\"id\":\"fix\",\"keys\":[\"Up\",\"Enter\"]}", sessions);
        act("{\"action\":\"restart_session\",\"id\":\"looop-fix\"}", sessions);
        act("{\"action\":\"steer_session\",\"id\":\"fix\",\"input\":\"\"}", sessions);
        assertEquals(List.of("start fix fix the build", "steer fix yes, go ahead", "keys fix [Up, Enter]", "restart fix", "steer fix "),
                sessions.calls);
        assertEquals(STAMP + "start_worker fix\n" + STAMP + "steer_session fix: yes, go ahead\n"
                + STAMP + "send_key fix: Up Enter\n" + STAMP + "restart_session fix\n" + STAMP + "steer_session fix\n", journal());
    }

    @Test
    void goalActivityIsStampedOnlyForGoalAndWorkerMoves() {
        profile(Map.of()).write("goals/kept.md", "x\n");
        act("{\"action\":\"noop\"}");
        act("{\"action\":\"run_shell\",\"cmd\":\"true\"}");
        act("{\"action\":\"write_sensor\",\"name\":\"s\",\"script\":\"echo {}\"}");
        act("{\"action\":\"write_playbook\",\"body\":\"p\"}");
        act("{\"action\":\"send_notification\",\"message\":\"m\"}");
        assertNull(profile.read(".goal-activity.json"));

        act("{\"action\":\"write_goal\",\"id\":\"a\",\"body\":\"x\"}");
        profile.clock.advanceSeconds(60);
        act("{\"action\":\"archive_goal\",\"id\":\"kept\"}");
        profile.clock.advanceSeconds(60);
        act("{\"action\":\"steer_session\",\"id\":\"looop-w\",\"input\":\"y\"}", new RecordingSessions());
        assertEquals(Map.of("a", NOW, "kept", NOW + 60, "w", NOW + 120), GoalActivity.read(profile.paths));
    }

    @Test
    void goalActivityRestampKeepsTheOthersAndCorruptFilesReadEmpty() {
        Paths paths = profile(Map.of()).paths;
        profile.write(".goal-activity.json", "not json");
        assertEquals(Map.of(), GoalActivity.read(paths));
        GoalActivity.stamp(paths, "a", 10);
        GoalActivity.stamp(paths, "b", 20);
        GoalActivity.stamp(paths, "a", 30);
        assertEquals(Map.of("a", 30L, "b", 20L), GoalActivity.read(paths));
        assertEquals("{\"a\":30,\"b\":20}\n", profile.read(".goal-activity.json"));
    }

    @Test
    void aSymlinkedGoalsDirIsRefused() throws IOException {
        profile(Map.of());
        Files.createSymbolicLink(dir.resolve("goals"), outside);
        Map<String, String> before = tree(dir);
        String msg = fails("{\"action\":\"write_goal\",\"id\":\"g\",\"body\":\"x\"}", NoSessions.none());
        assertEquals("write_goal g: goals is a symlink and looop never writes through one; replace it with a real directory", msg);
        assertEquals(before, tree(dir));
        assertEquals(Map.of(), tree(outside, ""), "nothing written outside");
    }

    @Test
    void aSymlinkedTargetFileIsRefused() throws IOException {
        profile(Map.of());
        Path victim = Files.writeString(outside.resolve("victim.md"), "precious\n");
        Files.createDirectories(dir.resolve("goals"));
        Files.createSymbolicLink(dir.resolve("goals/g.md"), victim);
        String msg = fails("{\"action\":\"write_goal\",\"id\":\"g\",\"body\":\"x\"}", NoSessions.none());
        assertTrue(msg.endsWith("goals/g.md is a symlink and looop never writes through one; replace it with a real file"), msg);
        assertEquals("precious\n", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(dir.resolve("goals/g.md")));
    }

    @Test
    void symlinkedSensorsAndArchiveDirsAreRefused() throws IOException {
        profile(Map.of()).write("goals/g.md", "x\n");
        Files.createSymbolicLink(dir.resolve("sensors"), outside);
        Files.createSymbolicLink(dir.resolve("goals/archive"), outside);
        assertTrue(fails("{\"action\":\"write_sensor\",\"name\":\"s\",\"script\":\"x\"}", NoSessions.none()).contains("sensors is a symlink"));
        assertTrue(fails("{\"action\":\"archive_goal\",\"id\":\"g\"}", NoSessions.none()).contains("goals/archive is a symlink"));
        assertEquals("x\n", profile.read("goals/g.md"));
        assertEquals(Map.of(), tree(outside, ""), "nothing written outside");
        assertNull(journal());
    }

    @Test
    void anIoFailureIsAOneLineFailedMove() {
        profile(Map.of()).write("goals", "a file where the goals dir should be\n");
        String msg = fails("{\"action\":\"write_goal\",\"id\":\"g\",\"body\":\"x\"}", NoSessions.none());
        assertTrue(msg.startsWith("write_goal g: ") && msg.endsWith("goals is a file where looop keeps a directory: move it away"), msg);
        assertNull(journal());
    }

    /** A terminal engine that records what it was asked to do. */
}
