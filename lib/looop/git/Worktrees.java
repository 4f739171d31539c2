package looop.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.UserError;

/**
 * Workers' git worktrees: each worker that is given a repository works in a
 * worktree of its own, on a new branch looop/&lt;id&gt;, and never in the
 * person's checkout.
 *
 * <p>The worktrees live in looop's data dir, at worktrees/&lt;id&gt; (the root
 * given here). There, looop owns the place: it can find a worker's worktree
 * without asking the repo, prune and the session TTL can clean it up, two
 * profiles on one repo never collide on a path, nothing appears beside the
 * person's own checkouts, and the sandbox grants it as one writable directory
 * next to the worker's session dir.
 *
 * <p>Creating one touches nothing the person uses: git writes the new
 * branch, the worktree's admin dir in .git/worktrees/ and the worktree's
 * files; the checkout's files, index, HEAD and stash stay as they were. A
 * checkout with uncommitted changes is fine: the worktree starts from the
 * committed base, without them.
 */
public final class Worktrees {
    public static final String BRANCH_PREFIX = "looop/";
    private static final String DEFAULT_BASE = "HEAD";

    private final Path root;

    public Worktrees(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Where worker id's worktree goes. */
    public Path pathOf(String id) {
        return root.resolve(Ids.check("worker id", id));
    }

    /** Makes worker id's worktree of repo on a new branch looop/&lt;id&gt; from base (null: the checkout's HEAD). */
    public Worktree create(String id, Path repo, String base) {
        Path path = pathOf(id);
        String branch = BRANCH_PREFIX + id;
        Repo r = Repo.open(repo);
        requireBranchName(r, branch, id);
        String baseRef = base == null || base.isBlank() ? DEFAULT_BASE : base.strip();
        String sha = r.commitOf(baseRef);
        if (r.has("refs/heads/" + branch)) {
            throw new UserError("branch " + branch + " already exists in " + r.top()
                    + " (another worker's, or one left over); delete it with `git -C " + r.top() + " branch -D " + branch
                    + "` once you have checked it, or pick another worker id");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserError(path + " already exists; `looop discard " + id + "` removes a worker's worktree, or move it aside");
        }
        Fs.mkdirs(root);
        Git.must("cannot create worker " + id + "'s worktree", r.top(),
                "worktree", "add", "--no-track", "-b", branch, path.toString(), sha);
        Worktree w = new Worktree(id, r.top(), branch, baseRef, sha, path, r.commonDir(), adminDirOf(path));
        prepareForSandbox(w);
        return w;
    }

    /** What worker w changed against its base; with patch, the full diff too. */
    public Diff diff(Worktree w, boolean patch) {
        requirePresent(w);
        try (WorktreeView v = WorktreeView.of(w)) {
            List<String> common = List.of("--no-ext-diff", "--no-textconv", "--no-renames", "--end-of-options", w.base());
            List<Diff.FileChange> files = changes(v, common);
            String stat = v.git(cat(List.of("diff", "--stat"), common)).out();
            String text = patch ? v.git(cat(List.of("diff", "--binary"), common)).out() : null;
            return new Diff(w, commitsAhead(w), v.differsFrom(tipOf(w)), files, stat, text);
        }
    }

    /**
     * Whether worker w's work differs from its base, committed or not: a
     * stable yes/no for a sensor (the world hash changes when it flips, not
     * on every edit). A worktree that is gone counts as no change.
     */
    public boolean hasChanges(Worktree w) {
        if (!Files.isDirectory(w.path())) return false;
        if (commitsAhead(w) > 0) return true;
        try (WorktreeView v = WorktreeView.of(w)) {
            return v.differsFrom(w.base());
        }
    }

    /**
     * Why w's worktree must be kept, or null when removing it loses nothing:
     * no uncommitted changes, and its branch's changes are already in the
     * checkout's current branch (merged, squashed or rebased alike).
     */
    public String unmerged(Worktree w) {
        if (!Files.isDirectory(w.commonDir())) return "its repo " + w.repo() + " is gone";
        if (Files.isDirectory(w.path())) {
            try (WorktreeView v = WorktreeView.of(w)) {
                String tip = tipOf(w);
                if (tip != null && v.differsFrom(tip)) return "it has uncommitted changes";
            }
        }
        String tip = tipOf(w);
        if (tip == null || tip.equals(w.base())) return null;
        Repo r = Repo.open(w.repo());
        if (r.contains(tip)) return null;
        int n = count(r.top(), r.head() + ".." + tip);
        return n + (n == 1 ? " commit" : " commits") + " of " + w.branch() + " not merged into " + r.branchName();
    }

    /** Removes w's worktree and its branch; the checkout is not touched. */
    public void discard(Worktree w) {
        Fs.deleteTree(w.path());
        if (!Files.isDirectory(w.repo())) return;
        Git.in(w.repo(), "worktree", "prune");
        if (Git.in(w.repo(), "rev-parse", "--verify", "--quiet", w.ref()).ok()) {
            Git.must("cannot delete branch " + w.branch(), w.repo(), "branch", "-D", "--end-of-options", w.branch());
        }
    }

    /** Removes w's worktree when unmerged(w) says it is safe; returns why it was kept, or null when it was removed. */
    public String discardIfMerged(Worktree w) {
        String why = unmerged(w);
        if (why == null) discard(w);
        return why;
    }

    /**
     * What a sandboxed worker may write, and what stays shut within that: its
     * worktree and exactly the parts of the repo's git dir that a commit on
     * its branch writes (objects, its branch's refs and reflogs, its own admin
     * dir). The rest of .git is read-only (the person's branches, stash and
     * packed refs), and the checkout is protected even where the sandbox's
     * write list would open it. Protected within the holes: the worktree's
     * .git file and admin files that point git elsewhere, hooks and config.
     */
    public record Access(List<Path> writable, List<Path> protectedPaths) {}

    public Access sandboxAccess(Worktree w) {
        Path refs = w.commonDir().resolve("refs/heads").resolve(BRANCH_PREFIX);
        Path logs = w.commonDir().resolve("logs/refs/heads").resolve(BRANCH_PREFIX);
        List<Path> writable = List.of(w.path(), w.commonDir().resolve("objects"), refs, logs, w.adminDir());
        List<Path> shut = new ArrayList<>(List.of(w.repo(), w.path().resolve(".git"), w.commonDir().resolve("hooks"),
                w.commonDir().resolve("config")));
        for (String f : ADMIN_POINTERS) shut.add(w.adminDir().resolve(f));
        return new Access(writable, shut);
    }

    // Files of the admin dir that tell git where the repo is, or add config.
    private static final List<String> ADMIN_POINTERS = List.of("commondir", "gitdir", "config.worktree");

    // A protected path that does not exist protects its parent instead (all of it), so make each one.
    private static void prepareForSandbox(Worktree w) {
        try {
            for (String f : ADMIN_POINTERS) {
                Path p = w.adminDir().resolve(f);
                if (!Files.exists(p)) Files.createFile(p);
            }
            Files.createDirectories(w.commonDir().resolve("logs/refs/heads").resolve(BRANCH_PREFIX));
            Files.createDirectories(w.commonDir().resolve("hooks"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requirePresent(Worktree w) {
        if (!Files.isDirectory(w.path())) {
            throw new UserError("worker " + w.id() + "'s worktree " + w.path() + " is gone; its branch " + w.branch()
                    + " may still be in " + w.repo());
        }
    }

    private static void requireBranchName(Repo r, String branch, String id) {
        if (!Git.in(r.top(), "check-ref-format", "refs/heads/" + branch).ok()) {
            throw new UserError("worker id '" + id + "' cannot name a git branch (" + branch + "); use letters, digits, '-' or '_'");
        }
    }

    private static Path adminDirOf(Path worktree) {
        return Path.of(Git.must("cannot read the new worktree", worktree, "rev-parse", "--path-format=absolute", "--git-dir").line());
    }

    private static List<Diff.FileChange> changes(WorktreeView v, List<String> common) {
        String[] status = v.git(cat(List.of("diff", "--name-status", "-z"), common)).out().split("\0");
        String[] counts = v.git(cat(List.of("diff", "--numstat", "-z"), common)).out().split("\0");
        List<Diff.FileChange> out = new ArrayList<>();
        // both lists come in the same order, one entry per file: "M\0path\0" and "added\tdeleted\tpath\0"
        for (int i = 0, j = 0; i + 1 < status.length && j < counts.length; i += 2, j++) {
            String[] n = counts[j].split("\t", 3);
            out.add(new Diff.FileChange(status[i + 1], status[i], number(n[0]), number(n[1])));
        }
        return out;
    }

    private static Integer number(String s) {
        return s.equals("-") ? null : Integer.valueOf(s);
    }

    private static String[] cat(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray(String[]::new);
    }

    /** The branch's commit now, or null when the branch is gone. */
    static String tipOf(Worktree w) {
        Git.Result r = inCommonDir(w, "rev-parse", "--verify", "--quiet", w.ref() + "^{commit}");
        return r.ok() ? r.line() : null;
    }

    static int commitsAhead(Worktree w) {
        String tip = tipOf(w);
        if (tip == null) return 0;
        Git.Result r = inCommonDir(w, "rev-list", "--count", w.base() + ".." + tip);
        return r.ok() ? Integer.parseInt(r.line()) : 0;
    }

    // the repo's own git dir, named outright: no worktree file is read
    static Git.Result inCommonDir(Worktree w, String... args) {
        return Git.run(w.commonDir(), Map.of(), List.of(cat(List.of("--git-dir=" + w.commonDir()), List.of(args))));
    }

    private static int count(Path dir, String range) {
        Git.Result r = Git.in(dir, "rev-list", "--count", range);
        return r.ok() ? Integer.parseInt(r.line()) : 0;
    }
}
