package looop.act.moves;

import java.util.List;

/** Starts worker <id> (an agent in its own terminal) with a brief. */
public record StartWorker(String id, String prompt) implements Move {
    public static final Kind<StartWorker> KIND = new Kind<>("start_worker", List.of(Field.worker("id"), Field.text("prompt")),
            a -> new StartWorker(a.worker("id"), a.str("prompt")),
            "start worker <id>, an agent in its own terminal, with this brief", "starts worker session <id> with that brief");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        requireRoom(ctx);
        ctx.sessions.start(id, prompt, null);
    }

    /** max_workers: a worker beyond it is a failed move, so the decider sees the cap rather than a fleet. */
    private void requireRoom(Context ctx) {
        long max = ctx.guards().maxWorkers();
        if (max <= 0) return;
        long live = ctx.sessions.list().stream().filter(looop.workers.Sessions.Info::alive).count();
        if (live >= max) {
            throw new looop.io.UserError(live + " workers are live and max_workers is " + max
                    + "; wait for one to finish, or raise max_workers in looop.json");
        }
    }

    public Happened happened(Context ctx) {
        return Happened.UNKNOWN;
    }

    public boolean goalActivity() {
        return true;
    }
}
