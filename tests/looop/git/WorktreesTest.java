package looop.git;

import static looop.GitFixture.fingerprint;
import static looop.GitFixture.repo;
import static looop.GitFixture.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import looop.GitFixture;
import looop.Needs;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.sandbox.Grant;
import looop.sandbox.Sandbox;
import looop.sandbox.SandboxPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers' worktrees on real git repos: create, diff, merge, discard, prune, with the person's checkout untouched. */
class WorktreesTest {
    /** What a worker does: edits a tracked file, adds a new one, commits both. */
    static final String EDIT_ADD_COMMIT = "printf 'one\\nTWO\\nthree\\n' > f.txt && echo new > new.txt"
            + " && git add f.txt new.txt && git -c user.name=W -c user.email=w@w commit -qm 'worker change'";

    @TempDir Path tmp;
    Path checkout;
    Worktrees worktrees;

    @BeforeEach
    void setUp() {
        checkout = repo(tmp.resolve("repo"));
        // unconfined: these tests are about git; GitBoundaryTest reads the uncommitted part in the real sandbox
        worktrees = new Worktrees(tmp.resolve("data/worktrees"), (w, argv) -> argv);
    }

    @Test
    void aWorkersChangesShowInItsDiffAndNeverInTheCheckout() throws Exception {
        // a checkout in the middle of the person's own work: staged, unstaged, untracked and a stash
        sh(checkout, "echo stashed >> g.txt && git stash -q && echo mine >> f.txt && echo staged > s.txt && git add s.txt && echo junk > u.txt");
        String before = fingerprint(checkout);

        Worktree w = worktrees.create("w1", checkout, null);
        assertEquals(tmp.resolve("data/worktrees/w1"), w.path());
        assertEquals("looop/w1", w.branch());
        assertEquals(sh(checkout, "git rev-parse HEAD").strip(), w.base());
        assertEquals("one\ntwo\nthree\n", Files.readString(w.path().resolve("f.txt")), "starts from the committed base, not the dirty files");
        assertFalse(Files.exists(w.path().resolve("s.txt")));
        assertFalse(worktrees.hasChanges(w));
        assertFalse(worktrees.diff(w, true).changed());

        sh(w.path(), EDIT_ADD_COMMIT + " && echo more >> g.txt && echo untracked > fresh.txt && echo ignored > x.log"
                + " && echo '*.log' >> \"$(git rev-parse --git-common-dir)/info/exclude\"");
        Diff d = worktrees.diff(w, true);
        assertEquals(List.of("M f.txt +1 -1 100644", "A new.txt +1 -0 100644"), brief(d.files()), "the branch: what a merge lands");
        assertEquals(List.of("A fresh.txt +1 -0 null", "M g.txt +1 -0 null"), brief(d.uncommitted().files()), "the rest, apart");
        assertEquals(1, d.commits());
        assertTrue(d.hasUncommitted());
        assertTrue(d.patch().contains("-two\n+TWO\n"), d.patch());
        assertTrue(d.uncommitted().patch().contains("+++ b/fresh.txt\n@@ -0,0 +1 @@\n+untracked\n"), d.uncommitted().patch());
        assertFalse(d.text(false).contains("x.log"), "ignored files are not the worker's change");
        assertTrue(d.stat().contains("2 files changed, 2 insertions(+), 1 deletion(-)"), d.stat());
        assertTrue(d.text(true).contains("uncommitted in the worktree"), d.text(true));
        JsonNode json = Json.parse(Json.pretty(d.json()));
        assertEquals("w1", json.get("id").asText());
        assertTrue(json.get("changed").asBoolean());
        assertEquals(2, json.get("files").size());
        assertEquals("new.txt", json.get("files").get(1).get("path").asText());
        assertEquals("fresh.txt", json.get("uncommitted_files").get(0).get("path").asText());
        assertTrue(worktrees.hasChanges(w));
        assertTrue(worktrees.hasChanges(w), "a stable answer");

        assertEquals(before, fingerprint(checkout), "the checkout is byte for byte as it was");
        String refusal = assertThrows(UserError.class, () -> Merge.run(worktrees, w, Merge.Mode.MERGE)).getMessage();
        assertTrue(refusal.startsWith("refused: " + checkout + " has uncommitted changes (2 files)"), refusal);
        assertEquals(before, fingerprint(checkout));
    }

