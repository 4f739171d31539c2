package looop.act.moves;

import java.util.List;
import looop.io.UserError;
import looop.workers.Claims;

/**
 * Ends live worker <id> for good through the engine (the `looop _ kill` a
 * worker runs itself), then releases the claims it held, so the next worker
 * can take that work. Refused, as a failed move, for a worker that is not
 * alive: there is nothing to end.
 */
public record KillWorker(String id) implements Move {
    public static final Kind<KillWorker> KIND = new Kind<>("kill_worker", List.of(Field.worker("id")),
            a -> new KillWorker(a.worker("id")),
            "end live or waiting worker <id> for good (stuck, or working on the wrong thing); its claims are released",
            "ends a live worker (its terminal goes, its state becomes killed) and releases its claims");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        if (!ctx.sessions.isAlive(id) && !waiting(ctx)) {
            boolean known = ctx.sessions.list().stream().anyMatch(s -> s.id().equals(id));
            throw new UserError(known ? "worker " + id + " is not alive; nothing to end (sys-sessions says how it ended)"
                    : "no worker " + id + "; sys-sessions lists the workers there are");
        }
        ctx.sessions.kill(id);
        new Claims(ctx.paths, ctx.sessions).releaseHeldBy(id);
    }

    /** A worker waiting for others is dropped the same way: killed, so those waiting on it are blocked. */
    private boolean waiting(Context ctx) {
        return ctx.sessions.list().stream().anyMatch(s -> s.id().equals(id) && s.state() == looop.workers.SessionState.WAITING);
    }

    /** Ended is what the move does: once the worker is not alive it took effect (its claims go at the next beat's housekeeping anyway). */
    public Happened happened(Context ctx) {
        return ctx.sessions.isAlive(id) || waiting(ctx) ? Happened.NO : Happened.YES;
    }

    public boolean goalActivity() {
        return true;
    }
}
