package looop.cli;

import java.util.concurrent.Callable;
import looop.workers.TmuxSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "start-session", description = "Start worker <id> on the runner's interactive command, with the worker contract and <prompt> as its brief.")
final class StartSessionCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Goals.class, description = "The worker's id: letters, digits, '-' or '_'.") String id;
    @Parameters(index = "1", paramLabel = "PROMPT", description = "What the worker should do.") String prompt;
    @Parameters(index = "2", arity = "0..1", paramLabel = "RUNNER", description = "A runner from looop.json (default: its \"default\").") String runner;

    public Integer call() {
        root.ctx.sessions().start(id, prompt, runner);
        root.ctx.out().println("started worker " + TmuxSessions.workerId(id) + "; `looop ls` shows how it is doing");
        return 0;
    }
}
