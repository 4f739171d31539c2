package looop.cli;

import java.util.concurrent.Callable;
import looop.git.Diff;
import looop.git.Worktree;
import looop.workers.WorkerConflicts;
import looop.workers.WorkerRepos;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "diff", description = "Show what worker <id> changed against its base: its branch (what `looop merge` lands; new executables, git attributes, hooks and CI called out first), then its uncommitted edits and new files apart, then the other workers' branches it collides with; --json prints one object.")
final class DiffCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(index = "0", paramLabel = "ID", description = "A worker started with a repo.") String id;
    @Option(names = "--stat", description = "Only the files and line counts, not the diff itself.") boolean stat;

    public Integer call() {
        Worktree w = WorkerRepos.require(root.ctx.profile(), id);
        Diff d = WorkerRepos.worktrees(root.ctx.profile(), root.ctx::config).diff(w, !stat);
        WorkerConflicts.Look collisions = new WorkerConflicts(root.ctx.profile()).look(root.ctx.sessions().list());
        if (root.json()) { // {id, branch, base, changed, commits, uncommitted, review_first, files:[…], uncommitted_files, patch, uncommitted_patch, conflicts}
            root.printJson(d.json().set("conflicts", collisions.json(w.id())));
            return 0;
        }
        root.ctx.out().print(d.text(stat));
        root.ctx.out().print(collisions.text(w.id()));
        return 0;
    }
}
