package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "version", description = "Print looop's version.")
final class VersionCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        root.ctx.out().println(new VersionProvider().getVersion()[0]);
        return 0;
    }
}
