package looop.git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import looop.io.UserError;

/**
 * The person's checkout, as looop asks git about it. Every question is read
 * only: nothing here writes the checkout's files, index, HEAD or stash.
 */
public record Repo(Path top, Path commonDir) {

    /** The checkout that path is in (its top level), or a one-line error saying why it is not one. */
    public static Repo open(Path path) {
        Path dir = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) throw new UserError("repo " + dir + " is not a directory; pass the path of a git checkout");
        if (!Git.in(dir, "rev-parse", "--git-dir").ok()) {
            throw new UserError(dir + " is not a git repository; pass the path of a git checkout (or `git init` it first)");
        }
        if (Git.in(dir, "rev-parse", "--is-bare-repository").line().equals("true")) {
            throw new UserError(dir + " is a bare repository; pass a checkout with a working tree");
        }
        Path top = Path.of(Git.must("cannot find the top of " + dir, dir, "rev-parse", "--show-toplevel").line());
        Path common = Path.of(Git.must("cannot find the git dir of " + dir, dir,
                "rev-parse", "--path-format=absolute", "--git-common-dir").line());
        return new Repo(top, common);
    }

    /** The commit ref names, as a full sha, or a one-line error (unknown base, no commits yet). */
    public String commitOf(String ref) {
        Git.Result r = Git.in(top, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}");
        if (r.ok()) return r.line();
        if (ref.equals("HEAD")) {
            throw new UserError(top + " has no commits yet; commit something first (a worktree starts from a commit)");
        }
        throw new UserError("base '" + ref + "' is not a branch, tag or commit in " + top
                + "; `git -C " + top + " branch` lists the branches");
    }

    public boolean has(String ref) {
        return Git.in(top, "rev-parse", "--verify", "--quiet", "--end-of-options", ref).ok();
    }

    /** HEAD's commit. */
    public String head() {
        return commitOf("HEAD");
    }

    /** The current branch's short name, or null on a detached HEAD. */
    public String branch() {
        Git.Result r = Git.in(top, "symbolic-ref", "--quiet", "--short", "HEAD");
        return r.ok() ? r.line() : null;
    }

    /** The current branch for a sentence: its name, or "the detached HEAD". */
    public String branchName() {
        String b = branch();
        return b == null ? "the detached HEAD" : b;
    }

    /**
     * Whether tip's changes are all in head (a commit) already: merged (tip is
     * an ancestor), or squashed or rebased in (merging it would change
     * nothing). Read from the objects alone (see Git.onObjects).
     */
    public boolean contains(String head, String tip) {
        if (Git.onObjects(commonDir, "merge-base", "--is-ancestor", tip, head).ok()) return true;
        MergeCheck m = mergeCheck(head, tip);
        return m.clean() && m.tree().equals(treeOf(head));
    }

    /** A merge of tip into head, done in memory only (git merge-tree): its tree, or the files that conflict. */
    public record MergeCheck(boolean clean, String tree, List<String> conflicts) {}

    /**
     * git merge-tree on the objects alone: no attributes of either side are
     * read, so no merge driver or filter the branch names runs (git 2.39's
     * merge-ort reads attributes only to renormalize, which is off).
     */
    public MergeCheck mergeCheck(String head, String tip) {
        Git.Result r = Git.onObjects(commonDir, "merge-tree", "--write-tree", "--name-only", "--no-messages", head, tip);
        if (r.code() > 1) throw new UserError("cannot check the merge in " + top + ": " + r.why() + " (looop needs git 2.38 or newer)");
        List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
        return new MergeCheck(r.ok(), lines.isEmpty() ? "" : lines.get(0), lines.size() > 1 ? lines.subList(1, lines.size()) : List.of());
    }

    public String treeOf(String rev) {
        return Git.mustOnObjects("cannot read " + rev + " in " + top, commonDir, "rev-parse", "--verify", "--end-of-options", rev + "^{tree}").line();
    }

    /** Tracked files with changes, staged or not (untracked files do not count: git refuses on its own to overwrite one). */
    public List<String> dirty() {
        return Git.must("cannot read the status of " + top, top, "status", "--porcelain", "--untracked-files=no")
                .out().lines().filter(l -> !l.isBlank()).toList();
    }

    /** A merge, rebase, cherry-pick or revert the person left half done, or null. */
    public String operationInProgress() {
        for (String f : new String[] {"MERGE_HEAD", "rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD", "REVERT_HEAD"}) {
            Path p = Path.of(Git.must("cannot read " + top, top, "rev-parse", "--path-format=absolute", "--git-path", f).line());
            if (Files.exists(p)) return f;
        }
        return null;
    }
}
