package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", description = "Run the pulse: one beat per interval until Ctrl-C (one pulse per data dir).")
final class RunCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        root.refuseInsideWorker("looop run");
        return root.pulse();
    }
}
