package looop.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An order in which branches merge cleanly one after another onto a head,
 * found by doing the merges in the object store only: each is git merge-tree
 * onto the result so far, recorded as a commit-tree commit that no ref ever
 * names (git's gc drops it). No checkout, index or ref changes, no hook runs,
 * and nothing a branch carries has a say (see MergeChecks, Git.onObjects).
 *
 * <p>Greedy, in the order given: the first branch that merges cleanly onto
 * the result so far goes next. When none does, the first one left is held
 * against the head and against each branch placed before it, to name the
 * pair that blocks.
 */
public final class MergeOrder {
    private MergeOrder() {}

    /** A branch to place: its worker's id, its name, its commit. */
    public record Branch(String id, String name, String tip) {}

    /** The outcome: every branch in order, or the order found so far and what blocks the rest. */
    public sealed interface Result permits Order, Blocked {}

    public record Order(List<Branch> order) implements Result {}

    /**
     * No clean order: branch conflicts in files with other (a branch placed
     * before it), or, other null, with the head itself; with neither alone,
     * other is null and onto names the head with the branches placed so far.
     */
    public record Blocked(List<Branch> placed, Branch branch, Branch other, boolean withHead, List<String> files) implements Result {}

    // The scratch commits' author: fixed, so the same merges give the same ids and MergeChecks keeps their answers.
    private static final Map<String, String> SCRATCH = Map.of("GIT_AUTHOR_NAME", "looop", "GIT_AUTHOR_EMAIL", "looop@localhost",
            "GIT_AUTHOR_DATE", "1700000000 +0000", "GIT_COMMITTER_NAME", "looop", "GIT_COMMITTER_EMAIL", "looop@localhost",
            "GIT_COMMITTER_DATE", "1700000000 +0000");

    /** The branches' order onto head in the repo whose git dir is commonDir. */
    public static Result of(Path commonDir, String head, List<Branch> branches, MergeChecks checks) {
        Repo r = new Repo(commonDir, commonDir);
        List<Branch> left = new ArrayList<>(branches);
        List<Branch> placed = new ArrayList<>();
        String at = head;
        while (!left.isEmpty()) {
            Branch next = null;
            Repo.MergeCheck m = null;
            for (Branch b : left) {
                m = r.mergeCheck(at, b.tip());
                if (m.clean()) {
                    next = b;
                    break;
                }
            }
            if (next == null) return blocked(commonDir, head, placed, left.get(0), r.mergeCheck(at, left.get(0).tip()), checks);
            at = scratchCommit(commonDir, m.tree(), at, next.tip());
            placed.add(next);
            left.remove(next);
        }
        return new Order(placed);
    }

    private static Blocked blocked(Path commonDir, String head, List<Branch> placed, Branch b, Repo.MergeCheck onto, MergeChecks checks) {
        MergeChecks.Check withHead = checks.check(commonDir, head, b.tip());
        if (!withHead.clean()) return new Blocked(placed, b, null, true, withHead.conflicts());
        for (Branch p : placed) {
            MergeChecks.Check pair = checks.check(commonDir, p.tip(), b.tip());
            if (!pair.clean()) return new Blocked(placed, b, p, false, pair.conflicts());
        }
        return new Blocked(placed, b, null, false, onto.conflicts());
    }

    private static String scratchCommit(Path commonDir, String tree, String parent, String merged) {
        Git.Result c = Git.onObjects(commonDir, SCRATCH, "commit-tree", tree, "-p", parent, "-p", merged, "-m", "looop merge-order scratch");
        if (!c.ok()) throw new looop.io.UserError("cannot simulate the merges in " + commonDir + " (" + c.why() + "); nothing was changed");
        return c.line();
    }
}
