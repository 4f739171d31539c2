package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "watch", description = "Follow a session's terminal read-only (works for pulse); leave with C-b d.")
final class WatchCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;

    public Integer call() {
        SessionView view = root.view();
        // `looop run` has no terminal to attach to: its output, followed, is what there is to watch
        if (root.pulseRunsOutsideTmux(view, id)) return looop.beat.RunLog.print(root.ctx.profile(), root.ctx.out(), 20, true);
        return view.attach(view.known(id), true, root.onTerminal());
    }
}
