package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import looop.beat.Stages;
import looop.beat.Tick;
import looop.io.ExitCode;
import looop.gate.Gate;
import looop.io.UserError;
import looop.profile.Paths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "decide", description = "Stage 4: ask the runner for one move behind gate's answer (given hash's JSON, it gates itself).")
final class DecideCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--force", description = "Re-decide even if the world is unchanged.")
    boolean force;

    public Integer call() {
        Paths paths = root.ctx.profile();
        JsonNode in = Stages.readInput(root.ctx.in(), "decide");
        if (in == null) throw new UserError("`looop decide` reads the output of `looop hash` on stdin; try `looop sense | looop hash | looop decide`", ExitCode.USAGE);
        Tick.Hashed world = Stages.readHashed(paths, in);
        Gate.Result gate = Stages.readGate(in);
        if (force && gate instanceof Gate.Closed c && c.reason().equals(Gate.UNCHANGED)) {
            throw new UserError("the gate on stdin is already closed (world unchanged), so --force comes too late here; put it on `looop gate --force`", ExitCode.USAGE);
        }
        Tick tick = root.tick(true);
        Tick.Verdict v = gate == null ? tick.decide(world, force) : tick.decide(world, gate);
        tick.pruneRuns();
        root.printJson(Stages.decided(paths, v));
        return v instanceof Tick.Ended e && e.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
    }
}
