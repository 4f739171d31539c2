package looop.workers;

import java.nio.file.Path;
import looop.git.Worktree;
import looop.git.Worktrees;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Paths;

/**
 * The worktrees of a profile's workers: where they live (worktrees/&lt;id&gt;
 * in the data dir) and what sessions/&lt;id&gt;/meta.json recorded about each
 * (repo, branch, base), read from there and nowhere else.
 */
public final class WorkerRepos {
    private WorkerRepos() {}

    public static Worktrees worktrees(Paths paths) {
        return new Worktrees(root(paths));
    }

    public static Path root(Paths paths) {
        return paths.data.resolve("worktrees");
    }

    /** Worker id's worktree as recorded, or null when it has none (no session, or started without a repo). */
    public static Worktree read(Paths paths, String id) {
        if (Ids.problem(id) != null) return null;
        return Worktree.fromJson(id, Json.parseOrNull(Fs.readOr(SessionFiles.of(paths, id).meta(), "")));
    }

    /** The same for a person's verb: a one-line error when there is none. */
    public static Worktree require(Paths paths, String rawId) {
        String id = Ids.worker(rawId);
        if (!SessionFiles.of(paths, id).exists()) throw new UserError("no worker " + id + "; `looop ls` lists them");
        Worktree w = read(paths, id);
        if (w == null) {
            throw new UserError("worker " + id + " was started without a repo, so it has no worktree; "
                    + "start one with `looop start-session <id> <prompt> --repo <path>`");
        }
        return w;
    }

    /** Refuses a person's verb on a worker that still runs (it may be mid-commit), unless forced. */
    public static void refuseAlive(Sessions sessions, String id, boolean force, String verb) {
        if (force || !sessions.isAlive(id)) return;
        throw new UserError("worker " + id + " is still running; wait for it to end (`looop wait " + id
                + "`), end it (`looop _ kill " + id + "`), or `looop " + verb + " " + id + " --force`");
    }
}
