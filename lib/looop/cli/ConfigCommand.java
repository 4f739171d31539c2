package looop.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "config", description = "Print a shell completion script: looop config bash|zsh; eval \"$(looop config bash)\".")
final class ConfigCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    /** The data dir in the shell, by the same rule as looop.profile.Paths, evaluated at each completion. */
    static final String DATA_DIR = "${LOOOP_DATA_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/looop}";

    @ParentCommand Main root;

    @Parameters(paramLabel = "bash|zsh", description = "The shell: ${COMPLETION-CANDIDATES}.")
    Shell shell;

    public Integer call() {
        String script = script();
        root.ctx.out().print(switch (shell) {
            case bash -> script;
            case zsh -> "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        });
        return 0;
    }

    /**
     * picocli's script for a model whose live ids are markers, each replaced
     * by a shell expression that lists the ids when TAB is pressed.
     */
    String script() {
        String script = AutoComplete.bash("looop", Main.commandLine(root.ctx, true));
        for (LiveIds ids : new LiveIds[] {new LiveIds.Workers(), new LiveIds.Goals()}) {
            String listing = "($(d=\"" + DATA_DIR + "\"; shopt -s nullglob; " + ids.shellList() + "))";
            script = script.replace("(\"" + ids.marker() + "\")", listing);
        }
        return script;
    }
}
