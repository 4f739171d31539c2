package looop.workers;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import looop.git.Worktree;
import looop.git.WorktreeView;
import looop.git.Worktrees;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Confinement;
import looop.profile.Paths;

/**
 * The worktrees of a profile's workers: where they live (worktrees/&lt;id&gt;
 * in the data dir) and what sessions/&lt;id&gt;/meta.json recorded about each
 * (repo, branch, base), read from there and nowhere else.
 */
public final class WorkerRepos {
    private WorkerRepos() {}

    /**
     * The profile's worktrees; what reads a worktree's uncommitted files runs
     * in the sandbox with nothing writable (see WorktreeView), under the
     * config the caller read (asked only when such a read happens).
     */
    public static Worktrees worktrees(Paths paths, Supplier<Config> config) {
        return new Worktrees(root(paths), new Reader(paths, config));
    }

    /** The same for what reads only refs and objects (records, branches, merges of objects): no worktree file is read. */
    public static Worktrees refs(Paths paths) {
        return new Worktrees(root(paths), new NoReader());
    }

    // classes, not lambdas: sensors call refs() every beat, and a quick path links no lambda (StartupTest)
    private record Reader(Paths paths, Supplier<Config> config) implements WorktreeView.Confined {
        public List<String> wrap(Worktree w, List<String> argv) {
            return Confinement.of(paths, config.get()).reader(List.of(w.path(), w.commonDir(), w.adminDir())).apply(argv);
        }
    }

    private static final class NoReader implements WorktreeView.Confined {
        public List<String> wrap(Worktree w, List<String> argv) {
            throw new IllegalStateException("these worktrees read no worktree's files: make them with WorkerRepos.worktrees(paths, config)");
        }
    }

    public static Path root(Paths paths) {
        return paths.data.resolve("worktrees");
    }

    /** A repo named by a move or a flag: absolute or ~/…, never relative (to what would it be?); null stays null. */
    public static Path repoPath(Paths paths, String repo) {
        if (repo == null || repo.isBlank()) return null;
        String home = paths.env("HOME");
        if ((repo.equals("~") || repo.startsWith("~/")) && home != null) return Path.of(home).resolve(repo.substring(Math.min(2, repo.length())));
        Path p = Path.of(repo);
        if (!p.isAbsolute()) throw new UserError("repo '" + repo + "' must be an absolute path (or ~/…) to a git checkout");
        return p;
    }

    /**
     * Worker id's worktree as recorded, or null when it has none (no session,
     * or started without a repo). A record that does not match what looop
     * made (see Worktrees.problem; a repo where sandboxed commands write,
     * never is the person's) is refused in one line: looop runs no git
     * on it and deletes nothing it names.
     */
    public static Worktree read(Paths paths, String id) {
        return read(paths, id, refs(paths));
    }

    /** The same, checked by worktrees (one instance for many workers opens each repo once). */
    public static Worktree read(Paths paths, String id, Worktrees worktrees) {
        if (Ids.problem(id) != null) return null;
        Worktree w = Worktree.fromJson(id, Json.parseOrNull(Fs.readOr(SessionFiles.of(paths, id).meta(), "")));
        if (w == null) return null;
        Path repo = w.repo().toAbsolutePath().normalize();
        for (String place : SANDBOX_WRITTEN) {
            if (repo.startsWith(paths.data.toAbsolutePath().normalize().resolve(place))) {
                throw new UserError("refused: worker " + id + "'s worktree record names a repo in " + place + "/ (" + w.repo()
                        + "), where sandboxed commands write; looop runs and deletes nothing of it");
            }
        }
        return worktrees.require(w);
    }

    // the data dir's places that some sandboxed command can write: never the person's repo
    private static final java.util.List<String> SANDBOX_WRITTEN = java.util.List.of("worktrees", "sessions", "workers", "claims", "reports", "tells", "runs");

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

    /**
     * A new start replaces a finished session's files whole, its record of a
     * worktree too: refused while that worktree is still there, so the work
     * in it never loses the record that leads a person to it.
     */
    public static void refuseLeftWorktree(Paths paths, String id) {
        Worktree old = read(paths, id);
        if (old == null || !java.nio.file.Files.exists(old.path())) return;
        throw new UserError("worker " + id + "'s worktree from its last run is still at " + old.path() + "; `looop diff " + id
                + "`, then `looop merge " + id + "` or `looop discard " + id + "` first, or pick another id");
    }

    /**
     * For prune and the session TTL: removes a finished worker's worktree
     * when nothing in it is unmerged and says false; otherwise keeps it (and
     * so its session, whose meta.json leads to it), writes why to
     * sessions/&lt;id&gt;/kept, and says true. A worker without a worktree: false.
     */
    public static boolean keepsUnmerged(Paths paths, String id, Supplier<Config> config) {
        Worktree w;
        try {
            w = read(paths, id);
        } catch (UserError e) {
            Fs.writeAtomic(SessionFiles.of(paths, id).dir().resolve("kept"), "kept worker " + id + "'s session: " + e.getMessage() + "\n");
            return true;
        }
        if (w == null) return false;
        String why;
        try {
            why = worktrees(paths, config).discardIfMerged(w);
        } catch (UserError | java.io.UncheckedIOException e) {
            why = "looop could not tell what is unmerged (" + e.getMessage() + ")";
        }
        if (why == null) return false;
        Path kept = SessionFiles.of(paths, id).dir().resolve("kept");
        String line = keptLine(w, why);
        if (!line.equals(Fs.readOrNull(kept))) Fs.writeAtomic(kept, line);
        return true;
    }

    /** What prune says about a worktree it kept. */
    public static String keptLine(Worktree w, String why) {
        return "kept worker " + w.id() + "'s worktree " + w.path() + ": " + why + "; `looop diff " + w.id() + "`, then `looop merge "
                + w.id() + "` or `looop discard " + w.id() + "`\n";
    }

    /** The kept line prune wrote for id, or null. */
    public static String kept(Paths paths, String id) {
        return Fs.readOrNull(SessionFiles.of(paths, id).dir().resolve("kept"));
    }

    /** For sys-sessions: whether worker id's branch has changes, or null when it has no worktree (or it cannot be read). */
    public static Boolean changes(Paths paths, String id) {
        try {
            Worktree w = read(paths, id);
            return w == null ? null : refs(paths).hasChanges(w);
        } catch (UserError | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /**
     * What the sandbox must grant worker id when it launches it: its worktree
     * and its branch's part of the repo's .git writable, the checkout, hooks,
     * config and git's pointer files protected. Grant.none() without a repo.
     */
    public static looop.sandbox.Grant sandboxGrant(Paths paths, String id) {
        return sandboxGrant(paths, read(paths, id));
    }

    /** The same for worktree w (null: none), before its meta.json is in place (a start stages it aside). */
    public static looop.sandbox.Grant sandboxGrant(Paths paths, Worktree w) {
        if (w == null) return looop.sandbox.Grant.none();
        Worktrees.Access a = refs(paths).sandboxAccess(w);
        return looop.sandbox.Grant.none().write(a.writable()).protect(a.protectedPaths()).bind(a.bound());
    }

    /** Refuses a person's verb on a worker that still runs (it may be mid-commit), unless forced. */
    public static void refuseAlive(Sessions sessions, String id, boolean force, String verb) {
        if (force || !sessions.isAlive(id)) return;
        throw new UserError("worker " + id + " is still running; wait for it to end (`looop wait " + id
                + "`), end it (`looop kill " + id + "`), or `looop " + verb + " " + id + " --force`");
    }
}
