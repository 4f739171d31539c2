package looop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import looop.ChildJvm;
import looop.ProcessGroups;
import looop.SystemPath;
import looop.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command runs in its own process group, and what it leaves behind
 * cannot outlive it or keep the caller waiting: proven on real processes,
 * read back from /proc.
 */
class ProcTest {
    @TempDir Path dir;

    Proc.Spec spec(String command, Duration timeout) {
        return new Proc.Spec(command, dir, Map.of(), null, timeout);
    }

    static long ownPgid() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }

    @Test
    void eachCommandLeadsAGroupOfItsOwn() throws IOException {
        Proc.Result r = Proc.capture(spec(ProcessGroups.SAY_PGID + "sleep 0", Duration.ofSeconds(10)), 0);
        assertEquals(0, r.exitCode(), r.stderrTail());
        assertNotEquals(ownPgid(), ProcessGroups.pgidIn(r.stdoutText()), "the command shares looop's process group");
    }

    @Test
    void timeoutKillsTheWholeGroupEvenWhatEscapedTheTree() {
        List<String> lines = new ArrayList<>();
        long t0 = System.nanoTime();
        // a double fork: the sleep is re-parented to init at once, so descendants() never sees it
        Proc.Result r = Proc.stream(spec(ProcessGroups.SAY_PGID + "( (sleep 300; echo late) & ); sleep 300", Duration.ofSeconds(1)), lines::add);
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 5, "the timeout did not end the run");
        assertTrue(r.timedOut());
        assertEquals(Proc.TIMED_OUT, r.exitCode());
        long pgid = ProcessGroups.pgidIn(String.join("\n", lines));
        assertEquals(List.of(), ProcessGroups.liveMembers(pgid), "processes of the runner's group outlived it");
        assertFalse(lines.contains("late"));
    }

    @Test
    void aBackgroundChildHoldingStdoutDoesNotKeepTheCallerWaiting() {
        long t0 = System.nanoTime();
        Proc.Result r = Proc.capture(spec(ProcessGroups.SAY_PGID + "sleep 300 & echo '{\"ok\":true}'", Duration.ofSeconds(60)), 0);
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertTrue(ms < 3000, "capture waited " + ms + " ms for a child that holds the pipe");
        assertEquals(0, r.exitCode());
        assertFalse(r.timedOut());
        assertTrue(r.stdoutText().endsWith("{\"ok\":true}\n"), r.stdoutText());
        assertEquals(List.of(), ProcessGroups.liveMembers(ProcessGroups.pgidIn(r.stdoutText())), "the pipe holder outlived the command");
    }

    @Test
    void aBackgroundChildHoldingStderrInAStreamIsEndedToo() {
        List<String> lines = new ArrayList<>();
        long t0 = System.nanoTime();
        Proc.Result r = Proc.stream(spec(ProcessGroups.SAY_PGID + "sleep 300 >&2 & echo done", Duration.ofSeconds(60)), lines::add);
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 3000, "stream waited for the pipe holder");
        assertEquals(0, r.exitCode());
        assertEquals("done", lines.get(lines.size() - 1));
        assertEquals(List.of(), ProcessGroups.liveMembers(ProcessGroups.pgidIn(String.join("\n", lines))));
    }

    @Test
    void aDaemonThatLetGoOfThePipeIsLeftAlone() throws Exception {
        // run_shell may start a server on purpose; only what holds our pipe is ours to end
        Proc.Result r = Proc.capture(spec(ProcessGroups.SAY_PGID + "sleep 300 >/dev/null 2>&1 </dev/null & echo $! > daemon.pid", Duration.ofSeconds(10)), 0);
        assertEquals(0, r.exitCode());
        long daemon = Long.parseLong(Files.readString(dir.resolve("daemon.pid")).trim());
        try {
            assertTrue(ProcessGroups.liveMembers(ProcessGroups.pgidIn(r.stdoutText())).contains(daemon), "the detached daemon was killed");
        } finally {
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void killTreeEndsTheGroupOfAProcessItIsGiven() throws Exception {
        Path ready = dir.resolve("ready");
        // the first sleep escapes the tree at once (double fork); only its group still ties it to p
        Process p = new ProcessBuilder("setsid", "bash", "-c", "( (sleep 300) & ); touch " + ready + "; sleep 300").start();
        // bash execs its last command: once the middle subshell is gone the group is that sleep and the escaped one
        for (int i = 0; i < 250 && !(Files.exists(ready) && ProcessGroups.liveMembers(p.pid()).size() == 2); i++) Thread.sleep(20);
        assertEquals(2, ProcessGroups.liveMembers(p.pid()).size(), "two sleeps: " + ProcessGroups.liveMembers(p.pid()));
        Proc.killTree(p);
        assertFalse(p.isAlive());
        assertEquals(List.of(), ProcessGroups.liveMembers(p.pid()), "the group of the process killTree was given lives on");
    }

    @Test
    void anEndlessLineIsCappedNotHeldWhole() {
        List<String> lines = new ArrayList<>();
        Proc.Result r = Proc.stream(spec("head -c 20000000 /dev/zero | tr '\\0' x; echo; echo end", Duration.ofSeconds(30)), lines::add);
        assertEquals(0, r.exitCode());
        assertEquals(20_000_005, r.stdoutBytes());
        assertEquals(2, lines.size());
        assertEquals(Proc.MAX_LINE_BYTES, lines.get(0).length());
        assertEquals("end", lines.get(1));
    }

    /**
     * Without setsid (no util-linux) commands still run, and a timeout still
     * ends the runner: a whole beat in a child JVM whose PATH holds bash only.
     */
    @Test
    void withoutSetsidABeatStillRunsAndTimesOut() throws Exception {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Path bash = Files.writeString(bin.resolve("bash"), "#!" + SystemPath.find("bash") + "\nexec "
                + SystemPath.find("bash") + " \"$@\"\n");
        assertTrue(bash.toFile().setExecutable(true));
        Path data = dir.resolve("data");
        TestProfile p = new TestProfile(data);
        // builtins only: no binary but bash is on this PATH
        p.write("looop.json", "{\"default\":\"b\",\"tick_timeout_s\":1,\"runners\":{\"b\":{\"tick\":"
                + "\"echo '{\\\"action\\\":\\\"noop\\\"}' > .decision.json\"},"
                + "\"spin\":{\"tick\":\"while :; do :; done\"}}}");
        assertEquals(0, childTick(data, bin), "a plain beat without setsid");
        assertTrue(p.read("journal.md").contains("noop"), p.read("journal.md"));
        p.write("looop.json", p.read("looop.json").replace("\"default\":\"b\"", "\"default\":\"spin\""));
        long t0 = System.nanoTime();
        assertEquals(1, childTick(data, bin), "a runner past its timeout fails the beat");
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 20);
        assertTrue(p.read("events.jsonl").contains("runner timed out after 1s"), p.read("events.jsonl"));
    }

    private static int childTick(Path data, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop("tick", "--force")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("LOOOP_DATA_DIR", data.toString());
        pb.environment().put("HOME", data.resolve("home").toString());
        Process proc = pb.start();
        assertTrue(proc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the child beat hung");
        return proc.exitValue();
    }

    @Test
    void exitCodesAndOutputStillComeThrough() {
        Proc.Result r = Proc.capture(new Proc.Spec("echo out; echo err >&2; exit 7", dir, Map.of(), null, Duration.ofSeconds(10)), 0);
        assertEquals(7, r.exitCode());
        assertEquals("out\n", r.stdoutText());
        assertEquals("err\n", r.stderrTail());
        Proc.Result in = Proc.capture(new Proc.Spec("cat", dir, Map.of(), "fed ✓".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Duration.ofSeconds(10)), 0);
        assertEquals("fed ✓", in.stdoutText());
    }
}
