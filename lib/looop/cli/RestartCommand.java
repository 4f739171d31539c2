package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "restart", description = "Run a worker's command again (its session is respawned or recreated).")
final class RestartCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;

    public Integer call() {
        root.ctx.sessions().restart(id);
        return 0;
    }
}
