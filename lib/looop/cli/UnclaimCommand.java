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
        Main root = InternalCommand.root(spec);
        String s = WorkerVerbs.claimant(session, root.ctx.env(), "unclaim");
        root.ctx.out().println(WorkerVerbs.unclaim(new Claims(root.ctx.profile(), root.ctx.sessions()), name, s));
        return 0;
    }
}
