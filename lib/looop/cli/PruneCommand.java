package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.Sessions;
import looop.workers.Tmux;
import looop.workers.WorkerRepos;
import looop.workers.WorkerVerbs;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "prune", description = "Remove every finished (exited, killed or blocked) session now; a waiting one, and any it waits on, stay.")
final class PruneCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        Tmux.requireInstalled(root.ctx.profile());
        root.ctx.out().print(WorkerVerbs.pruned(root.ctx.sessions().prune()));
        // finished sessions still here were kept for the work in their worktrees
        for (Sessions.Info i : root.ctx.sessions().list()) {
            String kept = i.alive() ? null : WorkerRepos.kept(root.ctx.profile(), i.id());
            if (kept != null) root.ctx.out().print(kept);
        }
        return 0;
    }
}
