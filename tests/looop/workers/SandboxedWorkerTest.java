package looop.workers;

import static looop.GitFixture.fingerprint;
import static looop.GitFixture.repo;
import static looop.GitFixture.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import looop.Beats;
import looop.Needs;
import looop.TmuxProfile;
import looop.beat.HumanDuties;
import looop.gate.Budget;
import looop.human.Asks;
import looop.io.Fs;
import looop.io.Log;
import looop.profile.Config;
import looop.profile.Confinement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers under real bubblewrap in real tmux, calling the real launcher:
 * every internal verb still works from inside (through its outbox,
 * workers/&lt;id&gt;/, where the target is looop's), every attempt on policy,
 * history or another worker fails, and a worker with a worktree commits
 * there without reaching the person's checkout. The profile lives under
 * /var/tmp: the sandbox's private /tmp would hide a repo kept in /tmp.
 */
class SandboxedWorkerTest {
    Path base;
    TmuxProfile t;

    @BeforeEach
    void setUp() throws IOException {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "looop-sbxw-").toRealPath();
        t = new TmuxProfile(base.resolve("data"), Map.of("LOOOP_SANDBOX", "auto"));
        t.profile.write("looop.json", "{\"default\":\"t\",\"runners\":{\"t\":{\"tick\":\"true\",\"interactive\":\"bash "
                + base.resolve("data/scripts") + "/$LOOOP_SESSION_ID.sh\"}},"
                + "\"notify\":[{\"type\":\"command\",\"on\":[\"ask\"],\"command\":\"cat > /dev/null\"}]}");
        t.profile.write("PLAYBOOK.md", "# playbook\n");
        t.profile.write("CONSTITUTION.md", "# my rules\n");
        t.profile.write("goals/alpha.md", "alpha goal\n");
        t.profile.sensor("watch", "echo '{\"signal\":{\"ok\":true}}'");
        Confinement c = Confinement.of(t.profile.paths, Config.load(t.profile.paths));
        Needs.bwrap(c.sandbox());
    }

    @AfterEach
    void tearDown() {
        if (t != null) t.close();
        sh(base.getParent(), "chmod -R u+w " + base + " 2>/dev/null; rm -rf " + base);
    }

    private void script(String id, String body) {
        t.profile.write("scripts/" + id + ".sh", "B=\"$LOOOP_BIN\"; me=\"$LOOOP_SESSION_ID\"\nsay() { echo \"$1=$2\"; }\n" + body + "\n");
    }

    private Beats.Cli ok(String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(0, r.code(), String.join(" ", args) + " → " + r);
        return r;
    }

    @Test
    void everyInternalVerbWorksFromInsideAndNothingOfPolicyOrOtherWorkersCanBeWritten() throws Exception {
        script("w2", "\"$B\" _ claim shared; say w2-claimed $?; sleep 600");
        script("w1", String.join("\n",
                "\"$B\" _ flag \"$me\" first note; say flag $?",
                "\"$B\" _ unflag \"$me\"; say unflag $?",
                "\"$B\" _ claim mine; say claim $?",
                "\"$B\" _ claim shared; say claim-held $?",
                "\"$B\" _ unclaim mine; say unclaim $?",
                "\"$B\" _ cost session \"$me\" t 0.25; say cost $?",
                "echo '# done' > reports/$me.md; say report $?",
                "a=$(\"$B\" ask \"$me\" 'proceed?' --options yes,no); say ask \"$a\"",
                "for f in looop.json CONSTITUTION.md PLAYBOOK.md goals/alpha.md sensors/watch.sh cost.jsonl journal.md events.jsonl"
                        + " sessions/w1/state sessions/w1/meta.json sessions/w1/run.sh sessions/w2/state workers/w2/ask.json"
                        + " workers/w2/note asks/w2.json outbox/x.json workers/w2/tells/x.json claims/../looop.json claims/x.json; do",
                "  echo pwned > \"$f\" 2>/dev/null; say \"write-$f\" $?; done",
                "sed -i 's/t/x/' looop.json 2>/dev/null; say sed $?",
                "rm -rf goals sensors 2>/dev/null; say rm $?",
                "rm -f CONSTITUTION.md 2>/dev/null; say rm-constitution $?",
                "\"$B\" _ flag w2 hijack 2>/dev/null; say flag-other $?",
                "\"$B\" _ cost session w2 t 9 2>/dev/null; say cost-other $?",
                "\"$B\" _ flag \"$me\" final note; say flag-again $?",
                "\"$B\" _ kill \"$me\"; say after-kill $?",
                "sleep 60; say survived 1"));
        Map<String, String> policy = policy();
        ok("start-session", "w2", "hold the lease");
        t.awaitOutput("w2", "w2-claimed=0");
        ok("start-session", "w1", "use every verb");
        Asks asks = new Asks(t.profile.paths, t.profile.clock);
        TmuxProfile.awaitTrue(() -> asks.pending().stream().anyMatch(a -> a.id().equals("w1")), () -> "w1's ask, output: " + t.output("w1"));
        assertFalse(Files.exists(t.profile.paths.asks().resolve("w1.json")), "a worker's ask lives in its own outbox");

        try (HumanDuties duties = new HumanDuties(t.profile.paths, t.profile.clock, t.sessions,
                new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), t.profile.clock, false, false))) {
            duties.afterBeat(null, "a test beat", looop.profile.Config.load(t.profile.paths));
        }
        String key = asks.read("w1").key();
        assertTrue(Files.exists(t.profile.paths.outbox().resolve("ask-" + key + ".json"))
                || Fs.readOr(t.profile.paths.outbox().resolve("delivered.jsonl"), "").contains("ask-" + key), "the pulse recorded the ask's notice");

        ok("tell", "w1", "also this");
        ok("answer", "w1", "yes");
        t.awaitState("w1", "killed");
        TmuxProfile.awaitTrue(() -> !t.sessions.tmux().has("w1"), () -> "w1's terminal to go");
        String out = t.output("w1");
        for (String verb : List.of("flag", "unflag", "claim", "unclaim", "cost", "report", "flag-again")) {
            assertTrue(out.contains(verb + "=0"), verb + " works inside: " + out);
        }
        // tmux is out of reach inside: the files say w2 lives (were tmux's silence read as "all dead", the lease would be taken over)
        assertTrue(out.contains("claim-held=1") && out.contains("shared is held by w2"), "a lease another live worker holds stays its: " + out);
        assertTrue(out.contains("ask=yes") && out.contains("Also from the human: also this"), out);
        assertFalse(out.contains("write-") && out.matches("(?s).*write-[^=]+=0.*"), "no write outside its own files: " + out);
        for (String refused : List.of("sed", "rm", "rm-constitution", "flag-other", "cost-other")) assertTrue(out.matches("(?s).*" + refused + "=[1-9].*"), refused + ": " + out);
        assertFalse(out.contains("after-kill") || out.contains("survived"), "_ kill ended its own tree: " + out);

        assertEquals(policy, policy(), "config, playbook, goals and sensors unchanged");
        assertEquals("final note", t.profile.read("workers/w1/note").strip());
        assertEquals("running", t.profile.read("sessions/w2/state").strip());
        assertEquals("w2", new looop.workers.Claims(t.profile.paths, t.sessions).holder("shared"));
        assertEquals("# done\n", t.profile.read("reports/w1.md"));

        Budget ledger = new Budget(t.profile.paths.costLedger(), t.profile.paths.unmetered(), t.profile.clock);
        assertTrue(ledger.rows().isEmpty(), "the ledger is looop's to write");
        ok("sense"); // a beat's housekeeping takes the queue in
        ok("sense");
        List<Budget.Row> rows = ledger.rows();
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(List.of("session", "w1", "t", "0.25"), List.of(rows.get(0).kind(), rows.get(0).id(), rows.get(0).runner(),
                String.valueOf(rows.get(0).costUsd())));
    }

    @Test
    void aWorkerCommitsInItsWorktreeAndCannotWriteThePersonsCheckout() throws Exception {
        Path checkout = repo(base.resolve("repo"));
        String before = fingerprint(checkout);
        String c = checkout.toString();
        script("w3", String.join("\n",
                "printf 'one\\nTWO\\nthree\\n' > f.txt; say edit $?",
                "git add -A && git -c user.name=W -c user.email=w@w commit -qm 'work of w3'; say commit $?",
                "echo pwned > " + c + "/f.txt 2>/dev/null; say write-checkout $?",
                "echo '[core]' >> " + c + "/.git/config 2>/dev/null; say write-config $?",
                "echo 'echo hook' > " + c + "/.git/hooks/pre-commit 2>/dev/null; say write-hook $?",
                "git -C " + c + " -c user.name=W -c user.email=w@w commit -qam evil 2>/dev/null; say commit-checkout $?",
                "git -C " + c + " branch -f main HEAD~0 2>/dev/null; say move-main $?",
                "\"$B\" _ cost session \"$me\" t 0.5; say cost $?",
                "\"$B\" _ kill \"$me\"; say after-kill $?"));
        ok("start-session", "w3", "fix f", "--repo", c);
        t.awaitState("w3", "killed");
        String out = t.output("w3");
        assertTrue(out.contains("edit=0") && out.contains("commit=0") && out.contains("cost=0"), out);
        for (String refused : List.of("write-checkout", "write-config", "write-hook", "commit-checkout")) {
            assertTrue(out.matches("(?s).*" + refused + "=[1-9].*"), refused + ": " + out);
        }
        assertFalse(out.contains("after-kill"), out);
        assertEquals(before, fingerprint(checkout), "the person's checkout is untouched");
        // the worker committed on its own copy of the branch; looop moves the repo's looop/w3 when it reads it
        ok("diff", "w3", "--stat");
        assertEquals("work of w3", sh(checkout, "git log -1 --format=%s looop/w3").strip());
        assertEquals(1, CostQueue.ingestAll(t.profile.paths));
        assertEquals(0, CostQueue.ingestAll(t.profile.paths), "taken in once");
    }

    @Test
    void aQueueTakenInAfterACrashCountsEachReportOnce() {
        t.profile.write("sessions/w4/state", "exited\n");
        Path dir = t.profile.paths.workerOutboxes().resolve("w4");
        String a = "{\"cost_usd\":0.1,\"ref\":\"w4-a\",\"runner\":\"t\",\"ts\":\"2026-11-23T12:00:00Z\"}\n";
        String b = "{\"cost_usd\":0.2,\"ref\":\"w4-b\",\"runner\":\"t\",\"ts\":\"2026-11-23T12:00:01Z\"}\n";
        Budget ledger = new Budget(t.profile.paths.costLedger(), t.profile.paths.unmetered(), t.profile.clock);
        // a take-in that crashed after appending a, before deleting the aside file; b came after
        new looop.io.CostLedger(t.profile.paths.costLedger()).recordReported(java.time.Instant.parse("2026-11-23T12:00:00Z"), "session", "w4", "t", 0.1, "w4-a");
        t.profile.write("workers/w4/.cost-ingest.jsonl", a);
        t.profile.write("workers/w4/cost.jsonl", b + a + "not json\n");
        assertEquals(1, CostQueue.ingest(t.profile.paths, "w4"));
        assertEquals(0, CostQueue.ingest(t.profile.paths, "w4"));
        assertEquals(List.of(0.1, 0.2), ledger.rows().stream().map(Budget.Row::costUsd).toList());
        assertFalse(Files.exists(dir.resolve("cost.jsonl")) || Files.exists(dir.resolve(".cost-ingest.jsonl")));
    }

    private Map<String, String> policy() throws IOException {
        Map<String, String> out = new TreeMap<>();
        Path data = t.profile.paths.data;
        for (String d : List.of("goals", "sensors")) {
            try (Stream<Path> s = Files.walk(data.resolve(d))) {
                for (Path p : s.filter(Files::isRegularFile).toList()) out.put(data.relativize(p).toString(), Files.readString(p));
            }
        }
        for (String f : List.of("looop.json", "CONSTITUTION.md", "PLAYBOOK.md")) out.put(f, Files.readString(data.resolve(f)));
        return out;
    }
}
