package looop.act.moves;

import java.util.List;
import looop.workers.WorkerRepos;

/**
 * Starts worker <id> (an agent in its own terminal) with a brief; with repo,
 * in a git worktree of its own on branch looop/<id> from base. No move merges
 * it: only a person does (`looop merge`), rule 3.
 */
public record StartWorker(String id, String prompt, String repo, String base) implements Move {
    public static final Kind<StartWorker> KIND = new Kind<>("start_worker",
            List.of(Field.worker("id"), Field.text("prompt"), Field.optional("repo"), Field.optional("base")),
            a -> new StartWorker(a.worker("id"), a.str("prompt"), a.str("repo"), a.str("base")),
            "start worker <id>, an agent in its own terminal, with this brief; with repo (an absolute path to a git "
                    + "checkout) it works in a worktree of its own on branch looop/<id> from base (default the checkout's HEAD), "
                    + "and only a person merges it: once sys-sessions says \"changes\": true, flag them to review (`looop diff <id>`)",
            "starts worker session <id> with that brief");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        requireRoom(ctx);
        ctx.sessions.start(id, prompt, null, WorkerRepos.repoPath(ctx.paths, repo), base);
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
