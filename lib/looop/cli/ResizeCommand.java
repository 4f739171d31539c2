package looop.cli;

import java.util.concurrent.Callable;
import looop.io.Ids;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "resize", description = "Resize a worker's terminal, e.g. looop resize fix-ci 120x40.")
final class ResizeCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Parameters(index = "1", paramLabel = "COLSxROWS", converter = TerminalSize.Converter.class) TerminalSize size;

    public Integer call() {
        SessionView view = root.view();
        view.resize(view.known(Ids.worker(id)), size.cols(), size.rows());
        return 0;
    }
}
