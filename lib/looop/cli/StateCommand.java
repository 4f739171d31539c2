package looop.cli;

import java.util.concurrent.Callable;
import looop.profile.Config;
import looop.state.StateDocument;
import looop.state.StateText;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "state", description = {"Everything a client needs in one document: pulse, last beat, workers, asks, schedules, budget, sensors.",
        "With --json the document itself (docs/state.md names every field); without, a few lines."})
final class StateCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        var state = StateDocument.read(root.ctx.profile(), Config.load(root.ctx.profile()), root.ctx.sessions(), root.ctx.clock());
        if (root.json()) root.printJson(state);
        else root.ctx.out().print(StateText.of(state, root.ctx.clock()));
        return 0;
    }
}
