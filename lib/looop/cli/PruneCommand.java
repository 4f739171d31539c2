package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.Tmux;
import looop.workers.WorkerVerbs;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "prune", description = "Remove every finished (exited or killed) session now.")
final class PruneCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        Tmux.requireInstalled(root.ctx.profile());
        root.ctx.out().print(WorkerVerbs.pruned(root.ctx.sessions().prune()));
        return 0;
    }
}
