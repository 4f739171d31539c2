package looop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import looop.Beats;
import looop.ChildJvm;
import looop.LockRace;
import looop.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two beats never overlap on one profile: `looop tick` and `looop act` take
 * the pulse's lock, wait a bounded time for it, and say who holds it; two
 * pulses started at the same instant, again and again, end with exactly one
 * running. Real processes where the lock is between processes.
 */
class LockTest {
    @TempDir Path dir;

    static final String NOOP = "{\"action\":\"noop\",\"journal\":\"beat\"}";
    /** Rounds of the simultaneous-start race; LOOOP_LOCK_ROUNDS for more. */
    static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("LOOOP_LOCK_ROUNDS", "50"));
    /** Pairs of real `looop run` processes started together; LOOOP_PULSE_PAIRS for more. */
    static final int PAIRS = Integer.parseInt(System.getenv().getOrDefault("LOOOP_PULSE_PAIRS", "2"));

    private Beats beats(String wait) {
        return new Beats(dir.resolve("p"), Map.of("LOOOP_LOCK_WAIT", wait), "--shape pi --cost 0.002", NOOP, NOOP, NOOP);
    }

    private static String me() {
        return String.valueOf(ProcessHandle.current().pid());
    }

    @Test
    void tickAndActWaitBoundedlyThenNameTheHolder() throws Exception {
        Beats b = beats("1");
        try (Lock held = Lock.acquire(b.profile.paths)) {
            long start = System.nanoTime();
            Beats.Cli tick = b.cli("", "tick");
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, tick.code());
            assertEquals(1, tick.err().strip().lines().count(), tick.err());
            assertTrue(tick.err().contains("already running (pid " + me() + ")"), tick.err());
            assertTrue(tick.err().contains("waited 1 s (LOOOP_LOCK_WAIT)"), tick.err());
            assertTrue(waitedMs >= 900, "it waited for the holder: " + waitedMs + " ms");
            assertEquals(0, b.runnerCalls(), "no beat ran beside the holder");

            Beats.Cli act = b.cli("{\"action\":\"send_notification\",\"message\":\"x\"}", "act");
            assertEquals(1, act.code());
            assertTrue(act.err().contains("already running (pid " + me() + ")"), act.err());
            assertEquals("", b.journal());

            assertEquals(0, b.cli("", "sense").code(), "the stages before act stay lock-free, for pipes");
        }
        assertEquals(0, b.cli("", "tick").code(), "once let go, the next tick runs");
    }

    @Test
    void aTickQueuesBehindABeatThatEndsInTime() throws Exception {
        Beats b = beats("10");
        Lock held = Lock.acquire(b.profile.paths);
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.close();
        });
        long start = System.nanoTime();
        release.start();
        Beats.Cli tick = b.cli("", "tick");
        release.join();
        assertEquals(0, tick.code(), tick.err());
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 600, "it waited for the other beat to end");
        assertEquals(1, b.runnerCalls());
    }

    @Test
    void aPulseBlocksATickUntilItIsKilled() throws Exception {
        Beats b = beats("1");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop("run")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pulse.out").toFile());
        pb.environment().put("LOOOP_DATA_DIR", b.profile.dir.toString());
        pb.environment().put("LOOOP_INTERVAL", "3600");
        Process pulse = pb.start();
        try {
            waitFor(() -> String.valueOf(pulse.pid()).equals(Lock.holder(b.profile.paths)) && b.journal().contains("beat"));
            Beats.Cli tick = b.cli("", "tick", "--force");
            assertEquals(1, tick.code());
            assertTrue(tick.err().contains("already running (pid " + pulse.pid() + ")"), tick.err());
        } finally {
            pulse.destroyForcibly().waitFor();
        }
        assertEquals(String.valueOf(pulse.pid()), Lock.holder(b.profile.paths), "a killed pulse leaves its pid file behind");
        Beats.Cli tick = b.cli("", "tick", "--force");
        assertEquals(0, tick.code(), "a dead holder's leftovers never block: " + tick.err());
    }

    /** Profiles for the race: a runner that answers at once, so a winning pulse's beat is quick. */
    private Path raceProfiles(int n) throws IOException {
        Path root = dir.resolve("race");
        for (int k = 0; k < n; k++) {
            TestProfile p = new TestProfile(root.resolve(String.valueOf(k)));
            p.write("looop.json", "{\"default\":\"now\",\"runners\":{\"now\":{\"tick\":\"true\"}}}");
            p.write("PLAYBOOK.md", "# race\n");
        }
        return root;
    }

    @Test
    void twoPulsesStartedAtTheSameInstantRunOneEachTime() throws Exception {
        Path root = raceProfiles(ROUNDS);
        List<Process> racers = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        List<String> pids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Process p = new ProcessBuilder(ChildJvm.command("looop.LockRace", root.toString(), "" + ROUNDS, "200"))
                    .redirectError(dir.resolve("race" + i + ".err").toFile()).start();
            racers.add(p);
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            outs.add(r);
            pids.add(r.readLine().replace("pid ", ""));
            assertEquals("ready", r.readLine());
        }
        String start = (System.currentTimeMillis() + 300) + "\n";
        for (Process p : racers) {
            OutputStream in = p.getOutputStream();
            in.write(start.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        Map<Integer, List<String>> rounds = new HashMap<>();
        for (int k = 0; k < ROUNDS; k++) {
            for (int i = 0; i < 2; i++) {
                String line = outs.get(i).readLine();
                assertTrue(line != null, "racer " + i + " died: " + Files.readString(dir.resolve("race" + i + ".err")));
                int round = Integer.parseInt(line.substring(0, line.indexOf(' ')));
                rounds.computeIfAbsent(round, x -> new ArrayList<>(List.of("", ""))).set(i, line.substring(line.indexOf(' ') + 1));
            }
            Files.writeString(root.resolve(String.valueOf(k)).resolve("release"), ""); // both have tried: the winner may let go
        }
        for (Process racer : racers) assertTrue(racer.waitFor(120, TimeUnit.SECONDS));
        int[] wins = new int[2];
        for (int k = 0; k < ROUNDS; k++) {
            List<String> r = rounds.get(k);
            int winner = r.get(0).equals("won") ? 0 : 1;
            wins[winner]++;
            assertEquals("won", r.get(winner), "round " + k + ": " + r);
            String lost = r.get(1 - winner);
            assertTrue(lost.startsWith("lost already running (pid " + pids.get(winner) + ")"), "round " + k + ": " + r);
        }
        System.out.println("lock race: " + ROUNDS + " simultaneous starts, exactly one pulse ran each time (wins " + wins[0] + "/" + wins[1] + ")");
    }

    @Test
    void twoRealPulsesStartedTogetherLeaveOneRunning() throws Exception {
        for (int pair = 0; pair < PAIRS; pair++) {
            Beats b = new Beats(dir.resolve("pair" + pair), NOOP, NOOP);
            List<Process> both = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop("run"))
                        .redirectOutput(dir.resolve("pair" + pair + "-" + i + ".out").toFile())
                        .redirectError(dir.resolve("pair" + pair + "-" + i + ".err").toFile());
                pb.environment().put("LOOOP_DATA_DIR", b.profile.dir.toString());
                pb.environment().put("LOOOP_INTERVAL", "3600");
                both.add(pb.start());
            }
            try {
                waitFor(() -> both.stream().filter(Process::isAlive).count() < 2);
                Process loser = both.stream().filter(p -> !p.isAlive()).findFirst().orElseThrow();
                Process winner = both.get(1 - both.indexOf(loser));
                int i = both.indexOf(loser);
                assertEquals(1, loser.exitValue());
                String err = Files.readString(dir.resolve("pair" + pair + "-" + i + ".err"));
                assertTrue(err.contains("already running (pid " + winner.pid() + ")"), err);
                waitFor(() -> b.journal().contains("beat"));
                assertTrue(winner.isAlive());
                assertEquals(1, b.journal().lines().count(), "one pulse beat, once");
            } finally {
                for (Process p : both) p.destroyForcibly().waitFor();
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!done.getAsBoolean()) {
            assertFalse(System.currentTimeMillis() > deadline, "timed out");
            Thread.sleep(20);
        }
    }
}
