package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import looop.beat.Stages;
import looop.beat.Tick;
import looop.gate.Gate;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Paths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "gate", description = "Stage 3: may this beat call the AI (changed, no backoff, within budget)? Adds \"gate\" to hash's JSON.")
final class GateCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--force", description = "Open the gate for an unchanged world (backoff and budget still hold).")
    boolean force;

    /** A closed gate is an answer, not an error: exit 0, and decide skips. */
    public Integer call() {
        Paths paths = root.ctx.profile();
        JsonNode in = Stages.readInput(root.ctx.in(), "gate");
        if (in == null) throw new UserError("`looop gate` reads the output of `looop hash` on stdin; try `looop sense | looop hash | looop gate`", 2);
        Tick.Hashed world = Stages.readHashed(paths, in);
        Gate.Result gate = root.tick(true).gate(world, Config.load(paths), force);
        root.printJson(Stages.gated(Stages.hashed(paths, world), gate));
        return 0;
    }
}