    @Test
    void mergeFastForwardsThenPruneRemovesTheMergedWorktree() throws Exception {
        Worktree w = worktrees.create("w1", checkout, "main");
        sh(w.path(), EDIT_ADD_COMMIT);
        String tip = sh(w.path(), "git rev-parse HEAD").strip();
        assertEquals("1 commit of looop/w1 not merged into main", worktrees.unmerged(w));

        String said = Merge.run(worktrees, w, Merge.Mode.MERGE);
        assertTrue(said.startsWith("merged looop/w1 into main (fast-forward); main is now " + tip.substring(0, 10)), said);
        assertEquals(tip, sh(checkout, "git rev-parse HEAD").strip());
        assertEquals("new\n", Files.readString(checkout.resolve("new.txt")));
        assertEquals("", sh(checkout, "git status --porcelain"));
        assertTrue(Merge.run(worktrees, w, Merge.Mode.MERGE).startsWith("nothing to merge"));

        assertNull(worktrees.discardIfMerged(w));
        assertGone(w);
    }

    @Test
    void aConflictIsRefusedInEveryModeWithTheCheckoutUnchanged() throws Exception {
        Worktree w = worktrees.create("w1", checkout, null);
        sh(w.path(), EDIT_ADD_COMMIT);
        sh(checkout, "printf 'one\\nzwei\\nthree\\n' > f.txt && git commit -qam 'person change' && echo junk > u.txt");
        String before = fingerprint(checkout);
        for (Merge.Mode mode : Merge.Mode.values()) {
            String refusal = assertThrows(UserError.class, () -> Merge.run(worktrees, w, mode)).getMessage();
            assertEquals("refused: looop/w1 conflicts with main in f.txt; have worker w1 merge main into its branch, or resolve it yourself",
                    refusal, mode.toString());
            assertEquals(before, fingerprint(checkout), mode.toString());
        }
        assertTrue(worktrees.unmerged(w).contains("not merged into main"));
    }

    @Test
    void aCleanDivergentBranchMergesSquashesOrRebases() {
        for (Merge.Mode mode : Merge.Mode.values()) {
            String id = "w-" + mode.name().toLowerCase();
            Worktree w = worktrees.create(id, checkout, null);
            sh(w.path(), "echo " + id + " > " + id + ".txt && git add . && git -c user.name=W -c user.email=w@w commit -qm one"
                    + " && echo more >> " + id + ".txt && git -c user.name=W -c user.email=w@w commit -qam two");
            sh(checkout, "echo person >> g.txt && git commit -qam 'person moves on " + id + "'");
            String said = Merge.run(worktrees, w, mode);
            assertEquals(id + "\nmore\n", GitFixture.sh(checkout, "cat " + id + ".txt"), said);
            String log = sh(checkout, "git log --format=%s -3");
            switch (mode) {
                case MERGE -> assertTrue(log.startsWith("Merge looop/" + id + " (looop worker " + id + ")\n"), log);
                case SQUASH -> assertTrue(log.startsWith("Squashed looop/" + id + " (looop worker " + id + ", 2 commits)\n"), log);
                case REBASE -> assertEquals("two\none\nperson moves on " + id + "\n", log);
            }
            assertEquals("", sh(checkout, "git status --porcelain"), said);
            assertNull(worktrees.unmerged(w), "merged, squashed or rebased: nothing left to lose (" + mode + ")");
        }
        assertEquals("", sh(checkout, "git worktree list --porcelain | grep .rebase- || true"), "the scratch worktree is gone");
    }

    @Test
    void mergeRefusesAWorkersUncommittedChanges() throws Exception {
        Worktree w = worktrees.create("w1", checkout, null);
        sh(w.path(), EDIT_ADD_COMMIT + " && echo later > later.txt");
        String before = fingerprint(checkout);
        String refusal = assertThrows(UserError.class, () -> Merge.run(worktrees, w, Merge.Mode.MERGE)).getMessage();
        assertTrue(refusal.startsWith("refused: worker w1 has uncommitted changes in " + w.path()), refusal);
        assertEquals(before, fingerprint(checkout));
    }

    @Test
    void discardLeavesNoWorktreeNorBranchEvenWithUnmergedWork() {
        Worktree w = worktrees.create("w1", checkout, null);
        sh(w.path(), EDIT_ADD_COMMIT + " && echo wip > wip.txt");
        String before = fingerprint(checkout);
        worktrees.discard(w);
        assertGone(w);
        assertEquals(before, fingerprint(checkout));
    }

    @Test
    void pruneKeepsAnUnmergedWorktreeAndSaysWhy() {
        Worktree committed = worktrees.create("w1", checkout, null);
        sh(committed.path(), EDIT_ADD_COMMIT);
        assertEquals("1 commit of looop/w1 not merged into main", worktrees.discardIfMerged(committed));
        assertTrue(Files.isDirectory(committed.path()));

        Worktree onlyOnDisk = worktrees.create("w2", checkout, null);
        sh(onlyOnDisk.path(), "echo wip > wip.txt");
        assertEquals("it has uncommitted changes", worktrees.discardIfMerged(onlyOnDisk));
        assertTrue(Files.exists(onlyOnDisk.path().resolve("wip.txt")));

        Worktree idle = worktrees.create("w3", checkout, null);
        assertNull(worktrees.discardIfMerged(idle), "a worker that changed nothing loses nothing");
        assertGone(idle);
    }

