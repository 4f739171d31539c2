package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import looop.act.Executor;
import looop.beat.Stages;
import looop.beat.Tick;
import looop.act.Decision;
import looop.io.ExitCode;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Lock;
import looop.profile.Config;
import looop.profile.Paths;
import looop.profile.Seed;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "act", description = "Stage 5: execute decide's move (or a bare {\"action\":…} object) and journal it.")
final class ActCommand implements Callable<Integer> {
    @ParentCommand Main root;

    /** Reads stdin before taking the lock: a pipe's upstream stages run while act waits for them. */
    public Integer call() {
        root.refuseInsideWorker("looop act");
        Paths paths = root.ctx.profile();
        JsonNode in = Stages.readInput(root.ctx.in(), "act");
        if (in == null) throw new UserError("`looop act` reads a decision on stdin, e.g. echo '{\"action\":\"noop\"}' | looop act", ExitCode.USAGE);
        if (!in.has("outcome")) return actByHand(paths, in);
        Tick.Verdict decided = Stages.readDecided(paths, in);
        try (Lock lock = Lock.acquireOneShot(paths)) {
            Tick.Outcome o = root.tick(true).act(decided);
            root.printJson(Stages.outcome(o));
            return o.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
        }
    }

    /** The config for the seed; null when it does not load (the seed or the tick that follows says why in one line). */
    private static Config configOrNull(Paths paths) {
        try {
            return Config.load(paths);
        } catch (looop.io.UserError | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** A bare decision, typed by a person: executed and journaled; the world hash is not touched. */
    private int actByHand(Paths paths, JsonNode decision) {
        Decision parsed = Decision.parse(Json.canonical(decision));
        Executor.Done move;
        try (Lock lock = Lock.acquireOneShot(paths)) {
            Seed.ensure(paths, configOrNull(paths));
            move = root.tick(true).actByHand(parsed);
        }
        ObjectNode out = Json.object();
        out.put("outcome", "acted");
        out.set("move", Stages.move(move));
        root.printJson(out);
        return 0;
    }
}
