package looop.cli;

import java.util.concurrent.Callable;
import looop.git.Worktree;
import looop.git.Worktrees;
import looop.workers.WorkerRepos;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "discard", description = "Remove worker <id>'s worktree and its branch looop/<id>, merged or not; the checkout is not touched.")
final class DiscardCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(index = "0", paramLabel = "ID", description = "A worker started with a repo.") String id;
    @Option(names = "--force", description = "Discard even while the worker still runs: it is stopped first.") boolean force;

    public Integer call() {
        String wid = looop.io.Ids.worker(id);
        if (looop.workers.SessionFiles.of(root.ctx.profile(), wid).readState() == looop.workers.SessionState.WAITING) {
            // it never started, so it has no worktree yet: dropping it is ending it, and those waiting on it are blocked
            root.ctx.sessions().kill(wid);
            root.ctx.out().println("discarded waiting worker " + wid + " before it started (it reads as killed)");
            return 0;
        }
        Worktree w = WorkerRepos.require(root.ctx.profile(), id);
        WorkerRepos.refuseAlive(root.ctx.sessions(), w.id(), force, "discard");
        // a worker left running in a deleted directory would write into nothing, and its session would lie about it
        boolean stopped = root.ctx.sessions().isAlive(w.id());
        if (stopped) root.ctx.sessions().kill(w.id());
        Worktrees worktrees = WorkerRepos.worktrees(root.ctx.profile(), root.ctx::config);
        // said before it is gone: a person who discards unmerged work should know they did
        String lost = worktrees.unmerged(w);
        worktrees.discard(w);
        looop.workers.Waits.discarded(root.ctx.profile(), w.id(), lost); // a worker waiting on it reads which way it went
        root.ctx.out().println((stopped ? "stopped worker " + w.id() + ", then discarded its worktree " : "discarded worker " + w.id() + "'s worktree ")
                + w.path() + " and branch " + w.branch()
                + (lost == null ? "" : " (" + lost + ")"));
        return 0;
    }
}
