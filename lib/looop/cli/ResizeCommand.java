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
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1", paramLabel = "COLSxROWS") String size;

    public Integer call() {
        int[] cr = SessionView.size(size);
        SessionView view = root.view();
        view.resize(view.known(Ids.worker(id)), cr[0], cr[1]);
        return 0;
    }
}
