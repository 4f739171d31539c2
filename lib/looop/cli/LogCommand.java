package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.SessionLog;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "log", description = "A session's output as a terminal showed it (colour on a terminal; --raw: the bytes); --json: {\"id\",\"offset_start\",\"offset_end\",\"lines\"}, one per batch with --follow.")
final class LogCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.") Integer tail;
    @Option(names = "--grep", paramLabel = "RE", description = "Only lines matching this regex.") String grep;
    @Option(names = "--since", paramLabel = "N", description = "After byte offset N (a previous --json offset_end): the lines that came since.") Long since;
    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the session ends.") boolean follow;
    @Option(names = "--raw", description = "The bytes as the terminal got them.") boolean raw;

    public Integer call() {
        SessionLog.Query q = new SessionLog.Query(tail, grep == null ? null : SessionView.regex(grep), since, follow, raw, root.json(), root.onTerminal());
        SessionView view = root.view();
        if (root.pulseRunsOutsideTmux(view, id)) return looop.beat.RunLog.print(root.ctx.profile(), root.ctx.out(), tail, follow);
        return new SessionLog(view, root.ctx.out()).print(view.known(id), q);
    }
}
