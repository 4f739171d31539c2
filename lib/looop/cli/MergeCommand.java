package looop.cli;

import java.util.concurrent.Callable;
import looop.git.Merge;
import looop.git.Worktree;
import looop.workers.WorkerRepos;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "merge", description = "Bring worker <id>'s branch into the checkout's current branch, only when that is clean; "
        + "refuses with one line otherwise (conflicts, a dirty checkout), changing nothing.")
final class MergeCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(index = "0", paramLabel = "ID", description = "A worker started with a repo.") String id;
    @ArgGroup(exclusive = true) How how;
    @Option(names = "--force", description = "Merge even while the worker still runs.") boolean force;

    static final class How {
        @Option(names = "--squash", description = "One new commit with all of the worker's changes.") boolean squash;
        @Option(names = "--rebase", description = "Replay the worker's commits on the current branch, then fast-forward.") boolean rebase;
    }

    public Integer call() {
        Worktree w = WorkerRepos.require(root.ctx.profile(), id);
        WorkerRepos.refuseAlive(root.ctx.sessions(), w.id(), force, "merge");
        Merge.Mode mode = how == null ? Merge.Mode.MERGE : how.squash ? Merge.Mode.SQUASH : how.rebase ? Merge.Mode.REBASE : Merge.Mode.MERGE;
        root.ctx.out().println(Merge.run(WorkerRepos.worktrees(root.ctx.profile(), root.ctx::config), w, mode));
        return 0;
    }
}
