package looop.beat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import looop.Beats;
import looop.ChildJvm;
import looop.act.Executor;
import looop.io.Json;
import looop.profile.Config;
import looop.profile.Lock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pulse as real processes: one JVM each, one lock per profile, signals to stop. */
class PulseTest {
    @TempDir Path dir;

    static final long WAIT_MS = 30_000;

    /** Starts `looop <args>` in a child JVM on this profile; stdout and stderr go to files. */
    private Process looop(Beats b, String name, String... args) throws IOException {
        return looop(b, name, Map.of(), args);
    }

    private Process looop(Beats b, String name, Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop(args));
        pb.environment().put("LOOOP_DATA_DIR", b.profile.dir.toString());
        pb.environment().put("LOOOP_INTERVAL", "3600");
        pb.environment().remove("LOOOP_CONFIG");
        pb.environment().putAll(env); // a test's own cadence wins

        pb.redirectOutput(dir.resolve(name + ".out").toFile());
        pb.redirectError(dir.resolve(name + ".err").toFile());
        return pb.start();
    }

    private String read(String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    private void waitFor(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private Beats profile() {
        return new Beats(dir.resolve("profile"), "{\"action\":\"noop\",\"journal\":\"pulse beat\"}");
    }

    private void waitForBeat(Beats b, String out) throws InterruptedException {
        waitFor("the first beat", () -> {
            try {
                return read(out).contains("next beat in");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void oneRunsAnotherIsRefusedAndAKilledOneBlocksNothing() throws Exception {
        Beats b = profile();
        Process first = looop(b, "first", "run");
        waitForBeat(b, "first.out");
        assertEquals(String.valueOf(first.pid()), Lock.holder(b.profile.paths));
        assertTrue(b.journal().contains("pulse beat"), b.journal());

        Process second = looop(b, "second", "run");
        assertTrue(second.waitFor(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(1, second.exitValue());
        assertTrue(read("second.err").contains("already running (pid " + first.pid() + ")"), read("second.err"));

        first.destroyForcibly().waitFor();
        assertTrue(Files.exists(b.profile.dir.resolve(".lock/lock")), "a killed pulse leaves its lock file behind");
        Process third = looop(b, "third", "run");
        waitForBeat(b, "third.out");
        assertEquals(String.valueOf(third.pid()), Lock.holder(b.profile.paths));

        third.destroy(); // SIGTERM
        assertTrue(third.waitFor(WAIT_MS, TimeUnit.MILLISECONDS));
        assertTrue(read("third.out").contains("pulse stopped"), read("third.out"));
        assertFalse(Lock.isHeld(b.profile.paths));
    }

    /**
     * A looop.json broken while the pulse runs fails that beat in one line and
     * the pulse rests on the config it last read well, then heals once it is
     * fixed (each beat reads the config once; the rest after it uses that one).
     */
    @Test
    void aConfigBrokenWhileRunningFailsTheBeatAndThePulseGoesOn() throws Exception {
        Beats b = profile();
        Process pulse = looop(b, "pulse", Map.of("LOOOP_INTERVAL", "1"), "run");
        try {
            brokenThenFixed(b, pulse);
        } finally {
            pulse.destroyForcibly().waitFor(); // a failed wait must not leave a pulse running past the test
        }
    }

    private void brokenThenFixed(Beats b, Process pulse) throws Exception {
        waitForBeat(b, "pulse.out");
        Path config = b.profile.dir.resolve("looop.json");
        String good = Files.exists(config) ? Files.readString(config) : "{}";
        Files.writeString(config, "{\"interval\": ");
        waitFor("the broken config's beat", () -> {
            try {
                return read("pulse.out").contains("looop.json");
            } catch (IOException e) {
                return false;
            }
        });
        int broken = read("pulse.out").lastIndexOf("looop.json");
        waitFor("a rest after the failed beat", () -> {
            try {
                return read("pulse.out").indexOf("next beat in", broken) > 0;
            } catch (IOException e) {
                return false;
            }
        });
        assertTrue(pulse.isAlive(), read("pulse.out") + read("pulse.err"));
        Files.writeString(config, good);
        int fixedAt = read("pulse.out").length();
        try {
            waitFor("a beat on the fixed config", () -> {
                try {
                    String after = read("pulse.out").substring(fixedAt);
                    return after.contains("next beat in") && !after.contains("looop.json");
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the pulse said:\n" + read("pulse.out") + read("pulse.err"), e);
        }
    }

    /** A pulse whose beat waits on a long sensor: a sleep among its descendants while the sensor runs. */
    private Process pulseInASlowSensor(Beats b, String name, String sensorBody) throws Exception {
        return pulseInASlowSensor(b, name, Map.of(), sensorBody);
    }

    private Process pulseInASlowSensor(Beats b, String name, Map<String, String> env, String sensorBody) throws Exception {
        b.profile.sensor("slow", sensorBody);
        Process p = looop(b, name, env, "run");
        waitFor("the slow sensor to run", () -> p.descendants().anyMatch(d -> d.info().command().orElse("").endsWith("sleep")));
        return p;
    }

    private void ctrlC(Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor());
    }

    /** Ctrl-C says so at once and ends the beat in progress (its sensor killed, no AI asked), not after the sensor. */
    @Test
    void ctrlCStopsWithinTheSensorsKillAndSaysSo() throws Exception {
        Beats b = profile();
        Process p = pulseInASlowSensor(b, "slow", "sleep 600\necho '{\"signal\":{}}'\n");
        ctrlC(p);
        waitFor("the stopping line", () -> {
            try {
                return read("slow.out").contains("stopping…");
            } catch (IOException e) {
                return false;
            }
        });
        assertTrue(p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS), "a 600 s sensor does not hold the stop: " + read("slow.out"));
        String out = read("slow.out");
        assertTrue(out.contains("pulse stopped"), out);
        assertFalse(out.contains("is deciding"), "a stopping beat asks no AI: " + out);
        assertEquals(0, b.runnerCalls());
    }

    /**
     * A second Ctrl-C forces the exit even when the beat ignores the first
     * one's SIGTERM. Only unconfined can a sensor ignore it: in the sandbox
     * the whole beat's sensors end with their bwrap. So this is a test of the
     * off mode.
     */
    @Test
    void aSecondCtrlCForces() throws Exception {
        Beats b = profile();
        Process p = pulseInASlowSensor(b, "stubborn", Map.of("LOOOP_SANDBOX", "off"), "trap '' TERM INT\nsleep 600\necho '{\"signal\":{}}'\n");
        ctrlC(p);
        waitFor("the stopping line", () -> {
            try {
                return read("stubborn.out").contains("stopping…");
            } catch (IOException e) {
                return false;
            }
        });
        ctrlC(p);
        assertTrue(p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS), read("stubborn.out"));
        assertEquals(130, p.exitValue());
        assertTrue(read("stubborn.out").contains("stopping now (second Ctrl-C)"), read("stubborn.out"));
    }

    /** `looop run` has no tmux session: watch and log pulse show its output, not an older `looop` session's. */
    @Test
    void watchAndLogPulseShowTheRunningLooopRun() throws Exception {
        Beats b = profile();
        b.profile.write("sessions/pulse/output.log", "an old pulse session, long ended\n");
        Process p = looop(b, "run", "run");
        waitForBeat(b, "run.out");
        Beats.Cli log = Beats.cli(b.profile, "", "log", "pulse");
        assertEquals(0, log.code(), log.err());
        assertTrue(log.out().contains("pulse up on " + b.profile.dir + " (pid " + p.pid() + ")"), log.out());
        assertFalse(log.out().contains("long ended"), log.out());
        assertTrue(Beats.cli(b.profile, "", "log", "pulse", "--tail", "1").out().contains("next beat in"));
        p.destroy();
        assertTrue(p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS));
        Beats.Cli watch = Beats.cli(b.profile, "", "watch", "pulse");
        assertFalse(watch.out().contains("pulse up on"), "a stopped run is not shown as running: " + watch.out());
    }

    @Test
    void jsonModeLogsOneObjectPerLine() throws Exception {
        Beats b = profile();
        Process p = looop(b, "json", "run", "--json");
        waitForBeat(b, "json.out");
        p.destroy();
        p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS);
        List<String> lines = read("json.out").lines().toList();
        assertTrue(lines.size() >= 4, lines.toString());
        for (String line : lines) {
            var node = Json.parseOrNull(line);
            assertNotNull(node, line);
            for (String field : new String[] {"ts", "level", "code", "msg"}) assertTrue(node.has(field), line);
        }
        assertTrue(read("json.out").contains("\"code\":\"tick.decided\""));
        assertFalse(read("json.out").contains("\u001b["), "never colour in JSON mode");
    }

    @Test
    void cadenceNudgeWinsThenBusyThenActiveThenIdle() {
        Pulse.Cadence c = new Pulse.Cadence(60, 15, 30);
        Executor.Done nudged = new Executor.Done("noop", "noop", "- x", 7);
        Executor.Done plain = new Executor.Done("noop", "noop", "- x", null);
        assertEquals(new Pulse.Next(7, true), c.next(new Tick.Acted(null, nudged), false));
        assertEquals(new Pulse.Next(15, false), c.next(new Tick.Acted(null, plain), true));
        Tick.Outcome skipped = new Tick.Ended(Tick.Outcome.Result.SKIPPED, "world_unchanged", "h", null, "");
        assertEquals(new Pulse.Next(30, false), c.next(skipped, true));
        assertEquals(new Pulse.Next(60, false), c.next(skipped, false));
        assertEquals(new Pulse.Next(60, false), c.next(null, false), "a crashed beat rests like an idle one");
    }

    @Test
    void envWinsOverConfig() {
        Beats b = new Beats(dir, java.util.Map.of("LOOOP_INTERVAL", "5", "LOOOP_BUSY_INTERVAL", "6"), "");
        b.config("{\"default\":\"offline\",\"interval\":100,\"busy_interval\":200,\"active_interval\":300,"
                + "\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl\"}}}");
        Pulse.Cadence c = Pulse.Cadence.of(b.profile.paths, Config.load(b.profile.paths));
        assertEquals(new Pulse.Cadence(5, 6, 300), c);
    }
}
