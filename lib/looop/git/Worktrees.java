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
    private final WorktreeView.Confined confined;

    /** Worktrees under root; confined runs what reads a worktree's uncommitted files (in the sandbox). */
    public Worktrees(Path root, WorktreeView.Confined confined) {
        this.root = root.toAbsolutePath().normalize();
        this.confined = confined;
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

    /**
     * Why w is not a worktree record looop made, or null when it is. Checked
     * before looop runs git on it or deletes anything of it, whoever wrote the
     * record: the branch is exactly looop/&lt;id&gt;, the worktree exactly
     * worktrees/&lt;id&gt; here, and the repo's git dir and the worktree's
     * admin dir are the ones git gives for the recorded repo (asked of the repo
     * itself, never of the worktree, which the worker writes).
     */
    public String problem(Worktree w) {
        if (Ids.problem(w.id()) != null) return "its id is not a worker id";
        if (!w.branch().equals(BRANCH_PREFIX + w.id())) return "its branch is " + w.branch() + ", not " + BRANCH_PREFIX + w.id();
        if (!w.path().equals(pathOf(w.id()))) return "its worktree is " + w.path() + ", not " + pathOf(w.id());
        if (!w.base().matches("[0-9a-f]{40}|[0-9a-f]{64}")) return "its base is not a commit id";
        if (!w.repo().isAbsolute() || real(w.repo()).startsWith(real(root))) return "its repo " + w.repo() + " is not a checkout of the person's";
        Repo r;
        try {
            r = Repo.open(w.repo());
        } catch (UserError e) {
            return e.getMessage();
        }
        if (!real(r.commonDir()).equals(real(w.commonDir()))) return "its git dir " + w.commonDir() + " is not " + r.top() + "'s";
        Path admins = real(r.commonDir()).resolve("worktrees");
        if (!admins.equals(real(w.adminDir().getParent()))) return "its admin dir " + w.adminDir() + " is not in " + admins;
        return null;
    }

    /** w itself when looop made it; otherwise a one-line refusal saying why, before anything is run or deleted. */
    public Worktree require(Worktree w) {
        String why = problem(w);
        if (why != null) {
            throw new UserError("refused: worker " + w.id() + "'s worktree record does not match what looop made (" + why
                    + "); looop runs and deletes nothing of it");
        }
        return w;
    }

    /** Whether git lists w's path as a worktree of its repo. */
    boolean listed(Worktree w) {
        Git.Result r = Git.onObjects(w.commonDir(), "worktree", "list", "--porcelain", "-z");
        if (!r.ok()) return false;
        Path mine = real(w.path());
        for (String field : r.out().split("\0")) {
            if (field.startsWith("worktree ") && real(Path.of(field.substring("worktree ".length()))).equals(mine)) return true;
        }
        return false;
    }

    /**
     * What worker w changed against its base: the branch from its commits
     * alone (what a merge lands), the worktree's uncommitted rest read inside
     * the sandbox; with patch, the full diffs too.
     */
    public Diff diff(Worktree w, boolean patch) {
        require(w);
        requirePresent(w);
        String tip = tipOf(w);
        if (tip == null) throw new UserError("worker " + w.id() + "'s branch " + w.branch() + " is gone from " + w.repo());
        List<Diff.FileChange> files = committed(w, tip);
        List<String> first = new ArrayList<>();
        for (Diff.FileChange f : files) {
            String why = Diff.flag(f);
            if (why != null) first.add(f.path() + " (" + why + ")");
        }
        String stat = Git.onObjects(w.commonDir(), cat(List.of("diff", "--stat"), review(w.base(), tip))).out();
        String text = patch ? Git.onObjects(w.commonDir(), cat(List.of("diff"), review(w.base(), tip))).out() : null;
        return new Diff(w, commitsAhead(w), files, first, stat, text, WorktreeView.of(w, tip, patch, confined));
    }

    private static List<String> review(String from, String to) {
        return List.of("--no-ext-diff", "--no-textconv", "--no-renames", "--end-of-options", from, to);
    }

    // `diff --raw -z`: ":old new oldsha newsha S\0path\0"; numstat in the same order; binary files get their size
    private static List<Diff.FileChange> committed(Worktree w, String tip) {
        String[] raw = Git.mustOnObjects("cannot read " + w.branch(), w.commonDir(), cat(List.of("diff", "--raw", "-z"), review(w.base(), tip)))
                .out().split("\0");
        String[] counts = Git.mustOnObjects("cannot read " + w.branch(), w.commonDir(), cat(List.of("diff", "--numstat", "-z"), review(w.base(), tip)))
                .out().split("\0");
        List<Diff.FileChange> out = new ArrayList<>();
        for (int i = 0, j = 0; i + 1 < raw.length && j < counts.length; i += 2, j++) {
            String[] m = raw[i].substring(1).split(" ");
            String[] n = counts[j].split("\t", 3);
            Integer added = number(n[0]);
            String blob = m[4].equals("D") ? m[2] : m[3];
            Long size = added == null ? size(w, blob) : null;
            out.add(new Diff.FileChange(raw[i + 1], m[4], added, number(n[1]), m[0], m[1], size));
        }
        return out;
    }

    private static Long size(Worktree w, String blob) {
        Git.Result r = Git.onObjects(w.commonDir(), "cat-file", "-s", blob);
        return r.ok() ? Long.valueOf(r.line()) : null;
    }

    /** What w has on disk beyond tip, read inside the sandbox. */
    WorktreeView.Uncommitted uncommitted(Worktree w, String tip, boolean patch) {
        return WorktreeView.of(w, tip, patch, confined);
    }

    /**
     * Whether worker w's branch has commits beyond its base: a stable yes/no
     * for a sensor, read from the refs and objects alone on every beat (the
     * worktree's uncommitted files are left to `looop diff`, which reads them
     * inside the sandbox).
     */
    public boolean hasChanges(Worktree w) {
        require(w);
        return commitsAhead(w) > 0;
    }

    /**
     * Why w's worktree must be kept, or null when removing it loses nothing:
     * no uncommitted changes, and its branch's changes are already in the
     * checkout's current branch (merged, squashed or rebased alike).
     */
    public String unmerged(Worktree w) {
        if (!Files.isDirectory(w.commonDir())) return "its repo " + w.repo() + " is gone";
        require(w);
        String tip = tipOf(w);
        if (tip != null && Files.isDirectory(w.path()) && uncommitted(w, tip, false).any()) return "it has uncommitted changes";
        if (tip == null || tip.equals(w.base())) return null;
        Repo r = Repo.open(w.repo());
        String head = r.head();
        if (r.contains(head, tip)) return null;
        int n = count(w.commonDir(), head + ".." + tip);
        return n + (n == 1 ? " commit" : " commits") + " of " + w.branch() + " not merged into " + r.branchName();
    }

    /**
     * Removes w's worktree and its branch; the checkout is not touched. Only
     * what looop made: the record must check out (see problem), the directory
     * must be one git lists as a worktree of the repo, and the branch is
     * looop/&lt;id&gt;; otherwise a one-line refusal and nothing is deleted.
     */
    public void discard(Worktree w) {
        require(w);
        if (Files.exists(w.path(), LinkOption.NOFOLLOW_LINKS)) {
            if (!listed(w)) {
                throw new UserError("refused: " + w.path() + " is not a worktree git lists for " + w.repo()
                        + "; looop deletes only its own worktrees (remove it yourself once you have checked it)");
            }
            Fs.deleteTree(w.path());
        }
        Git.onObjects(w.commonDir(), "worktree", "prune");
        if (Git.onObjects(w.commonDir(), "rev-parse", "--verify", "--quiet", w.ref()).ok()) {
            Git.mustOnObjects("cannot delete branch " + w.branch(), w.commonDir(), "branch", "-D", "--end-of-options", BRANCH_PREFIX + w.id());
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
     * its branch writes (objects, its own branch's ref and reflog, its own
     * admin dir). The rest of .git is read-only (the person's branches, stash
     * and packed refs), and the checkout is protected even where the
     * sandbox's write list would open it. Protected within the holes: the
     * worktree's .git file and admin files that point git elsewhere, hooks
     * and config, and every other worker's branch and reflog. packed-refs
     * lies in the git dir itself, which no grant opens.
     *
     * <p>Why refs/heads/looop/ is open at all: git moves a ref by writing
     * &lt;ref&gt;.lock beside it and renaming that over it, so the directory
     * must be writable. Every other entry in it is protected (a read-only
     * mount cannot be written, renamed over or unlinked), so the worker's
     * own branch is the one name it can move. What remains: it can make new
     * names there, and a branch made after its sandbox started (a worker
     * started later on the same repo) is not among the protected ones.
     */
    public record Access(List<Path> writable, List<Path> protectedPaths) {}

    public Access sandboxAccess(Worktree w) {
        Path refs = w.commonDir().resolve("refs/heads").resolve(BRANCH_PREFIX);
        Path logs = w.commonDir().resolve("logs/refs/heads").resolve(BRANCH_PREFIX);
        List<Path> writable = List.of(w.path(), w.commonDir().resolve("objects"), refs, logs, w.adminDir());
        List<Path> shut = new ArrayList<>(List.of(w.repo(), w.path().resolve(".git"), w.commonDir().resolve("hooks"),
                w.commonDir().resolve("config")));
        for (String f : ADMIN_POINTERS) shut.add(w.adminDir().resolve(f));
        shut.addAll(othersIn(refs, w.id()));
        shut.addAll(othersIn(logs, w.id()));
        return new Access(writable, shut);
    }

    // every entry of dir but the worker's own ref (and git's lock for it, which git makes and renames)
    private static List<Path> othersIn(Path dir, String id) {
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> !p.getFileName().toString().equals(id) && !p.getFileName().toString().equals(id + ".lock")).sorted().forEach(out::add);
        } catch (IOException e) {
            // no such dir yet: nothing of another's to protect
        }
        return out;
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

    private static Integer number(String s) {
        return s.equals("-") ? null : Integer.valueOf(s);
    }

    private static String[] cat(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray(String[]::new);
    }

    /** The branch's commit now, or null when the branch is gone (a ref value, read as data). */
    static String tipOf(Worktree w) {
        Git.Result r = Git.onObjects(w.commonDir(), "rev-parse", "--verify", "--quiet", "--end-of-options", w.ref() + "^{commit}");
        return r.ok() ? r.line() : null;
    }

    static int commitsAhead(Worktree w) {
        String tip = tipOf(w);
        return tip == null ? 0 : count(w.commonDir(), w.base() + ".." + tip);
    }

    private static int count(Path commonDir, String range) {
        Git.Result r = Git.onObjects(commonDir, "rev-list", "--count", "--end-of-options", range);
        return r.ok() ? Integer.parseInt(r.line()) : 0;
    }

    // symlinks resolved where the path exists, so two spellings of one place compare equal
    static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            return abs;
        }
    }
}
