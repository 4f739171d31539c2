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
        Main root = InternalCommand.root(spec);
        String s = WorkerVerbs.claimant(session, root.ctx.env(), "claim");
        root.ctx.out().println(WorkerVerbs.claim(new Claims(root.ctx.profile(), root.ctx.sessions()), name, s));
        return 0;
    }
}
