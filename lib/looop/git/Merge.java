package looop.git;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import looop.io.UserError;

/**
 * Brings a worker's branch into the checkout's current branch: a person's
 * verb, never a move. It goes ahead only when the result is certain to be
 * clean (a fast-forward, or a merge git can do without a conflict) and
 * otherwise refuses with one line, the checkout left exactly as it was.
 *
 * <p>The result is made from the objects alone (git merge-tree, commit-tree:
 * see Git.onObjects), so nothing the branch carries (its .gitattributes, a
 * merge driver or filter they name) has a say in it, and what lands is the
 * tree `looop diff` showed. The one command that changes the checkout is a
 * fast-forward to that commit, with every filter of the person's config
 * switched off when the branch changes a .gitattributes (so the branch cannot
 * name one to run); it is undone if it fails.
 */
public final class Merge {
    private Merge() {}

    public enum Mode {
        /** Fast-forward when possible, else a merge commit. */
        MERGE,
        /** One new commit on the current branch with all of the worker's changes. */
        SQUASH,
        /** The worker's commits replayed on the current branch, then a fast-forward. */
        REBASE
    }

    /** Merges w's branch; returns the line to print, or throws a one-line UserError and changes nothing. */
    public static String run(Worktrees worktrees, Worktree w, Mode mode) {
        worktrees.require(w);
        Repo r = Repo.open(w.repo());
        String into = requireMergeable(r, w);
        String tip = worktrees.tip(w);
        requireUncommittedNone(worktrees, w, tip);
        String head = r.head();
        if (r.contains(head, tip)) return "nothing to merge: " + w.branch() + " is already in " + into;
        Repo.MergeCheck check = r.mergeCheck(head, tip);
        if (!check.clean()) throw conflicts(w, into, check.conflicts());
        boolean fastForward = Git.onObjects(r.commonDir(), "merge-base", "--is-ancestor", head, tip).ok();
        if (!fastForward || mode == Mode.SQUASH) requireIdentity(r);
        int commits = Worktrees.commitsAhead(w);
        Mode how = fastForward && mode != Mode.SQUASH ? Mode.MERGE : mode;
        String target = switch (how) {
            case MERGE -> fastForward ? tip : commit(r, check.tree(), "Merge " + w.branch() + " (looop worker " + w.id() + ")", head, tip);
            case SQUASH -> commit(r, check.tree(), "Squashed " + w.branch() + " (looop worker " + w.id() + ", "
                    + commits + (commits == 1 ? " commit" : " commits") + ")", head);
            case REBASE -> rebase(r, w, head, tip);
        };
        fastForward(r, head, target);
        String said = switch (how) {
            case MERGE -> fastForward ? "fast-forward" : "merge commit";
            case SQUASH -> "squashed " + commits + (commits == 1 ? " commit" : " commits");
            case REBASE -> "rebased, then fast-forward";
        };
        return "merged " + w.branch() + " into " + into + " (" + said + "); " + into + " is now "
                + r.head().substring(0, 10) + ". `looop discard " + w.id() + "` removes the worktree";
    }

    private static String requireMergeable(Repo r, Worktree w) {
        String into = r.branch();
        if (into == null) throw new UserError("refused: " + r.top() + " is on a detached HEAD; check out the branch to merge into, then `looop merge " + w.id() + "` again");
        String op = r.operationInProgress();
        if (op != null) throw new UserError("refused: " + r.top() + " has a " + op + " in progress; finish or abort it, then `looop merge " + w.id() + "` again");
        List<String> dirty = r.dirty();
        if (!dirty.isEmpty()) {
            throw new UserError("refused: " + r.top() + " has uncommitted changes (" + dirty.size() + (dirty.size() == 1 ? " file" : " files")
                    + "); commit or stash them, then `looop merge " + w.id() + "` again");
        }
        return into;
    }

    private static void requireUncommittedNone(Worktrees worktrees, Worktree w, String tip) {
        if (tip == null) throw new UserError("refused: branch " + w.branch() + " is gone from " + w.repo() + "; nothing to merge");
        if (!Files.isDirectory(w.path())) return;
        if (worktrees.uncommitted(w, tip, false).any()) {
            throw new UserError("refused: worker " + w.id() + " has uncommitted changes in " + w.path()
                    + " (`looop diff " + w.id() + "` shows them); have it commit them, or commit them there yourself");
        }
    }

    private static UserError conflicts(Worktree w, String into, List<String> files) {
        String shown = String.join(", ", files.subList(0, Math.min(5, files.size()))) + (files.size() > 5 ? ", …" : "");
        return new UserError("refused: " + w.branch() + " conflicts with " + into + " in " + shown
                + "; have worker " + w.id() + " merge " + into + " into its branch, or resolve it yourself");
    }

    // A merge or squash commit needs a name; without one git would fail after changing the index.
    private static void requireIdentity(Repo r) {
        Git.Result id = Git.in(r.top(), "var", "GIT_COMMITTER_IDENT");
        if (!id.ok()) throw new UserError("refused: git has no identity to commit with in " + r.top() + "; set user.name and user.email (git config)");
    }

