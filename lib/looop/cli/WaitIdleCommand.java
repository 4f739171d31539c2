package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "wait-idle", description = "Wait until the screen stops changing for --settle. 124 after --timeout (default 60s).")
final class WaitIdleCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Option(names = "--settle", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2s",
            description = "How long unchanged counts as idle (default: ${DEFAULT-VALUE}).") java.time.Duration settle;
    @Mixin TimeoutOption timeout;

    public Integer call() {
        var limit = timeout.or(java.time.Duration.ofSeconds(60));
        SessionView view = root.view();
        view.waitIdle(view.known(id), settle, limit);
        return 0;
    }
}
