package looop.act.moves;

import java.util.List;
import looop.workers.WorkerRepos;

/**
 * Starts worker <id> (an agent in its own terminal) with a brief; with repo,
 * in a git worktree of its own on branch looop/<id> from base. No move merges
 * it: only a person does (`looop merge`), rule 3.
 */
public record StartWorker(String id, String prompt, String repo, String base, String verify, List<String> after) implements Move {
    public static final Kind<StartWorker> KIND = new Kind<>("start_worker",
            List.of(Field.worker("id"), Field.text("prompt"), Field.optional("repo"), Field.optional("base"), Field.optional("verify"),
                    Field.workers("after")),
            a -> new StartWorker(a.worker("id"), a.str("prompt"), a.str("repo"), a.str("base"), blankIsNone(a.str("verify")), a.strings("after")),
            "start worker <id>, an agent in its own terminal, with this brief; with repo (an absolute path to a git "
                    + "checkout) it works in a worktree of its own on branch looop/<id> from base (default the checkout's HEAD), "
                    + "and only a person merges it: once sys-sessions says \"changes\": true, flag them to review (`looop diff <id>`). "
                    + "verify: a quick shell check (like run_shell, in its worktree) looop runs once the worker exits, "
                    + "e.g. \"test -s reports/x.md\"; sys-sessions then says \"verify\": \"passed\" or \"failed\". "
                    + "after: worker ids it waits for: it is \"waiting\" (counting against no cap) until each ended well (exit 0, "
                    + "verify passed) and, with a repo, was merged by a person; then looop starts it. A failed, killed or "
                    + "discarded one makes it \"blocked\" (its \"reason\" says why)",
            "starts worker <id>; with verify, runs that command once after it exits (60 s at most, "
                    + "through the run_shell gate and sandbox) and records the result in sessions/<id>/verify.json; "
                    + "with after, records it as waiting and starts it in a later beat once those workers ended well (and were merged)");

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
        if (!after.isEmpty()) {
            // a waiting worker counts against nothing until it starts, and then the beat keeps to max_workers
            ctx.sessions.start(id, prompt, null, WorkerRepos.repoPath(ctx.paths, repo), base, verify, after);
            return;
        }
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

    /** A start with after only writes files: its waiting record on file is the move done. */
    public Happened happened(Context ctx) {
        if (after.isEmpty()) return Happened.UNKNOWN;
        looop.workers.SessionFiles f = looop.workers.SessionFiles.of(ctx.paths, id);
        return f.readState() == looop.workers.SessionState.WAITING && looop.workers.Waits.read(f) != null ? Happened.YES : Happened.NO;
    }

    public String summary() {
        return after.isEmpty() ? label() : label() + " (waits for " + String.join(", ", after) + ")";
    }

    public boolean goalActivity() {
        return true;
    }
}
