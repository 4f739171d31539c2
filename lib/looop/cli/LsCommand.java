package looop.cli;

import java.util.List;
import java.util.concurrent.Callable;
import looop.workers.Sessions;
import looop.workers.Tmux;
import looop.workers.WorkerVerbs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "ls", description = "List every worker: state, exit code, flag note.")
final class LsCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--json", description = "Print one JSON object: {\"sessions\":[…]}.")
    boolean json;

    public Integer call() {
        Tmux.requireInstalled(root.ctx.profile());
        print(root.ctx.sessions().list());
        return 0;
    }

    /** One listing; a --watch loop prints this again whenever it changes. */
    void print(List<Sessions.Info> workers) {
        if (json) root.printJson(WorkerVerbs.json(workers));
        else root.ctx.out().print(WorkerVerbs.table(workers));
    }
}
