package looop.workers;

import static looop.GitFixture.fingerprint;
import static looop.GitFixture.repo;
import static looop.GitFixture.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import looop.Beats;
import looop.TmuxTestBase;
import looop.io.Json;
import org.junit.jupiter.api.Test;

/** Workers started with a repo, on real tmux and real git: the worktree, the review verbs, sys-sessions and prune. */
class WorktreeWorkersTest extends TmuxTestBase {
    /** A worker that says where it is, edits, adds and commits, then ends. */
    static final String COMMITTER = "bash -c 'echo \"cwd=$PWD\"; printf \"one\\nTWO\\nthree\\n\" > f.txt; echo \"$LOOOP_SESSION_ID\" > \"$LOOOP_SESSION_ID.txt\";"
            + " git add -A && git -c user.name=W -c user.email=w@w commit -qm \"work of $LOOOP_SESSION_ID\" && echo committed'";

    private Beats.Cli ok(String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(0, r.code(), String.join(" ", args) + " → " + r);
        return r;
    }

    private String fails(String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(1, r.code(), String.join(" ", args) + " → " + r);
        assertEquals(1, r.err().strip().lines().count(), r.err());
        return r.err().strip();
    }

    @Test
    void aWorkerInItsWorktreeIsReviewedThenMergedAndPruned() throws Exception {
        profile(COMMITTER);
        Path checkout = repo(dir.resolve("repo"));
        sh(checkout, "echo mine >> g.txt");
        String before = fingerprint(checkout);
        Path worktree = t.profile.paths.data.resolve("worktrees/w1");

        assertTrue(ok("start-session", "w1", "change f", "--repo", checkout.toString()).out().contains("in its worktree " + worktree));
        t.awaitOutput("w1", "committed");
        t.awaitState("w1", "exited");
        assertTrue(t.output("w1").contains("cwd=" + worktree), t.output("w1"));
        JsonNode meta = Json.parse(Files.readString(t.profile.paths.sessions().resolve("w1/meta.json")));
        assertEquals(checkout.toString(), meta.get("repo").asText());
        assertEquals("looop/w1", meta.get("branch").asText());
        assertEquals(sh(checkout, "git rev-parse HEAD").strip(), meta.get("base").asText());
        String brief = Files.readString(t.profile.paths.prompts().resolve("w1.md"));
        assertTrue(brief.contains("`looop diff w1`") && !brief.contains("make your own sandbox"), brief);

        String stat = ok("diff", "w1", "--stat").out();
        assertTrue(stat.startsWith("worker w1 on looop/w1 against HEAD"), stat);
        assertTrue(stat.contains("2 files changed, 2 insertions(+), 1 deletion(-)"), stat);
        assertTrue(ok("diff", "w1").out().contains("+TWO"));
        JsonNode json = Json.parse(ok("diff", "w1", "--json").out());
        assertEquals(1, json.get("commits").asInt());
        assertTrue(ok("sense").out().contains("\"changes\":true"), "sys-sessions says the branch has changes");
        assertEquals(before, fingerprint(checkout), "the checkout is untouched until the person merges");

        assertTrue(fails("merge", "w1").contains("has uncommitted changes (1 file)"), "the person's own edit blocks the merge");
        sh(checkout, "git checkout -q g.txt");
        String pruned = ok("prune").out();
        assertTrue(pruned.contains("kept worker w1's worktree " + worktree + ": 1 commit of looop/w1 not merged into main"), pruned);
        assertTrue(Files.isDirectory(worktree));

        assertTrue(ok("merge", "w1").out().startsWith("merged looop/w1 into main (fast-forward)"));
        assertEquals("w1\n", Files.readString(checkout.resolve("w1.txt")));
        assertTrue(ok("prune").out().contains("removed 1 finished session: w1"));
        assertFalse(Files.exists(worktree));
        assertEquals("", sh(checkout, "git branch --list looop/w1"));
    }

    @Test
    void mergeAndDiscardWaitForTheWorkerUnlessForced() throws Exception {
        profile("bash -c 'echo up; while read line; do echo got:$line; done'");
        Path checkout = repo(dir.resolve("repo"));
        ok("start-session", "w1", "wait", "--repo", checkout.toString(), "--base", "main");
        t.awaitOutput("w1", "up");
        assertTrue(fails("merge", "w1").startsWith("looop: worker w1 is still running;"));
        assertTrue(fails("discard", "w1").contains("`looop discard w1 --force`"));
        assertTrue(fails("discard", "w1").contains("`looop kill w1`"), "the person's verb that stops a worker");
        String discarded = ok("discard", "w1", "--force").out();
        assertTrue(discarded.startsWith("stopped worker w1, then discarded its worktree"), discarded);
        assertFalse(t.sessions.isAlive("w1"), "--force stops the worker first: none runs on in a deleted directory");
        assertFalse(Files.exists(t.profile.paths.data.resolve("worktrees/w1")));
        assertTrue(fails("diff", "w1").contains("is gone"));
        assertTrue(fails("start-session", "w2", "x", "--repo", dir.resolve("nope").toString()).contains("is not a directory"));
        assertFalse(Files.exists(t.profile.paths.sessions().resolve("w2")), "a refused start leaves no session");
    }

    @Test
    void twoWorkersOnOneRepoNeverSeeEachOthersWork() throws Exception {
        profile(COMMITTER);
        Path checkout = repo(dir.resolve("repo"));
        ok("start-session", "a", "x", "--repo", checkout.toString());
        ok("start-session", "b", "x", "--repo", checkout.toString());
        t.awaitState("a", "exited");
        t.awaitState("b", "exited");
        assertTrue(t.output("a").contains("committed") && t.output("b").contains("committed"), t.output("a") + t.output("b"));
        JsonNode a = Json.parse(ok("diff", "a", "--json").out());
        JsonNode b = Json.parse(ok("diff", "b", "--json").out());
        assertEquals("[\"a.txt\",\"f.txt\"]", Json.canonical(Json.array(a.get("files").findValuesAsText("path"))));
        assertEquals("[\"b.txt\",\"f.txt\"]", Json.canonical(Json.array(b.get("files").findValuesAsText("path"))));
        assertEquals("looop/a\nlooop/b\nmain\n", sh(checkout, "git branch --format='%(refname:short)'"));
        assertEquals("one\ntwo\nthree\n", Files.readString(checkout.resolve("f.txt")));
    }
}
