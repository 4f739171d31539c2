package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "wait", description = "Wait until the session ends; exit with its exit code (137 if killed, 124 after --timeout, default: never).")
final class WaitCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Mixin TimeoutOption timeout;

    public Integer call() {
        SessionView view = root.view();
        return view.waitExit(view.known(id), timeout.or(null));
    }
}
