package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "version", description = "Print looop's version.")
final class VersionCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        return run(root.ctx);
    }

    /** The verb itself, for picocli and for QuickVerbs. */
    static int run(Context ctx) {
        ctx.out().println(VersionProvider.line());
        return 0;
    }
}
