package looop.cli;

import java.util.concurrent.Callable;
import looop.io.ExitCode;
import looop.io.UserError;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

@Command(name = "config", description = "Print a shell completion script: looop config bash|zsh.")
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(paramLabel = "bash|zsh", description = "The shell.")
    String shell;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public Integer call() {
        String script = AutoComplete.bash("looop", spec.parent().commandLine());
        switch (shell) {
            case "bash" -> root.ctx.out().print(script);
            case "zsh" -> root.ctx.out().print("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script);
            default -> throw new UserError("no completion for '" + shell + "'; use `looop config bash` or `looop config zsh`", ExitCode.USAGE);
        }
        return 0;
    }
}
