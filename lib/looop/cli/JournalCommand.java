package looop.cli;

import java.util.concurrent.Callable;
import looop.io.ExitCode;
import looop.io.UserError;
import looop.profile.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "journal", description = "Print the journal: one line per move.")
final class JournalCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.")
    int tail;

    public Integer call() {
        if (tail < 0) throw new UserError("--tail takes a number ≥ 0, got " + tail, ExitCode.USAGE);
        new Journal(root.ctx.profile(), root.ctx.clock()).tail(tail).forEach(root.ctx.out()::println);
        return 0;
    }
}
