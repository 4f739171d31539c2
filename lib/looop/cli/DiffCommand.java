package looop.cli;

import java.util.concurrent.Callable;
import looop.git.Diff;
import looop.git.Worktree;
import looop.workers.WorkerRepos;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "diff", description = "Show what worker <id> changed against its base: its commits, uncommitted edits and new files; --json prints one object.")
final class DiffCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(index = "0", paramLabel = "ID", description = "A worker started with a repo.") String id;
    @Option(names = "--stat", description = "Only the files and line counts, not the diff itself.") boolean stat;

    public Integer call() {
        Worktree w = WorkerRepos.require(root.ctx.profile(), id);
        Diff d = WorkerRepos.worktrees(root.ctx.profile()).diff(w, !stat);
        if (root.json()) { // {id, branch, base, changed, commits, uncommitted, files:[…], patch}
            root.printJson(d.json());
            return 0;
        }
        root.ctx.out().println(d.headline());
        root.ctx.out().print(stat ? d.stat() : d.patch());
        return 0;
    }
}
