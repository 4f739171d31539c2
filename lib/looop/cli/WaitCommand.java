package looop.cli;

import java.util.concurrent.Callable;
import looop.io.Durations;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "wait", description = "Wait until the session ends; exit with its exit code (137 if killed, 124 on timeout).")
final class WaitCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--timeout", paramLabel = "DUR", description = "Give up after this long (default: never).") String timeout;

    public Integer call() {
        var limit = Durations.parseOr("--timeout", timeout, null);
        SessionView view = root.view();
        return view.waitExit(view.known(id), limit);
    }
}
