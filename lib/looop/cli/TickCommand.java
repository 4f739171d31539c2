package looop.cli;

import java.util.concurrent.Callable;
import looop.beat.Tick;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Lock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "tick", description = "Run one beat now: sense, hash, decide, act.")
final class TickCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--force", description = "Re-decide even if the world is unchanged.")
    boolean force;

    public Integer call() {
        return run(root.ctx, root.json(), force);
    }

    /** The verb itself, for picocli and for QuickVerbs. */
    static int run(Context ctx, boolean json, boolean force) {
        Main.refuseInsideWorker(ctx, "looop tick");
        WarmUp.start();
        Tick tick = Main.tick(ctx, json, false);
        Config config;
        try {
            config = tick.preflight(); // before the lock: such an error leaves every file as it was
        } catch (UserError e) {
            throw Init.noRunnerYet(ctx.profile(), e); // but a first beat with no runner seeds, and says how to pick one
        }
        try (Lock lock = Lock.acquireOneShot(ctx.profile())) {
            Tick.Outcome o = tick.beat(config, force);
            return o.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
        }
    }

    /**
     * Loads, on a second core while the beat reads its config and takes its
     * lock, two things a one-shot beat needs only later: the time zone's
     * rules (its first log line) and Jackson's number parser, whose regex
     * compiles when it first meets a number (the first sensor reading).
     * Milliseconds each, cold. Only JDK and library classes that no looop code
     * takes part in, so this thread never waits on the beat's, and the beat
     * waits on it at most until that class is ready.
     */
    private static final class WarmUp implements Runnable {
        static void start() {
            Thread t = new Thread(new WarmUp(), "looop-warm-up");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void run() {
            java.util.TimeZone.getDefault();
            try {
                Class.forName("com.fasterxml.jackson.core.io.NumberInput");
            } catch (ClassNotFoundException e) {
                // no harm: the beat loads it itself
            }
        }
    }
}
