package looop.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "send", description = "Type text into a live worker, then press Enter (unless -n).")
final class SendCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The words to type, joined by spaces.") List<String> text;

    @Option(names = "-n", description = "Do not press Enter after the text.")
    boolean noEnter;

    public Integer call() {
        root.ctx.sessions().send(id, String.join(" ", text), !noEnter);
        return 0;
    }
}