    @Test
    void twoWorkersOnOneRepoEachHaveTheirOwnBranch() {
        Worktree a = worktrees.create("a", checkout, null);
        Worktree b = worktrees.create("b", checkout, null);
        sh(a.path(), "echo a > a.txt && git add a.txt && git -c user.name=W -c user.email=w@w commit -qm a");
        sh(b.path(), "echo b > b.txt && echo b-wip >> f.txt");
        assertFalse(Files.exists(a.path().resolve("b.txt")));
        assertFalse(Files.exists(b.path().resolve("a.txt")));
        assertEquals("one\ntwo\nthree\n", sh(a.path(), "cat f.txt"));
        assertEquals(List.of("a.txt"), worktrees.diff(a, false).files().stream().map(Diff.FileChange::path).toList());
        assertEquals(List.of("b.txt", "f.txt"), worktrees.diff(b, false).uncommitted().files().stream().map(Diff.FileChange::path).toList());
        assertEquals("looop/a\nlooop/b\nmain\n", sh(checkout, "git branch --format='%(refname:short)'"));
        assertEquals("", sh(b.path(), "git log --format=%s " + a.base() + "..HEAD"), "b's branch holds none of a's commits");
    }

    @Test
    void mistakesAreOneLineErrors() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        assertEquals(plain + " is not a git repository; pass the path of a git checkout (or `git init` it first)",
                refusal(() -> worktrees.create("w1", plain, null)));
        assertTrue(refusal(() -> worktrees.create("w1", tmp.resolve("nope"), null)).startsWith("repo " + tmp.resolve("nope") + " is not a directory"));
        assertEquals("base 'nope' is not a branch, tag or commit in " + checkout + "; `git -C " + checkout + " branch` lists the branches",
                refusal(() -> worktrees.create("w1", checkout, "nope")));
        assertTrue(refusal(() -> worktrees.create("w1", checkout, "--output=/tmp/x")).startsWith("base '--output=/tmp/x' is not"));
        sh(checkout, "git branch looop/w1");
        assertTrue(refusal(() -> worktrees.create("w1", checkout, null)).startsWith("branch looop/w1 already exists in " + checkout));
        assertTrue(refusal(() -> worktrees.create("w 1", checkout, null)).startsWith("worker id 'w 1' cannot name a git branch"));
        sh(tmp, "git init -q --bare bare.git && git init -q empty");
        assertTrue(refusal(() -> worktrees.create("w2", tmp.resolve("bare.git"), null)).endsWith("is a bare repository; pass a checkout with a working tree"));
        assertTrue(refusal(() -> worktrees.create("w2", tmp.resolve("empty"), null)).endsWith("has no commits yet; commit something first (a worktree starts from a commit)"));
        assertFalse(Files.exists(worktrees.pathOf("w1")));
        assertFalse(Files.exists(worktrees.pathOf("w2")));
    }

    @Test
    void aSubdirectoryNamesItsCheckoutAndABaseIsFixedAtCreation() {
        sh(checkout, "mkdir -p sub/dir && git checkout -qb topic && echo t > t.txt && git add t.txt && git commit -qm topic && git checkout -q main");
        Worktree w = worktrees.create("w1", checkout.resolve("sub/.."), "topic");
        assertEquals(checkout, w.repo());
        assertEquals("topic", w.baseRef());
        assertTrue(Files.exists(w.path().resolve("t.txt")));
        sh(checkout, "git checkout -q topic && echo u > u.txt && git add u.txt && git commit -qm more && git checkout -q main");
        assertFalse(worktrees.hasChanges(w), "the base is the commit topic was, not where it went since");
        Worktree again = Worktree.fromJson("w1", w.json());
        assertEquals(w, again);
    }

    @Test
    void theSandboxOpensTheWorktreeAndHisBranchNotTheCheckout() {
        Worktree w = worktrees.create("w1", checkout, null);
        Worktrees.Access a = worktrees.sandboxAccess(w);
        assertTrue(a.writable().contains(w.path()));
        assertFalse(a.writable().contains(checkout));
        assertTrue(a.protectedPaths().contains(checkout));
        Path git = checkout.resolve(".git");
        assertTrue(a.protectedPaths().containsAll(List.of(git.resolve("hooks"), git.resolve("config"), w.path().resolve(".git"))));
        for (Path p : a.writable()) assertTrue(Files.isDirectory(p), p + " exists, so the sandbox can open it");
        for (Path p : a.protectedPaths()) assertTrue(Files.exists(p), p + " exists, so protecting it protects no more than it");
        assertTrue(a.protectedPaths().contains(git), "refs/, packed-refs and the rest of the git dir stay read-only");
        assertEquals(java.util.Set.of(git.resolve("refs/heads/looop"), git.resolve("logs/refs/heads/looop")), a.bound().keySet(),
                "the one ref directory open to the worker is its own, bound in place of looop/");
        a.bound().forEach((target, source) -> {
            assertTrue(Files.isDirectory(target) && Files.isDirectory(source), target + " and " + source + " exist, so the sandbox can bind them");
            assertFalse(source.startsWith(git), "what the worker writes there is not the repo's");
        });
        assertEquals(w.base() + "\n", Fs.readOr(worktrees.branchCopy("w1"), ""), "the worker starts from its branch's commit");
    }

    // with the sandbox off (or none available) the worker moves the repo's branch itself: looop must not move it back
    @Test
    void commitsMadeWithoutTheSandboxStandAndARestartStartsFromThem() {
        Worktree w = worktrees.create("w1", checkout, null);
        worktrees.sandboxAccess(w); // a start: the copy is given
        sh(w.path(), EDIT_ADD_COMMIT);
        String tip = sh(checkout, "git rev-parse looop/w1").strip();
        assertEquals(1, worktrees.diff(w, false).commits(), "the repo's branch was not put back to the copy's");
        assertEquals(tip, sh(checkout, "git rev-parse looop/w1").strip());
        worktrees.sandboxAccess(w); // a restart
        assertEquals(tip + "\n", Fs.readOr(worktrees.branchCopy("w1"), ""), "the copy follows the repo's branch");
        worktrees.discard(w);
        assertFalse(Files.exists(worktrees.branchCopy("w1")), "discard removes the copy with the worktree");
    }

    @Test
    void aSandboxedWorkerCommitsInItsWorktreeAndCannotReachTheCheckout() throws Exception {
        Sandbox sandbox = Sandbox.of(SandboxPolicy.defaults(Path.of(System.getProperty("user.home"))));
        Needs.bwrap(sandbox);
        // under $HOME, not /tmp: the sandbox's /tmp is private
        Path home = Files.createTempDirectory(Path.of(System.getProperty("user.home")), "looop-worktree-test-");
        try {
            Path repo = repo(home.resolve("repo"));
            Worktrees inHome = new Worktrees(home.resolve("data/worktrees"), (w, argv) -> argv);
            Worktree w = inHome.create("w1", repo, null);
            String before = fingerprint(repo);
            Worktrees.Access a = inHome.sandboxAccess(w);
            Grant grant = Grant.none().write(a.writable()).protect(a.protectedPaths()).bind(a.bound());
            String git = repo.resolve(".git").toString();
            List<String> attempts = List.of("echo x >> " + repo.resolve("f.txt"), "echo x > " + repo.resolve("evil.txt"),
                    "git -C " + repo + " -c user.name=W -c user.email=w@w commit -qm evil --allow-empty",
                    "git update-ref refs/heads/main HEAD", "echo x >> g.txt && git stash",
                    "echo x > " + git + "/hooks/post-merge", "echo x >> " + git + "/config",
                    "echo gitdir: /elsewhere > .git", "echo /elsewhere > " + w.adminDir().resolve("commondir"),
                    "echo '[core] fsmonitor = evil' > " + w.adminDir().resolve("config.worktree"));
            StringBuilder script = new StringBuilder(EDIT_ADD_COMMIT + " && echo committed\n");
            for (String attempt : attempts) script.append("if (" + attempt + ") >/dev/null 2>&1; then echo 'ESCAPED: " + attempt.replace("'", "") + "'; fi\n");
            List<String> argv = sandbox.wrap(List.of("bash", "-c", script.toString()), grant);
            String out = sh(w.path(), String.join(" ", argv.stream().map(looop.io.Proc::shellQuote).toList()));
            assertEquals("committed\n", out);
            assertEquals(before, fingerprint(repo), "the checkout, its HEAD and its stash are as they were");
            assertEquals(1, inHome.diff(w, false).commits());
            assertTrue(inHome.hasChanges(w));
        } finally {
            sh(home.getParent(), "rm -rf " + looop.io.Proc.shellQuote(home.toString()));
        }
    }

    private static List<String> brief(List<Diff.FileChange> files) {
        return files.stream().map(f -> f.status() + " " + f.path() + " +" + f.added() + " -" + f.deleted() + " " + f.newMode()).toList();
    }

    private void assertGone(Worktree w) {
        assertFalse(Files.exists(w.path()), "no worktree dir");
        assertEquals("", sh(checkout, "git branch --list " + w.branch()), "no branch");
        assertFalse(sh(checkout, "git worktree list --porcelain").contains(w.path().toString()), "git knows no such worktree");
        assertFalse(Files.exists(w.adminDir()), "no admin dir left in .git/worktrees");
    }

    private static String refusal(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(UserError.class, e).getMessage();
    }
}
