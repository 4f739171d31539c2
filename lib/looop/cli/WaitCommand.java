package looop.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import looop.io.ExitCode;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Lock;
import looop.state.StateWait;
import looop.workers.SessionView;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "wait", description = {"Wait until the session ends; exit with its exit code (137 if killed, 124 after --timeout, default: never).",
        "With no ID and --only-asks or --actionable: wait until the loop needs a client, print what changed (`changed: …`), exit 0;",
        "124 after --timeout, 2 at once when no pulse runs (or when it stops while waiting)."})
final class WaitCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(paramLabel = "ID", arity = "0..1", completionCandidates = LiveIds.Workers.class,
            description = "The worker to wait for; none: wait on the loop (needs --only-asks or --actionable).") String id;
    @ArgGroup(exclusive = true) Scope scope;
    @Mixin TimeoutOption timeout;

    static final class Scope {
        @Option(names = "--only-asks", description = "No ID: wake on a new pending ask.") boolean onlyAsks;
        @Option(names = "--actionable", description = "No ID: wake on a new ask, a worker blocked, stuck or ended, a failed beat, a budget stop.") boolean actionable;
    }

    public Integer call() throws IOException, InterruptedException {
        if (id != null && scope != null) throw new UserError("`looop wait " + id + "` waits for that worker; drop --only-asks/--actionable, or the ID", ExitCode.USAGE);
        if (id != null) {
            SessionView view = root.view();
            return view.waitExit(view.known(id), timeout.or(null));
        }
        if (scope == null) throw new UserError("`looop wait` needs a worker ID, or --only-asks / --actionable to wait on the loop", ExitCode.USAGE);
        return onTheLoop(scope.onlyAsks ? StateWait.Scope.ASKS : StateWait.Scope.ACTIONABLE);
    }

    private int onTheLoop(StateWait.Scope what) throws IOException, InterruptedException {
        var paths = root.ctx.profile();
        String start = "no pulse is running on " + paths.data + ", so nothing will change: start one with `looop run` (or `looop`)";
        if (!Lock.isHeld(paths)) throw new UserError(start, ExitCode.NO_PULSE);
        StateWait.Outcome o = new StateWait(paths, Config.load(paths), root.ctx.sessions(), root.ctx.clock(), what).await(timeout.or(null));
        if (o.pulseGone()) throw new UserError("the pulse stopped while waiting; start it again with `looop run`", ExitCode.NO_PULSE);
        if (o.changes().isEmpty()) throw new UserError("nothing changed within " + looop.io.Durations.show(timeout.or(null)), ExitCode.TIMEOUT);
        if (root.json()) {
            var out = Json.object();
            var list = out.putArray("changed");
            o.changes().forEach(c -> list.addObject().put("kind", c.kind()).put("id", c.id()).put("text", c.text()));
            root.printJson(out);
        } else {
            o.changes().forEach(c -> root.ctx.out().println(c.line()));
        }
        return ExitCode.OK;
    }
}
