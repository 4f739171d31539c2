package looop.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import looop.human.Tells;
import looop.io.ExitCode;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.workers.Health;
import looop.workers.Sessions;
import looop.human.WorkerHealth;
import looop.workers.Tmux;
import looop.workers.WorkerVerbs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "ls", description = {"List every worker: state, health (busy, idle, asking, blocked, stuck), exit code, flag note, and tells not delivered yet.",
        "--json prints {\"sessions\":[…], \"tells_undelivered\":{id: n}}."})
final class LsCommand implements Callable<Integer> {
    /** Clear the screen and home the cursor: a redraw, not a scroll. */
    private static final String CLEAR = "\033[H\033[2J";
    private static final Duration SHORTEST_INTERVAL = Duration.ofMillis(100);

    @ParentCommand Main root;

    @Option(names = "--watch", description = "Keep listing until Ctrl-C: redrawn every --interval on a terminal; elsewhere each change, once.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2s",
            description = "How often --watch looks again (default: ${DEFAULT-VALUE}).")
    Duration interval;

    public Integer call() {
        if (!watch) return run(root.ctx, root.json());
        Tmux.requireInstalled(root.ctx.profile());
        if (interval.compareTo(SHORTEST_INTERVAL) < 0) throw new UserError("--interval must be at least 100ms", ExitCode.USAGE);
        return watch(root.onTerminal());
    }

    /** One listing: the verb without --watch, for picocli and for QuickVerbs. */
    static int run(Context ctx, boolean json) {
        Tmux.requireInstalled(ctx.profile());
        ctx.out().print(render(ctx, json, ctx.sessions().list()));
        ctx.out().flush();
        return ExitCode.OK;
    }

    private static String render(Context ctx, boolean json, List<Sessions.Info> workers) {
        Map<String, Integer> tells = new Tells(ctx.profile(), ctx.clock()).undelivered();
        Map<String, Health> health = WorkerHealth.of(ctx.profile(), ctx.sessions(), ctx.clock(), Config.load(ctx.profile())).look(workers);
        if (json) {
            ObjectNode out = WorkerVerbs.json(workers, health);
            if (!tells.isEmpty()) {
                ObjectNode undelivered = out.putObject("tells_undelivered");
                for (Map.Entry<String, Integer> t : tells.entrySet()) undelivered.put(t.getKey(), t.getValue());
            }
            return Json.canonical(out) + "\n";
        }
        StringBuilder out = new StringBuilder(WorkerVerbs.table(workers, health));
        // below the table, not in it: a tell is looop's promise to the worker, not the worker's state
        for (Map.Entry<String, Integer> t : tells.entrySet()) {
            int n = t.getValue();
            out.append("✉ ").append(t.getKey()).append(": ").append(n).append(n == 1 ? " tell" : " tells")
                    .append(" not delivered yet (typed once its screen is still, or with its next answer)\n");
        }
        return out.toString();
    }

    /**
     * Lists until interrupted (Ctrl-C ends the process). Only a terminal is
     * cleared and redrawn; a pipe or a file gets each different listing once,
     * so `ls --watch --json` is a stream of changes.
     */
    private int watch(boolean terminal) {
        String last = null;
        try {
            while (true) {
                String now = render(root.ctx, root.json(), root.ctx.sessions().list());
                if (terminal) root.ctx.out().print(CLEAR + now);
                else if (!now.equals(last)) root.ctx.out().print(now);
                root.ctx.out().flush();
                last = now;
                Thread.sleep(interval.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.OK;
        }
    }
}
