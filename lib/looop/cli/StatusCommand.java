package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import looop.beat.Status;

@Command(name = "status", description = "Is the pulse running, when did it last beat, what do workers do, what did today cost.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        Status status = new Status(root.ctx.profile(), root.ctx.clock(), root.ctx.sessions());
        if (root.json()) root.printJson(status.json());
        else root.ctx.out().print(status.text());
        return 0;
    }
}
