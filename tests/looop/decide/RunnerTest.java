package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import looop.ProcessGroups;
import looop.TestProfile;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.RunnerCommand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerTest {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    TestProfile profile;
    Path prompt;
    Path runDir;

    @BeforeEach
    void setUp() {
        profile = new TestProfile(dir);
        profile.clock.set(Instant.parse("2026-11-23T09:08:07Z"));
        prompt = profile.write("runs/r1/prompt.md", "decide now\nline two ünïcode\n");
        runDir = dir.resolve("runs/r1");
    }

    static Config.RunnerDef runner(String tick) {
        return new Config.RunnerDef("test", tick, null, null, null);
    }

    Runner.Result run(String tick) {
        return Runner.runTick(profile.paths, runner(tick), prompt, runDir, TIMEOUT, profile.clock);
    }

    static String fixturePath(String name) {
        MeterTest.fixture(name);
        return Proc.shellQuote(MeterTest.FIXTURES.resolve(name).toAbsolutePath().toString());
    }

    @Test
    void meteredStreamIsArchivedToTheRunAndTheTickLog() {
        Runner.Result r = run("cat " + fixturePath("pi-mode-json.jsonl"));
        assertTrue(r.ok(), r.toString());
        assertEquals(0.0075, r.costUsd());
        String log = profile.read("runs/r1/output.log");
        assertTrue(log.startsWith("[09:08:07] → write: {\"content\":"), log);
        assertTrue(log.endsWith("[09:08:07] Decision written.\n"), log);
        assertEquals(2, log.lines().count(), log);
        assertEquals(log, profile.read("tick.log"));
    }

    @Test
    void silentRunStillLeavesAnEmptyArchive() {
        assertTrue(run("true").ok());
        assertEquals("", profile.read("runs/r1/output.log"));
    }

    @Test
    void tickLogAccumulatesAcrossRuns() {
        run("echo one");
        profile.clock.advanceSeconds(61);
        run("echo two");
        assertEquals("[09:08:07] one\n[09:09:08] two\n", profile.read("tick.log"));
    }

    @Test
    void claudeStreamIsMeteredByItsTotal() {
        assertEquals(0.01, run("cat " + fixturePath("claude-stream-json.jsonl")).costUsd());
    }

    @Test
    void aStreamCarryingBothShapesIsMeteredByClaudesTotal() {
        Runner.Result r = run("cat " + fixturePath("pi-tool-error.jsonl") + " " + fixturePath("claude-stream-json.jsonl"));
        assertEquals(0.01, r.costUsd());
        String log = profile.read("runs/r1/output.log");
        assertTrue(log.contains("[09:08:07] ✗ read failed\n"), log);
        assertTrue(log.contains("[09:08:07] → Write: "), log);
        assertEquals(0.0144582, run("cat " + fixturePath("pi-tool-error.jsonl")).costUsd());
    }

    @Test
    void aCostSpecReplacesTheBuiltInShapes() {
        var def = new Config.RunnerDef("custom", "echo '{\"type\":\"spend\",\"usd\":0.5}'; cat " + fixturePath("claude-stream-json.jsonl"),
                null, null, new Config.CostSpec("spend", "/usd", true));
        assertEquals(0.5, Runner.runTick(profile.paths, def, prompt, runDir, TIMEOUT, profile.clock).costUsd());
    }

    @Test
    void stderrIsPartOfTheStream() {
        run("echo out; echo err >&2; echo '{\"type\":\"result\",\"total_cost_usd\":0.2}' >&2");
        assertEquals("[09:08:07] out\n[09:08:07] err\n", profile.read("runs/r1/output.log"));
        assertEquals(0.2, run("echo '{\"type\":\"result\",\"total_cost_usd\":0.2}' >&2").costUsd());
    }

    @Test
    void unmeteredRunHasNoCost() {
        Runner.Result r = run("echo hello");
        assertTrue(r.ok());
        assertNull(r.costUsd());
    }

    @Test
    void promptArrivesOnStdinInTheDataDirWithTheProfileExported() throws IOException {
        assertTrue(run("cat > got.txt; pwd -P > where.txt; echo \"$LOOOP_DATA_DIR\" >> where.txt").ok());
        assertEquals(Files.readString(prompt), profile.read("got.txt"));
        assertEquals(dir.toRealPath() + "\n" + profile.paths.data + "\n", profile.read("where.txt"));
    }

    @Test
    void promptFilePlaceholderGetsTheQuotedPathAndNoStdin() throws IOException {
        Path odd = profile.write("runs/it's a run/prompt \"x\".md", "via file\n");
        String tick = "cat > stdin.txt; cp {{prompt_file}} bare.txt; cp '{{prompt_file}}' single.txt; "
                + "cp \"{{prompt_file}}\" double.txt; echo \"$(cat '{{prompt_file}}')\" > nested.txt";
        Runner.Result r = Runner.runTick(profile.paths, runner(tick), odd, runDir, TIMEOUT, profile.clock);
        assertTrue(r.ok(), profile.read("runs/r1/output.log"));
        assertEquals("", profile.read("stdin.txt"));
        for (String f : new String[] {"bare.txt", "single.txt", "double.txt", "nested.txt"}) {
            assertEquals("via file\n", profile.read(f), f);
        }
    }

    @Test
    void withPromptFileQuotesForBash() {
        assertEquals("x '/a b/it'\\''s'", RunnerCommand.withPromptFile("x {{prompt_file}}", Path.of("/a b/it's")));
        assertEquals("x '/p'", RunnerCommand.withPromptFile("x '{{prompt_file}}'", Path.of("/p")));
        assertEquals("x '/p'", RunnerCommand.withPromptFile("x \"{{prompt_file}}\"", Path.of("/p")));
    }

    @Test
    void timeoutKillsTheRunnerAndSays124() {
        long t0 = System.nanoTime();
        Runner.Result r = Runner.runTick(profile.paths, runner("echo started; sleep 30"), prompt, runDir,
                Duration.ofMillis(500), profile.clock);
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 10, "the timeout did not stop the runner");
        assertEquals(124, r.exitCode());
        assertTrue(r.timedOut());
        assertFalse(r.ok());
        assertEquals("[09:08:07] started\n[09:08:07] ✗ runner timed out after 0.5 s\n", profile.read("runs/r1/output.log"));
    }

    @Test
    void timeoutKillsTheRunnersWholeProcessGroup() {
        Runner.Result r = Runner.runTick(profile.paths, runner(ProcessGroups.SAY_PGID + "(sleep 300; echo late) & ( (sleep 300) & ); sleep 300"),
                prompt, runDir, Duration.ofSeconds(1), profile.clock);
        assertTrue(r.timedOut());
        String log = profile.read("runs/r1/output.log");
        assertEquals(java.util.List.of(), ProcessGroups.liveMembers(ProcessGroups.pgidIn(log)), "a child of the runner outlived it: " + log);
        assertFalse(log.contains("late"), log);
        assertTrue(log.endsWith("✗ runner timed out after 1 s\n"), log);
    }

    @Test
    void nonZeroExitIsReturnedAndArchived() {
        Runner.Result r = run("echo '{\"type\":\"result\",\"total_cost_usd\":0.03}'; echo oops; exit 3");
        assertEquals(3, r.exitCode());
        assertFalse(r.timedOut());
        assertFalse(r.ok());
        assertEquals(0.03, r.costUsd(), "a failed run still spent money");
        assertEquals("[09:08:07] oops\n[09:08:07] ✗ runner exited 3\n", profile.read("runs/r1/output.log"));
    }

    @Test
    void missingBinaryFailsBeforeAnythingRuns() {
        var e = assertThrows(UserError.class, () -> run("no-such-runner-xyz -p --json"));
        assertEquals("runner 'test' needs `no-such-runner-xyz`, which is not on PATH; "
                + "install it or fix the runner's \"tick\" command in looop.json", e.getMessage());
        assertFalse(Files.exists(runDir.resolve("output.log")));
        assertFalse(Files.exists(profile.paths.tickLog()));
    }

    @Test
    void missingBuiltInsSayHowToInstallThem() {
        Map<String, String> env = Map.of("PATH", dir.resolve("empty-bin").toString());
        var claude = assertThrows(UserError.class, () -> RunnerCommand.preflight(new Config.RunnerDef("claude", Config.CLAUDE_TICK, null, null, null), env));
        assertEquals("runner 'claude' needs `claude`, which is not on PATH; install it with: npm install -g @anthropic-ai/claude-code",
                claude.getMessage());
        var pi = assertThrows(UserError.class, () -> RunnerCommand.preflight(new Config.RunnerDef("pi", Config.PI_TICK, null, null, null), env));
        assertTrue(pi.getMessage().contains("`pi`") && pi.getMessage().endsWith("npm install -g @mariozechner/pi-coding-agent"), pi.getMessage());
        assertFalse(pi.getMessage().contains("\n"));
    }

    @Test
    void preflightFindsBinariesOnTheGivenPath() throws IOException {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Path tool = profile.write("bin/mytool", "#!/bin/sh\n");
        Map<String, String> env = Map.of("PATH", "/nonexistent:" + bin, "LOOOP_DATA_DIR", dir.toString());
        assertThrows(UserError.class, () -> RunnerCommand.preflight(runner("mytool --go"), env), "not executable yet");
        assertTrue(tool.toFile().setExecutable(true));
        RunnerCommand.preflight(runner("mytool --go"), env);
        RunnerCommand.preflight(runner("FOO=1 BAR=2 mytool --go"), env);
        RunnerCommand.preflight(runner(tool + " --go"), env);
        RunnerCommand.preflight(runner("bin/mytool --go"), env);
        RunnerCommand.preflight(runner("./bin/mytool"), env);
        var e = assertThrows(UserError.class, () -> RunnerCommand.preflight(runner("./bin/other"), env));
        assertTrue(e.getMessage().contains("`./bin/other`, which does not exist or is not executable"), e.getMessage());
    }

    @Test
    void shellSyntaxAndBuiltinsAreLeftToBash() {
        Map<String, String> env = Map.of("PATH", dir.resolve("empty-bin").toString());
        for (String tick : new String[] {"cd sub && claude -p", "exec pi -p", "\"$HOME/bin/tool\" x", "(cd x; y)", "{ a; }"}) {
            RunnerCommand.preflight(runner(tick), env);
        }
        assertThrows(UserError.class, () -> RunnerCommand.preflight(runner("   "), env));
    }

    @Test
    void runnerGetsThePathPreflightChecked() throws IOException {
        profile = new TestProfile(dir, Map.of("PATH", dir.resolve("bin") + ":" + System.getenv("PATH")));
        profile.clock.set(Instant.parse("2026-11-23T09:08:07Z"));
        profile.write("bin/decider", "#!/bin/sh\necho decided by \"$0\"\n").toFile().setExecutable(true);
        assertTrue(run("decider").ok());
        assertEquals("[09:08:07] decided by " + dir.resolve("bin/decider") + "\n", profile.read("runs/r1/output.log"));
    }
}
