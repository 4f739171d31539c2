package looop.cli;

import java.util.concurrent.Callable;
import looop.io.ExitCode;
import looop.io.UserError;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "shot", description = "The session's visible screen right now; --json: {\"id\",\"cols\",\"rows\",\"cursor_x\",\"cursor_y\",\"lines\"}.")
final class ShotCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Option(names = "--ansi", description = "Keep colours and styles.") boolean ansi;
    @Option(names = "--trim", description = "Drop trailing spaces and blank lines at the bottom.") boolean trim;

    public Integer call() {
        if (ansi && root.json()) throw new UserError("shot takes --ansi or --json, not both", ExitCode.USAGE);
        SessionView view = root.view();
        String sid = view.known(id);
        SessionView.Screen screen = view.screen(sid, ansi);
        if (root.json()) root.printJson(screen.json(sid, trim));
        else (trim ? screen.trimmed() : screen.lines()).forEach(root.ctx.out()::println);
        return 0;
    }
}
