package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import looop.profile.Config;
import looop.state.StateDocument;
import looop.state.StatusText;

@Command(name = "status", description = "Is the pulse running, when did it last beat, what do workers do, what did today cost.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        var state = StateDocument.read(root.ctx.profile(), Config.load(root.ctx.profile()), root.ctx.sessions(), root.ctx.clock());
        if (root.json()) root.printJson(state);
        else root.ctx.out().print(StatusText.of(state, root.ctx.clock()));
        return 0;
    }
}
