package looop.cli;

import java.util.concurrent.Callable;
import looop.io.Durations;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "wait-idle", description = "Wait until the screen stops changing for --settle. 124 on timeout.")
final class WaitIdleCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--settle", paramLabel = "DUR", description = "How long unchanged counts as idle (default 2s).") String settle;
    @Option(names = "--timeout", paramLabel = "DUR", description = "Give up after this long (default 60s).") String timeout;

    public Integer call() {
        var quiet = Durations.parseOr("--settle", settle, java.time.Duration.ofSeconds(2));
        var limit = Durations.parseOr("--timeout", timeout, java.time.Duration.ofSeconds(60));
        SessionView view = root.view();
        view.waitIdle(view.known(id), quiet, limit);
        return 0;
    }
}