    /** A commit of tree with parents, made in the object store only; the checkout does not change. */
    private static String commit(Repo r, String tree, String message, String... parents) {
        List<String> args = new ArrayList<>(List.of("commit-tree", tree, "-m", message));
        for (String p : parents) args.addAll(List.of("-p", p));
        Git.Result c = Git.onObjects(r.commonDir(), args.toArray(String[]::new));
        if (!c.ok()) throw new UserError("refused: cannot make the commit in " + r.top() + " (" + c.why() + "); " + r.top() + " is as it was");
        return c.line();
    }

    /**
     * The worker's commits (head..tip, merges left out, as git rebase does)
     * replayed onto head in the object store: each as a three-way merge of
     * its parent, the commit so far and itself. merge-tree in git 2.39 has no
     * --merge-base, so the commit so far is given the replayed commit's
     * parent as its parent in a scratch commit, which makes that parent the
     * merge base. Authors and messages are kept; a commit that ends up
     * changing nothing is dropped.
     */
    private static String rebase(Repo r, Worktree w, String head, String tip) {
        String list = Git.mustOnObjects("cannot rebase " + w.branch(), r.commonDir(), "rev-list", "--reverse", "--no-merges", "--end-of-options", head + ".." + tip).out();
        String at = head;
        for (String c : list.lines().filter(l -> !l.isBlank()).toList()) {
            String parent = Git.mustOnObjects("cannot rebase " + w.branch(), r.commonDir(), "rev-parse", "--verify", "--end-of-options", c + "^1").line();
            String scratch = commit(r, r.treeOf(at), "looop rebase scratch", parent);
            Repo.MergeCheck m = r.mergeCheck(scratch, c);
            if (!m.clean()) {
                throw new UserError("refused: " + w.branch() + " does not rebase cleanly onto " + r.branchName() + " (conflict in "
                        + String.join(", ", m.conflicts()) + "); try `looop merge " + w.id() + "` without --rebase");
            }
            if (m.tree().equals(r.treeOf(at))) continue;
            at = replayed(r, c, m.tree(), at);
        }
        return at;
    }

    private static String replayed(Repo r, String c, String tree, String parent) {
        String[] who = Git.mustOnObjects("cannot rebase", r.commonDir(), "show", "-s", "--format=%an%x00%ae%x00%ad", "--date=raw", c).line().split("\0", 3);
        String message = Git.mustOnObjects("cannot rebase", r.commonDir(), "show", "-s", "--format=%B", c).out();
        java.util.Map<String, String> env = java.util.Map.of("GIT_AUTHOR_NAME", who[0], "GIT_AUTHOR_EMAIL", who[1], "GIT_AUTHOR_DATE", who[2]);
        Git.Result made = Git.onObjects(r.commonDir(), env, "commit-tree", tree, "-p", parent, "-m", message.strip());
        if (!made.ok()) throw new UserError("refused: cannot replay " + c.substring(0, 10) + " (" + made.why() + "); " + r.top() + " is as it was");
        return made.line();
    }

    /**
     * Moves the checkout's branch from head to target (a descendant of head)
     * and its files with it: the one step that changes the checkout. When the
     * step brings a changed .gitattributes, every filter the person's config
     * defines is switched off for it, so the branch cannot name one of them
     * to run on its files (git-lfs users: run `git lfs checkout` afterwards).
     */
    private static void fastForward(Repo r, String head, String target) {
        List<String> args = new ArrayList<>();
        if (changesAttributes(r, head, target)) args.addAll(filtersOff(r));
        args.addAll(List.of("merge", "--ff-only", "--no-edit", "--end-of-options", target));
        Git.Result m = Git.in(r.top(), args.toArray(String[]::new));
        if (!m.ok()) throw undo(r, "fast-forward", m);
    }

    private static boolean changesAttributes(Repo r, String head, String target) {
        String names = Git.mustOnObjects("cannot read the merge", r.commonDir(), "diff", "--name-only", "-z", "--no-renames", "--end-of-options", head, target).out();
        for (String p : names.split("\0")) if (p.equals(".gitattributes") || p.endsWith("/.gitattributes")) return true;
        return false;
    }

    private static List<String> filtersOff(Repo r) {
        List<String> off = new ArrayList<>();
        String keys = Git.in(r.top(), "config", "--name-only", "--get-regexp", "^filter\\.").out();
        java.util.Set<String> drivers = new java.util.TreeSet<>();
        for (String k : keys.lines().toList()) {
            int dot = k.lastIndexOf('.');
            if (k.startsWith("filter.") && dot > "filter.".length()) drivers.add(k.substring("filter.".length(), dot));
        }
        for (String d : drivers) {
            for (String key : List.of("clean", "smudge", "process")) off.addAll(List.of("-c", "filter." + d + "." + key + "="));
            off.addAll(List.of("-c", "filter." + d + ".required=false"));
        }
        return off;
    }

    /** Puts the checkout back after a merge command that failed, and says why it was refused. */
    private static UserError undo(Repo r, String what, Git.Result failed) {
        // only when the failed command changed something: a reset would rewrite even an untouched index
        if (r.operationInProgress() != null) Git.in(r.top(), "merge", "--abort");
        else if (!r.dirty().isEmpty()) Git.in(r.top(), "reset", "--merge");
        return new UserError("refused: the " + what + " failed (" + failed.why() + "); " + r.top() + " is as it was");
    }
}
