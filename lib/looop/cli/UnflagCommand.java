package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "unflag", description = "The human answered: _ unflag <id>.")
final class UnflagCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;

    public Integer call() {
        return run(InternalCommand.root(spec).ctx, id);
    }

    /** The verb itself, for picocli and for QuickVerbs. */
    static int run(Context ctx, String id) {
        ctx.sessions().unflag(id);
        return 0;
    }
}
