package looop.git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import looop.io.Fs;
import looop.io.UserError;

/**
 * Brings a worker's branch into the checkout's current branch: a person's
 * verb, never a move. It goes ahead only when the result is certain to be
 * clean (a fast-forward, or a merge git can do without a conflict) and
 * otherwise refuses with one line, the checkout left exactly as it was: every
 * check is read-only or done in memory (git merge-tree) before the one
 * command that changes the checkout, and that command is undone if it fails.
 */
public final class Merge {
    private Merge() {}

    public enum Mode {
        /** Fast-forward when possible, else a merge commit. */
        MERGE,
        /** One new commit on the current branch with all of the worker's changes. */
        SQUASH,
        /** The worker's commits replayed on the current branch (in a scratch worktree), then a fast-forward. */
        REBASE
    }

    /** Merges w's branch; returns the line to print, or throws a one-line UserError and changes nothing. */
    public static String run(Worktrees worktrees, Worktree w, Mode mode) {
        Repo r = Repo.open(w.repo());
        String into = requireMergeable(r, w);
        String tip = Worktrees.tipOf(w);
        requireUncommittedNone(w, tip);
        if (r.contains(tip)) return "nothing to merge: " + w.branch() + " is already in " + into;
        Repo.MergeCheck check = r.mergeCheck(tip);
        if (!check.clean()) throw conflicts(w, into, check.conflicts());
        boolean fastForward = Git.in(r.top(), "merge-base", "--is-ancestor", "HEAD", tip).ok();
        if (!fastForward || mode == Mode.SQUASH) requireIdentity(r);
        int commits = Worktrees.commitsAhead(w);
        String how = switch (fastForward && mode != Mode.SQUASH ? Mode.MERGE : mode) {
            case MERGE -> merge(r, w, fastForward);
            case SQUASH -> squash(r, w, commits);
            case REBASE -> rebase(worktrees, r, w, tip);
        };
        return "merged " + w.branch() + " into " + into + " (" + how + "); " + into + " is now "
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

    private static void requireUncommittedNone(Worktree w, String tip) {
        if (tip == null) throw new UserError("refused: branch " + w.branch() + " is gone from " + w.repo() + "; nothing to merge");
        if (!Files.isDirectory(w.path())) return;
        try (WorktreeView v = WorktreeView.of(w)) {
            if (v.differsFrom(tip)) {
                throw new UserError("refused: worker " + w.id() + " has uncommitted changes in " + w.path()
                        + " (`looop diff " + w.id() + "` shows them); have it commit them, or commit them there yourself");
            }
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

    private static String merge(Repo r, Worktree w, boolean fastForward) {
        String tip = Worktrees.tipOf(w);
        Git.Result m = Git.in(r.top(), "merge", "--no-edit", "-m", "Merge " + w.branch() + " (looop worker " + w.id() + ")", tip);
        if (!m.ok()) throw undo(r, "merge", m);
        return fastForward ? "fast-forward" : "merge commit";
    }

    private static String squash(Repo r, Worktree w, int commits) {
        String tip = Worktrees.tipOf(w);
        Git.Result m = Git.in(r.top(), "merge", "--squash", tip);
        if (!m.ok()) throw undo(r, "squash", m);
        Git.Result c = Git.in(r.top(), "commit", "--no-verify", "-m", "Squashed " + w.branch() + " (looop worker " + w.id() + ", "
                + commits + (commits == 1 ? " commit" : " commits") + ")");
        if (!c.ok()) throw undo(r, "squash commit", c);
        return "squashed " + commits + (commits == 1 ? " commit" : " commits");
    }

    // Rebased in a scratch worktree, so neither the worker's worktree nor the checkout sees a half-done rebase.
    private static String rebase(Worktrees worktrees, Repo r, Worktree w, String tip) {
        Path scratch = worktrees.root().resolve(".rebase-" + w.id());
        Fs.deleteTree(scratch);
        Git.in(r.top(), "worktree", "prune");
        String onto = r.head();
        Git.must("cannot rebase " + w.branch(), r.top(), "worktree", "add", "--detach", scratch.toString(), tip);
        try {
            Git.Result rb = Git.in(scratch, "rebase", "--no-autostash", onto);
            if (!rb.ok()) {
                Git.in(scratch, "rebase", "--abort");
                throw new UserError("refused: " + w.branch() + " does not rebase cleanly onto " + r.branchName() + " (" + rb.why()
                        + "); try `looop merge " + w.id() + "` without --rebase");
            }
            String rebased = Git.must("cannot rebase " + w.branch(), scratch, "rev-parse", "HEAD").line();
            Git.Result ff = Git.in(r.top(), "merge", "--ff-only", rebased);
            if (!ff.ok()) throw undo(r, "fast-forward", ff);
        } finally {
            Fs.deleteTree(scratch);
            Git.in(r.top(), "worktree", "prune");
        }
        return "rebased, then fast-forward";
    }

    /** Puts the checkout back after a merge command that failed, and says why it was refused. */
    private static UserError undo(Repo r, String what, Git.Result failed) {
        // only when the failed command changed something: a reset would rewrite even an untouched index
        if (r.operationInProgress() != null) Git.in(r.top(), "merge", "--abort");
        else if (!r.dirty().isEmpty()) Git.in(r.top(), "reset", "--merge");
        return new UserError("refused: the " + what + " failed (" + failed.why() + "); " + r.top() + " is as it was");
    }
}
