package looop.cli;

import java.util.concurrent.Callable;
import looop.beat.Stages;
import looop.beat.Tick;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "sense", description = "Stage 1: housekeeping, run every sensor; prints the readings as JSON.")
final class SenseCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        Tick tick = root.tick(true);
        root.printJson(Stages.sensed(root.ctx.profile(), tick.sense()));
        return 0;
    }
}
