package looop.cli;

import java.util.List;
import java.util.concurrent.Callable;
import looop.io.ExitCode;
import looop.io.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

@Command(name = "help", description = "Print the manual, or the usage of one command: looop help [COMMAND [SUBCOMMAND]].")
final class HelpCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "A verb, e.g. tick, or `_ cost`.")
    List<String> command;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public Integer call() {
        if (command == null || command.isEmpty()) {
            root.ctx.out().print(Manual.text(spec.root().commandLine()));
            return ExitCode.OK;
        }
        CommandLine cl = spec.parent().commandLine();
        for (String word : command) {
            cl = cl.getSubcommands().get(word);
            if (cl == null) throw new UserError("no command '" + String.join(" ", command) + "'; `looop help` lists them all", ExitCode.USAGE);
        }
        cl.usage(root.ctx.out());
        return ExitCode.OK;
    }
}
