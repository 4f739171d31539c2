package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import looop.beat.Stages;
import looop.beat.Tick;
import looop.profile.Paths;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "hash", description = "Stage 2: the world hash of sense's JSON on stdin (or of what is on disk, given none).")
final class HashCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        Paths paths = root.ctx.profile();
        Tick tick = root.tick(true);
        JsonNode in = Stages.readInput(root.ctx.in(), "hash");
        Tick.Sensed sensed = in == null ? new Tick.Sensed(tick.readingsOnDisk()) : Stages.readSensed(paths, in);
        root.printJson(Stages.hashed(paths, tick.hash(sensed)));
        return 0;
    }
}
