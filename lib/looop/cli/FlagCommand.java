package looop.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "flag", description = "Mark worker <id> as waiting for a human: _ flag <id> [note].")
final class FlagCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Parameters(index = "1..*", arity = "0..*", paramLabel = "NOTE", description = "The question (default: needs attention).") List<String> note;

    public Integer call() {
        return run(InternalCommand.root(spec).ctx, id, note == null ? List.of() : note);
    }

    /** The verb itself, for picocli and for QuickVerbs. */
    static int run(Context ctx, String id, List<String> note) {
        ctx.sessions().flag(id, String.join(" ", note));
        return 0;
    }
}
