package looop.cli;

import java.util.concurrent.Callable;
import looop.beat.Tick;
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
        Tick tick = root.tick(false);
        tick.preflight();
        try (Lock lock = Lock.acquireOneShot(root.ctx.profile())) {
            Tick.Outcome o = tick.beat(force);
            return o.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
        }
    }
}
