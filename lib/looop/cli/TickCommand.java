package looop.cli;

import java.util.concurrent.Callable;
import looop.beat.Tick;
import looop.gate.Push;
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

    @Option(names = "--now", description = "Decide now, even an unchanged world, past the backoff of a world that failed (after you fixed the cause).")
    boolean now;

    public Integer call() {
        return run(root.ctx, root.json(), now ? Push.NOW : Push.of(force));
    }

    /** The verb itself, for picocli and for QuickVerbs. */
    static int run(Context ctx, boolean json, boolean force) {
        return run(ctx, json, Push.of(force));
    }

    static int run(Context ctx, boolean json, Push push) {
        Main.refuseInsideWorker(ctx, "looop tick");
        Tick tick = Main.tick(ctx, json, false);
        Config config;
        try {
            config = tick.preflight(); // before the lock: such an error leaves every file as it was
        } catch (UserError e) {
            throw Init.noRunnerYet(ctx.profile(), e); // but a first beat with no runner seeds, and says how to pick one
        }
        try (Lock lock = Lock.acquireOneShot(ctx.profile())) {
            Tick.Outcome o = tick.beat(config, push);
            return o.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
        }
    }
}
