package looop.cli;

import java.util.concurrent.Callable;
import looop.io.Ids;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "attach", description = "Take over a worker's terminal; detach with the tmux prefix (C-b) then d.")
final class AttachCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;

    public Integer call() {
        SessionView view = root.view();
        return view.attach(view.known(Ids.worker(id)), false, root.onTerminal());
    }
}
