package looop.cli;

import java.util.concurrent.Callable;
import looop.io.ExitCode;
import looop.io.UserError;
import looop.workers.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "expect", description = "Wait until a line the session showed (its log rendered as a terminal showed it, and its screen) matches REGEX; print it. 124 after --timeout (default 30s).")
final class ExpectCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Parameters(index = "1", paramLabel = "REGEX") String regex;
    @Mixin TimeoutOption timeout;
    @Option(names = "--from-now", description = "Only output printed after this call started.") boolean fromNow;
    @Option(names = "--screen", description = "Match the visible screen only.") boolean screen;
    @Option(names = "--raw", description = "Match the lines of output.log as written, escapes and all.") boolean raw;

    public Integer call() {
        var re = SessionView.regex(regex);
        var limit = timeout.or(java.time.Duration.ofSeconds(30));
        if (screen && fromNow) throw new UserError("--from-now is for the output log; the screen is always now (drop one of them)", ExitCode.USAGE);
        if (screen && raw) throw new UserError("--raw is for the output log's bytes; --screen is the screen (drop one of them)", ExitCode.USAGE);
        SessionView view = root.view();
        String sid = view.known(id);
        root.ctx.out().println(screen ? view.expectScreen(sid, re, limit)
                : raw ? view.expectRaw(sid, re, limit, fromNow) : view.expectLog(sid, re, limit, fromNow));
        return 0;
    }
}
