package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.Claims;
import looop.workers.WorkerVerbs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "unclaim", description = "Release the lease <name> (refused when another live session holds it).")
final class UnclaimCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Option(names = "--session", paramLabel = "S", description = "The releasing session (default: $LOOOP_SESSION_ID).")
    String session;

    public Integer call() {
        return run(InternalCommand.root(spec).ctx, name, session);
    }

    /** The verb itself, for picocli and for QuickVerbs; session null means $LOOOP_SESSION_ID. */
    static int run(Context ctx, String name, String session) {
        String s = WorkerVerbs.claimant(session, ctx.env(), "unclaim");
        ctx.out().println(WorkerVerbs.unclaim(new Claims(ctx.profile(), ctx.sessions()), name, s));
        return 0;
    }
}
