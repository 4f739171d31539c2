package looop.cli;

import java.util.concurrent.Callable;
import looop.profile.Config;
import looop.watch.FleetWatch;
import looop.workers.SessionView;
import looop.workers.Tmux;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "watch", description = {"Follow a session's terminal read-only (works for pulse); leave with C-b d.",
        "With no ID: a live view of every worker (table and the selected one's screen); ↑↓/j k/Tab move, PgUp/PgDn scroll, q leaves."})
final class WatchCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID", arity = "0..1", completionCandidates = LiveIds.Workers.class) String id;

    public Integer call() {
        if (id == null) {
            Tmux.requireInstalled(root.ctx.profile());
            return new FleetWatch(root.ctx.profile(), root.ctx.clock(), root.ctx.sessions(), () -> Config.load(root.ctx.profile())).run(root.onTerminal(), root.ctx.in(), root.ctx.out());
        }
        SessionView view = root.view();
        // `looop run` has no terminal to attach to: its output, followed, is what there is to watch
        if (root.pulseRunsOutsideTmux(view, id)) return looop.beat.RunLog.print(root.ctx.profile(), root.ctx.out(), 20, true);
        return view.attach(view.known(id), true, root.onTerminal());
    }
}
