package looop.workers;

import static looop.GitFixture.fingerprint;
import static looop.GitFixture.repo;
import static looop.GitFixture.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import looop.Beats;
import looop.TmuxTestBase;
import looop.io.ExitCode;
import looop.io.Json;
import org.junit.jupiter.api.Test;

/**
 * Workers that collide (issue 26): sys-conflicts, status, diff and merge-order
 * on real workers' real branches in a real repo, none of which touches a
 * checkout, a ref or runs anything a branch names.
 */
class ConflictsTest extends TmuxTestBase {
    /**
     * A worker that commits a file of its own; one whose id starts with c also
     * rewrites f.txt's second line with its id, so two such workers collide there.
     */
    static final String WORKER = "bash -c 'case $LOOOP_SESSION_ID in c*) printf \"one\\n%s\\nthree\\n\" \"$LOOOP_SESSION_ID\" > f.txt;; esac;"
            + " echo \"$LOOOP_SESSION_ID\" > \"$LOOOP_SESSION_ID.txt\";"
            + " git add -A && git -c user.name=W -c user.email=w@w commit -qm \"work of $LOOOP_SESSION_ID\" && echo committed'";

    private Path checkout;

    private Beats.Cli ok(String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(0, r.code(), String.join(" ", args) + " → " + r);
        return r;
    }

    private void finished(String... ids) {
        for (String id : ids) ok("start-session", id, "work", "--repo", checkout.toString());
        for (String id : ids) {
            t.awaitState(id, "exited");
            assertTrue(t.output(id).contains("committed"), t.output(id));
        }
        ok("sense"); // as a beat does: looop takes what each worker left as its branch into the repo's looop/<id>
    }

    private Path worktree(String id) {
        return t.profile.paths.data.resolve("worktrees").resolve(id);
    }

    private JsonNode conflictsReading() throws Exception {
        return Json.parse(ok("sense").out()).get("snapshots").get("sys-conflicts.json");
    }

    private String refs() {
        return sh(checkout, "git for-each-ref --format='%(refname) %(objectname)'");
    }

    private String hash() throws Exception {
        ok("sense");
        return Json.parse(ok("hash").out()).get("hash").asText();
    }

    @Test
    void twoBranchesEditingTheSameLinesAreReportedWithTheFileAndACleanOneIsNot() throws Exception {
        profile(WORKER);
        checkout = repo(dir.resolve("repo"));
        finished("c1", "c2", "p1");
        String before = fingerprint(checkout);
        String refs = refs();

        JsonNode reading = conflictsReading();
        assertEquals("[{\"a\":\"c1\",\"b\":\"c2\",\"files\":[\"f.txt\"]}]", Json.canonical(reading.get("signal").get("conflicts")),
                reading.toString());

        String snapshot = Files.readString(t.profile.paths.snapshots().resolve("sys-conflicts.json"));
        String prompt = looop.decide.Prompt.build(t.profile.paths, java.util.List.of(new looop.sense.Sensors.Reading("sys-conflicts.json", snapshot)),
                java.util.List.of(), t.profile.clock);
        assertTrue(prompt.contains("sys-conflicts signal:") && prompt.contains("--- snapshots/sys-conflicts.json\n" + snapshot), prompt);

        String status = ok("status").out();
        assertTrue(status.contains("conflicts:  c1 ↔ c2 in f.txt"), status);
        JsonNode statusJson = Json.parse(ok("status", "--json").out());
        assertEquals(reading.get("signal").get("conflicts"), statusJson.get("conflicts"));

        String diff = ok("diff", "c1", "--stat").out();
        assertTrue(diff.contains("collides with c2 (looop/c2) in f.txt"), diff);
        assertFalse(ok("diff", "p1", "--stat").out().contains("collides"), "p1 touches no file another branch does");
        JsonNode diffJson = Json.parse(ok("diff", "c1", "--json").out());
        assertEquals("[{\"branch\":\"looop/c2\",\"files\":[\"f.txt\"],\"with\":\"c2\"}]", Json.canonical(diffJson.get("conflicts")));

        com.fasterxml.jackson.databind.node.ObjectNode page = new looop.web.Fleet(t.profile.paths, t.profile.clock, t.sessions, looop.web.HumanActions.none()).state();
        for (JsonNode w : page.get("workers")) {
            String shown = w.path("collides").asText("");
            if (w.get("id").asText().equals("p1")) assertEquals("", shown);
            else assertEquals("collides with " + (w.get("id").asText().equals("c1") ? "c2 (looop/c2)" : "c1 (looop/c1)") + " in f.txt", shown);
        }
        assertTrue(looop.web.Page.render(page).contains("⇄ collides with c2 (looop/c2) in f.txt"), "the page shows it");

        assertEquals(before, fingerprint(checkout), "no checkout is touched");
        assertEquals(refs, refs(), "no ref moves");
        assertTrue(Files.isRegularFile(t.profile.paths.data.resolve(".merge-checks.json")), "the results are kept by commit ids");
    }

