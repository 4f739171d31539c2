package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.Claims;
import looop.workers.WorkerVerbs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "claim", description = "Take the lease <name>: exit 0 when held, 1 naming the holder when taken.")
final class ClaimCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Option(names = "--session", paramLabel = "S", description = "The claiming session (default: $LOOOP_SESSION_ID).")
    String session;

    public Integer call() {
        return run(InternalCommand.root(spec).ctx, name, session);
    }

    /** The verb itself, for picocli and for QuickVerbs; session null means $LOOOP_SESSION_ID. */
    static int run(Context ctx, String name, String session) {
        String s = WorkerVerbs.claimant(session, ctx.env(), "claim");
        ctx.out().println(WorkerVerbs.claim(new Claims(ctx.profile(), ctx.sessions()), name, s));
        return 0;
    }
}
