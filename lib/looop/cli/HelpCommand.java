package looop.cli;

import java.util.concurrent.Callable;
import looop.io.ExitCode;
import looop.io.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

@Command(name = "help", description = "Print the manual, or the usage of one command: looop help [COMMAND].")
final class HelpCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(arity = "0..1", paramLabel = "COMMAND")
    String command;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public Integer call() {
        if (command == null) {
            root.ctx.out().print(Manual.text());
            return 0;
        }
        CommandLine sub = spec.parent().subcommands().get(command);
        if (sub == null) throw new UserError("no command '" + command + "'; `looop help` lists them all", ExitCode.USAGE);
        sub.usage(root.ctx.out());
        return 0;
    }
}
