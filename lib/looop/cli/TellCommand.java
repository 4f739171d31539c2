package looop.cli;

import java.util.List;
import java.util.concurrent.Callable;
import looop.human.TellDelivery;
import looop.workers.TmuxSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "tell", description = {"Queue a message for a live worker, delivered exactly once: typed when its screen is still, or returned with its next answer.",
        "The pulse delivers what this command could not."})
final class TellCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT") List<String> text;

    public Integer call() {
        TellDelivery delivery = TellDelivery.of(root.ctx.profile(), root.ctx.sessions(), root.ctx.clock());
        root.ctx.out().println(delivery.tell(TmuxSessions.workerId(id), String.join(" ", text), TellDelivery.GIVER_TRY, "cli").line());
        return 0;
    }
}
