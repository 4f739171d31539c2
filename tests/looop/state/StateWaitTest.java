package looop.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import looop.Beats;
import looop.ChildJvm;
import looop.io.ExitCode;
import looop.io.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `looop wait` with no worker id against a real pulse (`looop run` in a child
 * JVM with the offline runner): an ask arriving wakes --only-asks, a failed
 * beat wakes --actionable, no pulse exits 2 at once, the pulse dying exits 2,
 * the time running out exits 124.
 */
class StateWaitTest {
    @TempDir Path dir;
    Beats b;
    Process pulse;
    final List<Process> children = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : children) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    /** A pulse on a profile whose decider answers noop, then each of later in turn; interval in seconds. */
    private void pulse(long interval, String... later) throws Exception {
        List<String> script = new ArrayList<>(List.of("{\"action\":\"noop\",\"reason\":\"first\"}"));
        script.addAll(List.of(later));
        b = new Beats(dir.resolve("data"), script.toArray(String[]::new));
        b.config("{\"default\":\"offline\",\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl --repeat-last\""
                + b.offlineGrant() + "}}}");
        pulse = child(dir.resolve("pulse.log"), interval, "run");
        Path state = b.profile.paths.pulseState();
        for (int i = 0; i < 1200 && !Files.exists(state); i++) Thread.sleep(100);
        assertTrue(Files.exists(state), Files.readString(dir.resolve("pulse.log")));
    }

    private Process child(Path log, long interval, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop(args)).redirectOutput(log.toFile())
                .redirectError(dir.resolve(log.getFileName() + ".err").toFile());
        pb.environment().put("LOOOP_DATA_DIR", b.profile.dir.toString());
        pb.environment().put("LOOOP_INTERVAL", String.valueOf(interval));
        pb.environment().put("LOOOP_CDS", "0");
        pb.environment().remove("LOOOP_CONFIG");
        Process p = pb.start();
        children.add(p);
        return p;
    }

    /** `looop wait …` as a client runs it, in its own process; its exit code once it ended. */
    private Process waiting(String name, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("wait"));
        argv.addAll(List.of(args));
        return child(dir.resolve(name + ".out"), 3000, argv.toArray(String[]::new));
    }

    private int exit(Process p) throws InterruptedException {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "wait did not end");
        return p.exitValue();
    }

    private String out(String name) throws Exception {
        return Files.readString(dir.resolve(name + ".out"), StandardCharsets.UTF_8);
    }

    private String err(String name) throws Exception {
        return Files.readString(dir.resolve(name + ".out.err"), StandardCharsets.UTF_8);
    }

    /** Waits until the child has looked at the loop once (its baseline), so what follows is a change to it. */
    private static void settle() throws InterruptedException {
        Thread.sleep(3000); // a JVM start and one look; a change before it would be part of the baseline, and the test would hang, not pass
    }

    @Test
    void noPulseExitsTwoAtOnceWithHowToStartOne() throws Exception {
        b = new Beats(dir.resolve("data"), "{\"action\":\"noop\"}");
        Beats.Cli r = b.cli("", "wait", "--only-asks");
        assertEquals(ExitCode.NO_PULSE, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("no pulse is running") && r.err().contains("`looop run`"), r.err());
        assertEquals(ExitCode.NO_PULSE, b.cli("", "wait", "--actionable", "--timeout", "1h").code());
        assertEquals(ExitCode.USAGE, b.cli("", "wait").code(), "neither an id nor a scope");
    }

    @Test
    void anAskWakesOnlyAsksAndTheTimeRunsOut() throws Exception {
        pulse(3000);
        Process timeout = waiting("timeout", "--only-asks", "--timeout", "2s");
        assertEquals(ExitCode.TIMEOUT, exit(timeout), err("timeout"));

        Process w = waiting("asks", "--only-asks", "--timeout", "280s");
        Process json = waiting("asks-json", "--only-asks", "--json", "--timeout", "280s");
        settle();
        assertTrue(w.isAlive(), "waits while no ask is pending: " + out("asks") + err("asks"));
        Beats.Cli asked = b.cli("", "ask", "w1", "merge", "the", "branch?", "--timeout", "1s"); // gives up waiting; the ask stays pending
        assertEquals(ExitCode.TIMEOUT, asked.code(), asked.toString());
        assertEquals(0, exit(w), err("asks"));
        assertEquals("changed: ask w1: merge the branch?\n", out("asks"));
        assertEquals(0, exit(json), err("asks-json"));
        JsonNode j = Json.parse(out("asks-json"));
        assertEquals("ask", j.at("/changed/0/kind").asText());
        assertEquals("w1", j.at("/changed/0/id").asText());

        Process again = waiting("again", "--only-asks", "--timeout", "3s");
        assertEquals(ExitCode.TIMEOUT, exit(again), "an ask pending before the wait began is no change: " + out("again"));
    }

    @Test
    void aFailedBeatWakesActionableAndAPulseThatDiesEndsTheWait() throws Exception {
        pulse(2, "{\"action\":\"no_such_move\"}"); // the first beat decides noop; the next changed world fails to decide
        Process w = waiting("failed", "--actionable", "--timeout", "280s");
        Process asks = waiting("only-asks", "--only-asks", "--timeout", "280s");
        settle();
        assertTrue(w.isAlive(), out("failed") + err("failed"));
        b.profile.write("goals/beta.md", "a new goal: the world changed\n");
        assertEquals(0, exit(w), err("failed") + Files.readString(dir.resolve("pulse.log")));
        assertTrue(out("failed").startsWith("changed: beat_failed "), out("failed"));
        assertTrue(asks.isAlive(), "a failed beat is not an ask");

        pulse.destroy();
        assertEquals(ExitCode.NO_PULSE, exit(asks), out("only-asks"));
        assertTrue(err("only-asks").contains("the pulse stopped while waiting"), err("only-asks"));
    }

    @Test
    void aWorkerEndingWakesActionable() throws Exception {
        pulse(3000);
        b.config("{\"default\":\"offline\",\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl --repeat-last\""
                + b.offlineGrant() + ",\"interactive\":\"cat\"}}}");
        try (looop.TmuxProfile tmux = new looop.TmuxProfile(b.profile.dir)) {
            assertEquals(0, tmux.cli("start-session", "w1", "read until EOF").code());
            tmux.awaitState("w1", "running");
            Process w = waiting("ended", "--actionable", "--timeout", "280s");
            settle();
            assertTrue(w.isAlive(), "a running worker is no change: " + out("ended") + err("ended"));
            assertEquals(0, tmux.cli("key", "w1", "C-d").code());
            assertEquals(0, exit(w), err("ended"));
            assertTrue(out("ended").startsWith("changed: ended w1: exited"), out("ended"));
        }
    }
}
