package looop.cli;

import java.util.concurrent.Callable;
import looop.io.Ids;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "detach", description = "Detach whoever is attached to a worker; it keeps running.")
final class DetachCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;

    public Integer call() {
        SessionView view = root.view();
        String sid = view.known(Ids.worker(id));
        if (view.detach(sid) == 0) root.ctx.out().println("nobody was attached to " + sid);
        return 0;
    }
}
