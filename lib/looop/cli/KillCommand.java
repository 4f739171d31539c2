package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "kill", description = "End worker <id> for good: a person stops a worker with it, and a worker calls `_ kill` when its work is done.")
final class KillCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;

    public Integer call() {
        Context ctx = InternalCommand.root(spec).ctx;
        int code = run(ctx, id);
        // a person's `looop kill` says what happened; a worker's `_ kill` ends its own terminal, nobody reads it
        if (spec.parent() == spec.root()) ctx.out().println("stopped worker " + looop.io.Ids.worker(id));
        return code;
    }

    /** The verb itself, for picocli and for QuickVerbs. */
    static int run(Context ctx, String id) {
        ctx.sessions().kill(id);
        return 0;
    }
}
