package looop.act.moves;

import java.util.List;
import looop.workers.WorkerRepos;

/**
 * Starts worker <id> (an agent in its own terminal) with a brief; with repo,
 * in a git worktree of its own on branch looop/<id> from base. No move merges
 * it: only a person does (`looop merge`), rule 3.
 */
public record StartWorker(String id, String prompt, String repo, String base, String verify) implements Move {
    public static final Kind<StartWorker> KIND = new Kind<>("start_worker",
            List.of(Field.worker("id"), Field.text("prompt"), Field.optional("repo"), Field.optional("base"), Field.optional("verify")),
            a -> new StartWorker(a.worker("id"), a.str("prompt"), a.str("repo"), a.str("base"), blankIsNone(a.str("verify"))),
            "start worker <id>, an agent in its own terminal, with this brief; with repo (an absolute path to a git "
                    + "checkout) it works in a worktree of its own on branch looop/<id> from base (default the checkout's HEAD), "
                    + "and only a person merges it: once sys-sessions says \"changes\": true, flag them to review (`looop diff <id>`). "
                    + "verify: a quick shell check (like run_shell, in its worktree) looop runs once the worker exits, "
                    + "e.g. \"test -s reports/x.md\"; sys-sessions then says \"verify\": \"passed\" or \"failed\"",
            "starts worker <id>; with verify, runs that command once after it exits (60 s at most, "
                    + "through the run_shell gate and sandbox) and records the result in sessions/<id>/verify.json");

    private static String blankIsNone(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A verify the run_shell gate would refuse is refused now, before the worker starts, not after its work. */
    public void check(Context ctx) {
        if (verify != null) ctx.gate().check(verify);
    }

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        requireRoom(ctx);
        ctx.sessions.start(id, prompt, null, WorkerRepos.repoPath(ctx.paths, repo), base, verify);
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
