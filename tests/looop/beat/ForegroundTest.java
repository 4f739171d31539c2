package looop.beat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import looop.Beats;
import looop.ChildJvm;
import looop.FakeWorker;
import looop.Needs;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.Lock;
import looop.profile.Paths;
import looop.workers.SessionFiles;
import looop.workers.Tmux;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `looop` with no verb, as real processes: the foreground JVM, the pulse JVM
 * it starts in tmux session looop-pulse, and workers on the same tmux server.
 * The offline runner decides, and LOOOP_INTERVAL=3600 keeps it to one beat.
 */
class ForegroundTest {
    @TempDir Path dir;
    Beats beats;
    Paths paths;
    final List<Process> started = new ArrayList<>();

    /** Generous: on a busy machine JVMs start slowly, and a wait that holds is only as long as it takes. */
    static final long WAIT_MS = 120_000;

    @BeforeEach
    void setUp() {
        Needs.tmux(); // the pulse runs as a tmux session
        beats = new Beats(dir.resolve("profile"), "{\"action\":\"noop\",\"journal\":\"foreground beat\"}");
        paths = beats.profile.paths;
    }

    @AfterEach
    void tearDown() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (paths != null) FakeWorker.killServer(paths); // null: skipped before setUp made it
    }

    private Process looop(String name, String... args) throws IOException {
        ProcessBuilder pb = child(args);
        pb.redirectOutput(dir.resolve(name + ".out").toFile());
        pb.redirectError(dir.resolve(name + ".err").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private ProcessBuilder child(String... args) {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop(args));
        pb.environment().put("LOOOP_DATA_DIR", beats.profile.dir.toString());
        pb.environment().put("LOOOP_INTERVAL", "3600");
        pb.environment().remove("LOOOP_CONFIG");
        pb.environment().remove("LOOOP_LOG_FORMAT");
        return pb;
    }

    /** A looop whose stdout is a pipe this test reads, then closes, as `looop | head -1` would. */
    private Process piped() throws IOException {
        ProcessBuilder pb = child();
        pb.environment().put("LOOOP_INTERVAL", "1");
        pb.environment().put("LOOOP_BUSY_INTERVAL", "1");
        pb.redirectError(dir.resolve("piped.err").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private String read(String file) {
        return Fs.readOr(dir.resolve(file), "");
    }

    private static void waitFor(String what, BooleanSupplier done) {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            FakeWorker.sleep(50);
        }
    }

    private void waitForOutput(String file, String text) {
        waitFor("'" + text + "' in " + file, () -> read(file).contains(text));
    }

    private static int exitOf(Process p) throws InterruptedException {
        assertTrue(p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS), "process " + p.pid() + " did not exit");
        return p.exitValue();
    }

    private String panePid() {
        return new Tmux(paths).run("display-message", "-p", "-t", "=looop-pulse:", "#{pane_pid}").out().strip();
    }

    private String state(String id) {
        return Fs.readOr(SessionFiles.of(paths, id).state(), "").strip();
    }

    @Test
    void thePulseRunsInItsOwnSessionASecondLooopAttachesAndSigtermStopsEverything() throws Exception {
        Process first = looop("first");
        waitForOutput("first.out", "next beat in");
        assertTrue(read("first.out").contains("pulse up in tmux session looop-pulse"), read("first.out"));
        assertTrue(read("first.out").contains("pulse up on " + paths.data), "the pulse's own log is streamed");
        assertEquals(List.of("looop-pulse"), FakeWorker.tmuxSessions(paths));
        assertEquals("running", state("pulse"));
        String pulsePid = Lock.holder(paths);
        assertNotEquals(String.valueOf(first.pid()), pulsePid, "the pulse is its own process, inside tmux");
        assertTrue(beats.journal().contains("foreground beat"));
        String pane = panePid();

        Process second = looop("second");
        waitForOutput("second.out", "attached to the running pulse");
        waitForOutput("second.out", "next beat in"); // the running pulse's last lines
        assertEquals(pulsePid, Lock.holder(paths), "no second pulse");
        assertEquals(pane, panePid(), "the same pulse session");
        assertEquals(List.of("looop-pulse"), FakeWorker.tmuxSessions(paths));
        assertTrue(second.isAlive());

        FakeWorker.start(paths, "fix-ci", "sleep 600");
        first.destroy(); // SIGTERM
        assertEquals(143, exitOf(first), read("first.err"));
        String out = read("first.out");
        assertTrue(out.contains("stopped: pulse, worker fix-ci"), out);
        assertTrue(out.indexOf("pulse stopped") < out.indexOf("stopped: pulse,"), "the pulse's last words come before the summary: " + out);
        assertFalse(out.contains("^C"), "Ctrl-C is not echoed into the log: " + out);
        assertEquals(List.of(), FakeWorker.tmuxSessions(paths));
        assertEquals("killed", state("fix-ci"));
        assertEquals("exited", state("pulse"));
        assertFalse(Lock.isHeld(paths));

        exitOf(second); // its pulse is gone, so it goes too
        assertTrue(read("second.out").contains("the pulse ended"), read("second.out"));
        assertEquals("", read("first.err") + read("second.err"));
    }

    @Test
    void ctrlCInJsonModeStopsTheLoopAndEveryLineIsAJsonObject() throws Exception {
        Process fg = looop("fg", "--json");
        waitForOutput("fg.out", "\"code\":\"pulse.rest\"");
        FakeWorker.start(paths, "triage", "sleep 600");
        FakeWorker.start(paths, "docs", "sleep 600");
        new ProcessBuilder("kill", "-INT", String.valueOf(fg.pid())).start().waitFor();
        assertEquals(130, exitOf(fg), read("fg.err"));

        List<JsonNode> rows = read("fg.out").lines().map(Json::parseOrNull).toList();
        for (int i = 0; i < rows.size(); i++) assertNotNull(rows.get(i), "line " + i + " is JSON: " + read("fg.out"));
        assertTrue(rows.stream().anyMatch(r -> "tick.decided".equals(Json.text(r, "code"))), "the pulse logged NDJSON");
        JsonNode summary = rows.get(rows.size() - 1);
        assertEquals("foreground.stopped", Json.text(summary, "code"));
        assertEquals("[\"pulse\",\"worker docs\",\"worker triage\"]", summary.get("stopped").toString());
        assertEquals(List.of(), FakeWorker.tmuxSessions(paths));
        assertFalse(read("fg.out").contains("\u001b["), "never colour in JSON mode");
    }

    @Test
    void aPulseThatCannotStartIsReportedAndLeavesTheOtherPulsesWorkersAlone() throws Exception {
        Process outside = looop("outside", "run");
        waitForOutput("outside.out", "next beat in");
        FakeWorker.start(paths, "w", "sleep 600");

        Process fg = looop("fg", "--json");
        assertEquals(1, exitOf(fg), read("fg.err"));
        String out = read("fg.out");
        List<JsonNode> rows = out.lines().map(Json::parseOrNull).toList();
        assertFalse(rows.contains(null), "the pulse's plain error line is wrapped as JSON too: " + out);
        JsonNode said = rows.stream().filter(r -> "pulse.output".equals(Json.text(r, "code"))).findFirst().orElseThrow();
        assertTrue(Json.text(said, "msg").contains("already running (pid " + outside.pid() + ")"), "the pulse's last words: " + out);
        JsonNode ended = rows.get(rows.size() - 1);
        assertEquals("foreground.pulse_ended", Json.text(ended, "code"));
        assertTrue(Json.text(ended, "msg").contains("exited, exit code 1"), out);
        assertFalse(out.contains("stopped:"), "the running pulse still owns its workers: " + out);
        assertTrue(FakeWorker.alive(paths, "w"));
        assertEquals(List.of("looop-w"), FakeWorker.tmuxSessions(paths));
        assertEquals(String.valueOf(outside.pid()), Lock.holder(paths));
    }

    @Test
    void aStdoutNobodyReadsStopsTheLoop() throws Exception {
        Process fg = piped();
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(fg.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(lines.readLine().contains("pulse up in tmux session"));
        FakeWorker.start(paths, "w", "sleep 600");
        fg.getInputStream().close(); // the reader went away, as `head -1` does
        assertEquals(141, exitOf(fg), read("piped.err"));
        assertEquals(List.of(), FakeWorker.tmuxSessions(paths), "the pulse and the worker were stopped");
        assertEquals("killed", state("w"));
    }
}
