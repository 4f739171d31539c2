package looop.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import looop.human.Asks;
import looop.human.Tell;
import looop.human.TellDelivery;
import looop.human.Tells;
import looop.human.WorkerTerminal;
import looop.profile.Paths;
import looop.workers.Sessions;
import looop.workers.TmuxSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "tell", description = {"Queue a message for a live worker, delivered exactly once: typed when its screen is still,",
        "or returned with its next answer. The pulse delivers what this command could not."})
final class TellCommand implements Callable<Integer> {
    /** How long tell itself waits for a quiet screen before leaving the delivery to the pulse. */
    static final Duration OWN_TRY = TellDelivery.SETTLE.plusSeconds(2);

    @ParentCommand Main root;
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT") List<String> text;

    public Integer call() {
        String worker = TmuxSessions.workerId(id);
        Paths paths = root.ctx.profile();
        Sessions sessions = root.ctx.sessions();
        Tells tells = new Tells(paths, root.ctx.clock());
        Tell t = tells.queue(worker, String.join(" ", text), sessions::isAlive);
        Asks asks = new Asks(paths, root.ctx.clock());
        var ask = asks.read(worker);
        if (ask != null && !ask.closed()) {
            root.ctx.out().println("queued for " + worker + "; it is waiting on an ask, so it gets this with the answer");
            return 0;
        }
        TellDelivery delivery = new TellDelivery(tells, asks, new WorkerTerminal(paths, sessions), java.time.Clock.systemUTC(), TellDelivery.SETTLE);
        long until = System.nanoTime() + OWN_TRY.toNanos();
        while (System.nanoTime() < until) {
            if (delivery.poll().stream().anyMatch(d -> d.tellId().equals(t.tellId()))) {
                root.ctx.out().println("told " + worker + " (typed into its terminal)");
                return 0;
            }
            if (tells.queued(worker).stream().noneMatch(q -> q.tellId().equals(t.tellId()))) break; // someone else delivered it
            looop.workers.SessionView.nap(250);
        }
        boolean waiting = tells.queued(worker).stream().anyMatch(q -> q.tellId().equals(t.tellId()));
        root.ctx.out().println(waiting ? "queued for " + worker + "; it is busy, so the pulse types it once its screen is still"
                : "told " + worker);
        return 0;
    }
}
