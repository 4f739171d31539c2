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
        Fs.deleteTree(branchDir(id)); // one left by an earlier worker of this id is not this branch's
        giveBranch(w);
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
            r = opened(w.repo());
        } catch (UserError e) {
            return e.getMessage();
        }
        if (!real(r.commonDir()).equals(real(w.commonDir()))) return "its git dir " + w.commonDir() + " is not " + r.top() + "'s";
        Path admins = real(r.commonDir()).resolve("worktrees");
        if (!admins.equals(real(w.adminDir().getParent()))) return "its admin dir " + w.adminDir() + " is not in " + admins;
        return null;
    }

    // Repos asked of git once per instance (a beat's, a request's): a look at many workers of one repo opens it once.
    private final Map<Path, Repo> opened = new java.util.HashMap<>();

    private Repo opened(Path repo) {
        Repo r = opened.get(repo);
        if (r == null) opened.put(repo, r = Repo.open(repo));
        return r;
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
        String tip = tip(w);
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
        takeWord(w);
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
        String tip = tip(w);
        if (tip != null && Files.isDirectory(w.path()) && uncommitted(w, tip, false).any()) return "it has uncommitted changes";
        if (tip == null || tip.equals(w.base())) return null;
        Repo r = Repo.open(w.repo());
        String head = r.head();
        if (r.contains(head, tip)) return null;
        int n = count(w.commonDir(), head + ".." + tip);
        return n + (n == 1 ? " commit" : " commits") + " of " + w.branch() + " not merged into " + r.branchName();
    }

    /**
     * Whether w's branch is in the checkout's current branch (merged, squashed
     * or rebased alike; a branch with no commits beyond its base trivially),
     * from refs and objects alone; null when the branch is gone (discarded).
     */
    public Boolean merged(Worktree w) {
        require(w);
        String tip = tip(w);
        if (tip == null) return null;
        if (tip.equals(w.base())) return true;
        Repo r = Repo.open(w.repo());
        return r.contains(r.head(), tip);
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
        Fs.deleteTree(branchDir(w.id()));
    }

    /** Removes w's worktree when unmerged(w) says it is safe; returns why it was kept, or null when it was removed. */
    public String discardIfMerged(Worktree w) {
        String why = unmerged(w);
        if (why == null) discard(w);
        return why;
    }

    /**
     * What a sandboxed worker may write, and what stays shut within that: its
     * worktree, the repo's objects and its own admin dir writable; its branch
     * through a directory of its own (below); the rest of the repo's git dir
     * read-only (every ref but its branch, packed-refs, hooks, config), and
     * the checkout protected even where the sandbox's write list would open
     * it. Protected within the holes: the worktree's .git file and the admin
     * files that point git elsewhere.
     *
     * <p>A worker's git grant is its own branch and its log, nothing else
     * under refs/: git moves a ref by writing &lt;ref&gt;.lock beside it and
     * renaming that over it, so the directory that holds it must be writable.
     * That directory is not the repo's refs/heads/looop/ (which holds every
     * worker's branch, and any name made there would be the repo's) but
     * {@link #branchDir}'s refs/, bound in its place (bound), with the
     * reflog's likewise: inside, git sees only looop/&lt;id&gt;, commits on
     * it, and whatever else it writes there reaches no ref of the repo.
     * looop takes the worker's branch from there as data (see {@link #tip}).
     *
     * @param bound what the sandbox shows in place of each target: target → source
     */
    public record Access(List<Path> writable, List<Path> protectedPaths, Map<Path, Path> bound) {}

    /**
     * Worker w's grant, for a start or restart: first looop takes what the
     * worker left as its branch (a refused word stops the start in one line),
     * then gives it the branch as it is in the repo.
     */
    public Access sandboxAccess(Worktree w) {
        takeWord(w);
        giveBranch(w);
        Path dir = branchDir(w.id());
        List<Path> writable = List.of(w.path(), w.commonDir().resolve("objects"), w.adminDir());
        List<Path> shut = new ArrayList<>(List.of(w.repo(), w.commonDir(), w.path().resolve(".git"), w.commonDir().resolve("hooks"),
                w.commonDir().resolve("config")));
        for (String f : ADMIN_POINTERS) shut.add(w.adminDir().resolve(f));
        Map<Path, Path> bound = Map.of(w.commonDir().resolve("refs/heads").resolve(BRANCH_PREFIX), dir.resolve("refs"),
                w.commonDir().resolve("logs/refs/heads").resolve(BRANCH_PREFIX), dir.resolve("logs"));
        return new Access(writable, shut, bound);
    }

    /**
     * Worker id's own branch while it runs, a directory of looop's beside the
     * worktrees (no worker writes it at this path):
     * <pre>
     * .branches/&lt;id&gt;/refs/&lt;id&gt;  its branch's commit, as the worker leaves it (refs/heads/looop/ inside its sandbox)
     * .branches/&lt;id&gt;/logs/       its reflog there (logs/refs/heads/looop/ inside)
     * .branches/&lt;id&gt;/given       the commit looop last gave it and set the repo's branch to: looop's own record
     * </pre>
     */
    Path branchDir(String id) {
        return root.resolve(".branches").resolve(Ids.check("worker id", id));
    }

    /** Where worker id leaves its branch's commit. */
    public Path branchCopy(String id) {
        return branchDir(id).resolve("refs").resolve(id);
    }

    /** A ref file is a commit id and a newline: anything longer is not one. */
    private static final int MAX_REF_BYTES = 100;

    /**
     * Puts the repo's looop/&lt;id&gt; in the worker's own copy, for a
     * sandbox about to start. Nothing is deleted but what sits at the copy's
     * own name: a worker still running (a restart respawns it) keeps its
     * bound directory.
     */
    private void giveBranch(Worktree w) {
        Path dir = branchDir(w.id());
        Fs.mkdirs(dir.resolve("refs"));
        Fs.mkdirs(dir.resolve("logs"));
        Path copy = branchCopy(w.id());
        String tip = tipOf(w);
        if (!Files.isRegularFile(copy, LinkOption.NOFOLLOW_LINKS)) Fs.deleteTree(copy);
        if (tip == null) {
            Fs.delete(copy);
            Fs.delete(dir.resolve("given"));
            return;
        }
        Fs.writeAtomic(copy, tip + "\n");
        Fs.writeAtomic(dir.resolve("given"), tip + "\n");
    }

    /**
     * The commit of w's branch, after looop has taken what the worker left
     * as its branch in its own copy: read as data (a regular file reached
     * without links, small, exactly a full hex commit id, naming a commit
     * that is in the repo), the repo's looop/&lt;id&gt; is moved to it, only
     * from where looop last set it. Anything else is refused in one line and
     * nothing changes. null when the branch is gone.
     */
    public String tip(Worktree w) {
        takeWord(w);
        return tipOf(w);
    }

    private void takeWord(Worktree w) {
        Path copy = branchCopy(w.id());
        if (!Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) return; // no word: the repo's branch stands
        String given = line(Fs.readOrNull(branchDir(w.id()).resolve("given")));
        String said = line(Fs.readSmall(copy, MAX_REF_BYTES));
        if (said == null) throw refusedWord(w, "is not a plain file of at most " + MAX_REF_BYTES + " bytes");
        if (!said.matches("[0-9a-f]{40}|[0-9a-f]{64}")) throw refusedWord(w, "is not a full commit id");
        if (said.equals(given)) return;
        if (!"commit".equals(Git.onObjects(w.commonDir(), "cat-file", "-t", said).line())) throw refusedWord(w, "names no commit of the repo");
        String old = given != null ? given : tipOf(w);
        Git.Result r = Git.onObjects(w.commonDir(), "update-ref", "-m", "looop: worker " + w.id() + "'s commits", w.ref(), said,
                old == null ? "" : old);
        if (!r.ok() && !said.equals(tipOf(w))) {
            throw new UserError("refused: worker " + w.id() + "'s branch " + w.branch() + " moved in " + w.repo() + " (to " + shortOf(tipOf(w))
                    + ") while the worker moved it to " + said.substring(0, 10) + "; looop leaves it; `git -C " + w.repo() + " update-ref "
                    + w.ref() + " " + said + "` takes the worker's, or delete " + branchCopy(w.id()) + " to drop it");
        }
        Fs.writeAtomic(branchDir(w.id()).resolve("given"), said + "\n");
    }

    private UserError refusedWord(Worktree w, String why) {
        return new UserError("refused: what worker " + w.id() + " left as its branch (" + branchCopy(w.id()) + ") " + why + "; "
                + w.branch() + " stays at " + shortOf(tipOf(w)) + "; remove that file to drop it");
    }

    // a ref file's one line: the text without one trailing newline, null when there is none
    private static String line(String text) {
        if (text == null) return null;
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private static String shortOf(String sha) {
        return sha == null ? "nothing (it is gone)" : sha.substring(0, Math.min(10, sha.length()));
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
            Files.createDirectories(w.commonDir().resolve("refs/heads").resolve(BRANCH_PREFIX));
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
