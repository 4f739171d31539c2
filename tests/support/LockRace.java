package looop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import looop.beat.Pulse;
import looop.io.Log;
import looop.io.UserError;
import looop.profile.Lock;
import looop.profile.Paths;

/**
 * A child process for the lock race: two of these start pulses on the same
 * profiles at the same instants. It prints "pid N", then "ready"; reads the
 * start time (epoch ms) on stdin; then for round k sleeps until start + k ×
 * period and runs a real Pulse on ROOT/k. A pulse that gets the lock prints
 * "k won" and holds it until the file ROOT/k/release appears (the test makes
 * it once it has heard from both racers, so a racer that a busy machine
 * starts late still meets a held lock); one refused prints "k lost <message>".
 *
 * Usage: LockRace ROOT ROUNDS PERIOD_MS
 */
public final class LockRace {
    private LockRace() {}

    public static void main(String... args) throws Exception {
        Path root = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        long period = Long.parseLong(args[2]);
        String me = String.valueOf(ProcessHandle.current().pid());
        System.out.println("pid " + me);
        warmUp(root.resolve("warm-" + me), me, period);
        System.out.println("ready");
        long start = Long.parseLong(new BufferedReader(new InputStreamReader(System.in)).readLine().trim());
        List<Thread> pulses = new ArrayList<>();
        for (int k = 0; k < rounds; k++) {
            long wait = start + k * period - System.currentTimeMillis();
            if (wait > 0) Thread.sleep(wait);
            System.out.println(k + " " + race(Paths.at(root.resolve(String.valueOf(k)), Map.of("PATH", System.getenv("PATH"))), me, period, pulses));
        }
        for (Thread t : pulses) t.join();
    }

    /** One uncontended round first, so class loading does not make the first real round lopsided. */
    private static void warmUp(Path profile, String me, long period) throws Exception {
        java.nio.file.Files.createDirectories(profile);
        java.nio.file.Files.writeString(profile.resolve("looop.json"), "{\"default\":\"now\",\"runners\":{\"now\":{\"tick\":\"true\"}}}");
        java.nio.file.Files.writeString(profile.resolve("PLAYBOOK.md"), "# warm-up\n");
        List<Thread> threads = new ArrayList<>();
        race(Paths.at(profile, Map.of("PATH", System.getenv("PATH"))), me, period, threads);
        java.nio.file.Files.writeString(profile.resolve("release"), "");
        for (Thread t : threads) t.join();
    }

    /** Stops the pulse once release exists (or after a generous ceiling, so a dead test never leaves it running). */
    private static void stopOnRelease(Pulse pulse, Path release, List<Thread> threads) {
        Thread t = new Thread(() -> {
            long ceiling = System.currentTimeMillis() + 120_000;
            try {
                while (!java.nio.file.Files.exists(release) && System.currentTimeMillis() < ceiling) Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pulse.stop();
        });
        t.start();
        threads.add(t);
    }

    /** Starts a pulse and watches it: it either takes the lock (then is stopped) or is refused. */
    private static String race(Paths paths, String me, long period, List<Thread> pulses) throws InterruptedException {
        Pulse pulse = new Pulse(paths, Clock.systemUTC(), NoSessions.none(), Log.quiet());
        String[] refused = new String[1];
        Thread t = new Thread(() -> {
            try {
                pulse.run();
            } catch (UserError e) {
                refused[0] = e.getMessage();
            }
        });
        t.start();
        pulses.add(t);
        long deadline = System.currentTimeMillis() + 60_000; // a ceiling for a busy machine, not a timing
        while (System.currentTimeMillis() < deadline) {
            if (!t.isAlive()) return refused[0] == null ? "ended" : "lost " + refused[0];
            if (me.equals(Lock.holder(paths))) {
                stopOnRelease(pulse, paths.data.resolve("release"), pulses); // held until the other one has tried
                return "won";
            }
            Thread.sleep(1);
        }
        pulse.stop();
        return "undecided";
    }
}
