package looop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", description = "Run the pulse: one beat per interval until Ctrl-C (one pulse per data dir).")
final class RunCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--json", description = "Log NDJSON lines (as LOOOP_LOG_FORMAT=json).")
    boolean json;

    public Integer call() {
        return root.pulse(json);
    }
}
