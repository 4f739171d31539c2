package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** `_ reference`: prints docs/reference.md (Reference); hidden, it is for the docs, not for workers. */
@Command(name = "reference", hidden = true, description = "Print docs/reference.md, generated from the command model and the knob table.")
final class ReferenceCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public Integer call() {
        Context ctx = InternalCommand.root(spec).ctx;
        ctx.out().print(Reference.markdown(Main.commandLine(ctx, false)));
        return 0;
    }
}
