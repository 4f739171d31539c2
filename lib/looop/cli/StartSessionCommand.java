package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.TmuxSessions;
import picocli.CommandLine.Command;
import looop.workers.WorkerRepos;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "start-session", description = "Start worker <id> on the runner's interactive command, with the worker contract and <prompt> as its brief.")
final class StartSessionCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Goals.class, description = "The worker's id: letters, digits, '-' or '_'.") String id;
    @Parameters(index = "1", paramLabel = "PROMPT", description = "What the worker should do.") String prompt;
    @Parameters(index = "2", arity = "0..1", paramLabel = "RUNNER", description = "A runner from looop.json (default: its \"default\").") String runner;

    @Option(names = "--repo", paramLabel = "PATH", description = "A git checkout: the worker gets a worktree of its own on branch looop/<id>, and works there.") java.nio.file.Path repo;
    @Option(names = "--base", paramLabel = "REV", description = "With --repo: the branch or commit to start from (default: the checkout's HEAD).") String base;

    @Option(names = "--verify", paramLabel = "CMD", description = "A shell command looop runs once after the worker exits (as run_shell would, in its worktree if it has one); its result goes to sys-sessions and sessions/<id>/verify.json.") String verify;

    @Option(names = "--after", paramLabel = "ID", description = "Wait for worker ID first (repeatable): the worker is recorded as waiting, and the pulse starts it once each ended well (exit 0, its verify passed) and, with a repo, was merged; a failed, killed or discarded one leaves it blocked.") java.util.List<String> after;

    public Integer call() {
        if (base != null && repo == null) throw new looop.io.UserError("--base needs --repo: the base is a commit of the repo the worker works on", 2);
        if (verify != null) looop.profile.Config.load(root.ctx.profile()).shellGate().check(verify); // refused before the worker starts
        java.util.List<String> deps = after == null ? java.util.List.of() : after;
        root.ctx.sessions().start(id, prompt, runner, repo == null ? null : repo.toAbsolutePath(), base, verify == null || verify.isBlank() ? null : verify, deps);
        String wid = TmuxSessions.workerId(id);
        if (!deps.isEmpty()) {
            root.ctx.out().println("worker " + wid + " waits for " + String.join(", ", looop.workers.Waits.read(looop.workers.SessionFiles.of(root.ctx.profile(), wid)).after())
                    + "; the pulse starts it once they ended well" + (repo == null ? "" : " and were merged") + " (`looop ls` says what it waits on)");
            return 0;
        }
        root.ctx.out().println("started worker " + wid + (repo == null ? "" : " in its worktree " + WorkerRepos.root(root.ctx.profile()).resolve(wid)
                + " (branch looop/" + wid + "); `looop diff " + wid + "` shows its work") + "; `looop ls` shows how it is doing");
        return 0;
    }
}
