package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import looop.beat.Stages;
import looop.beat.Tick;
import looop.io.ExitCode;
import looop.io.UserError;
import looop.profile.Paths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "decide", description = "Stage 3: skip, back off, or ask the runner for one move; reads hash's JSON.")
final class DecideCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--force", description = "Re-decide even if the world is unchanged.")
    boolean force;

    public Integer call() {
        Paths paths = root.ctx.profile();
        JsonNode in = Stages.readInput(root.ctx.in(), "decide");
        if (in == null) throw new UserError("`looop decide` reads the output of `looop hash` on stdin; try `looop sense | looop hash | looop decide`", ExitCode.USAGE);
        Tick.Decided d = root.tick(true).decide(Stages.readHashed(paths, in), force);
        root.printJson(Stages.decided(paths, d));
        return d.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
    }
}