    @Test
    void withoutRepoWorkersTheReadingIsEmptyAndNoMergeIsChecked() throws Exception {
        profile("bash -c 'echo done'");
        assertEquals("{\"detail\":{\"overlap\":[],\"unmerged\":[]},\"signal\":{\"conflicts\":[]}}", Json.canonical(conflictsReading()));
        ok("start-session", "plain", "no repo");
        t.awaitState("plain", "exited");
        assertEquals("[]", Json.canonical(conflictsReading().get("signal").get("conflicts")));
        assertFalse(ok("status").out().contains("conflicts:"));
        assertEquals(0, ok("merge-order").code());
        assertFalse(Files.exists(t.profile.paths.data.resolve(".merge-checks.json")), "no pair was merged, so none was kept");
    }

    @Test
    void theHashChangesOnlyWhenTheSetOfConflictsChanges() throws Exception {
        profile(WORKER);
        checkout = repo(dir.resolve("repo"));
        finished("c1", "c2");
        String colliding = hash();

        sh(worktree("c1"), "echo more > more.txt && git add -A && git -c user.name=W -c user.email=w@w commit -qm more");
        assertEquals(colliding, hash(), "another commit that keeps the same conflicts does not wake the loop");

        sh(worktree("c2"), "printf 'one\\nc1\\nthree\\n' > f.txt && git add -A && git -c user.name=W -c user.email=w@w commit -qm agree");
        assertEquals("[]", Json.canonical(conflictsReading().get("signal").get("conflicts")));
        String resolved = hash();
        assertNotEquals(colliding, resolved, "the conflict went away: a changed world");

        sh(checkout, "printf 'one\\nmine\\nthree\\n' > f.txt && git commit -qam 'person edits line two'");
        assertEquals("[{\"a\":\"c1\",\"base\":\"main\",\"files\":[\"f.txt\"]},{\"a\":\"c2\",\"base\":\"main\",\"files\":[\"f.txt\"]}]",
                Json.canonical(conflictsReading().get("signal").get("conflicts")));
        assertNotEquals(resolved, hash(), "a branch that no longer merges onto its base is a new conflict");
    }

    @Test
    void mergeOrderGivesACleanOrderOrNamesTheBlockingPair() throws Exception {
        profile(WORKER);
        checkout = repo(dir.resolve("repo"));
        finished("p1", "p2");
        String before = fingerprint(checkout);
        String refs = refs();

        Beats.Cli clean = ok("merge-order");
        assertTrue(clean.out().contains("1. p1 (looop/p1)") && clean.out().contains("2. p2 (looop/p2)"), clean.out());
        JsonNode json = Json.parse(ok("merge-order", "--json").out());
        assertEquals("[\"p1\",\"p2\"]", Json.canonical(json.get("order")));

        finished("c1", "c2");
        Beats.Cli blocked = t.cli("merge-order");
        assertEquals(ExitCode.CONFLICT, blocked.code(), blocked.toString());
        assertTrue(blocked.out().contains("c1 (looop/c1) and c2 (looop/c2) conflict in f.txt"), blocked.out());
        JsonNode blockedJson = Json.parse(t.cli("merge-order", "--json").out());
        assertEquals("{\"a\":\"c1\",\"b\":\"c2\",\"files\":[\"f.txt\"]}", Json.canonical(blockedJson.get("blocked")));

        assertEquals(before, fingerprint(checkout), "merge-order simulates: no checkout is touched");
        assertEquals(refs, refs().replaceAll("refs/heads/looop/c[12] \\w+\\n", ""), "no ref but the new workers' own");
    }

    @Test
    void aBranchThatNamesAMergeDriverOrPlantsALinkRunsNothingAndChangesNothingOutside() throws Exception {
        profile(WORKER);
        checkout = repo(dir.resolve("repo"));
        Path ran = dir.resolve("ran");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        finished("c1", "c2");
        sh(worktree("c1"), "printf '* merge=pwn filter=pwn\\n' > .gitattributes && ln -s " + outside + " escape"
                + " && git add -A && git -c user.name=W -c user.email=w@w commit -qm plant");
        sh(worktree("c2"), "mkdir escape && echo x > escape/dropped && git add -A && git -c user.name=W -c user.email=w@w commit -qm drop");
        // drivers the person's own config defines: a branch must not be able to name them for its files
        sh(checkout, "git config merge.pwn.driver 'touch " + ran + "; cp %B %A' && git config filter.pwn.smudge 'touch " + ran + "; cat'"
                + " && git config filter.pwn.clean 'touch " + ran + "; cat'");
        String before = fingerprint(checkout);

        JsonNode reading = conflictsReading();
        assertTrue(Json.canonical(reading.get("signal").get("conflicts")).contains("\"f.txt\""), "the branch's merge driver was not used: " + reading);
        assertEquals(ExitCode.CONFLICT, t.cli("merge-order").code());
        assertFalse(Files.exists(ran), "no driver or filter a branch names ran");
        try (var listed = Files.list(outside)) {
            assertEquals(0, listed.count(), "nothing was written through the planted link");
        }
        assertEquals(before, fingerprint(checkout));

        sh(worktree("c1"), "git merge-tree --write-tree looop/c1 looop/c2 >/dev/null || true");
        assertTrue(Files.exists(ran), "the control: the same merge run as git runs in the branch's own worktree takes its driver");
    }
}
