package looop.workers;

import static looop.GitFixture.repo;
import static looop.GitFixture.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import looop.Beats;
import looop.TmuxTestBase;
import looop.act.Decision;
import looop.act.Executor;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import org.junit.jupiter.api.Test;

/**
 * Work that waits for other work (`start-session … --after ID`, start_worker's
 * "after"), on real tmux and real git: a waiting worker starts in a beat's
 * housekeeping once every worker it names ended well (and, with a repo, was
 * merged), or is blocked with the reason; it counts against nothing until then.
 */
class WaitingWorkersTest extends TmuxTestBase {
    /** Says it is up, waits for a line, then exits with that line as its code. */
    static final String WAITER = "bash -c 'echo up; read code; echo bye; exit ${code:-0}'";

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

    /** One beat's housekeeping and sensors, as `looop sense` runs them. */
    private JsonNode beat() {
        ok("sense");
        return Json.parseOrNull(Fs.readOr(t.profile.paths.snapshots().resolve("sys-sessions.json"), "{}"));
    }

    private static JsonNode session(JsonNode sys, String id) {
        for (JsonNode s : sys.path("signal").path("sessions")) if (s.path("id").asText().equals(id)) return s;
        return null;
    }

    private String state(String id) {
        Sessions.Info i = t.info(id);
        return i == null ? null : i.state().word();
    }

    private String journal() {
        return Fs.readOr(t.profile.paths.journal(), "");
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void aDependentStartsOnlyOnceItsDependencyEndedWell() {
        profile(WAITER);
        ok("start-session", "w1", "first");
        t.awaitOutput("w1", "up");
        String said = ok("start-session", "w2", "second", "--after", "w1").out();
        assertTrue(said.startsWith("worker w2 waits for w1;"), said);
        assertEquals("waiting", state("w2"));
        assertTrue(ok("ls").out().lines().anyMatch(l -> l.startsWith("w2") && l.contains("waiting") && l.contains("after w1")), ok("ls").out());
        JsonNode ls = Json.parseOrNull(ok("ls", "--json").out());
        assertEquals("[\"w1\"]", Json.canonical(ls.at("/sessions/1/after")));
        JsonNode web = new looop.web.Fleet(t.profile.paths, t.profile.clock, t.sessions, looop.web.HumanActions.none()).state();
        assertEquals("⏳ after w1", web.at("/workers/1/age").asText(), "the web page says on whom it waits: " + web.at("/workers/1"));

        JsonNode sys = beat();
        assertEquals("waiting", session(sys, "w2").path("state").asText(), "not before w1 ended: " + sys);
        assertFalse(Files.exists(t.profile.paths.sessions().resolve("w2/meta.json")), "nothing of a start yet");

        ok("send", "w1", "0");
        t.awaitState("w1", "exited");
        sys = beat();
        assertTrue(List.of("starting", "running").contains(session(sys, "w2").path("state").asText()), sys.toString());
        t.awaitOutput("w2", "up");
        assertEquals(1, count(journal(), "started w2 (after w1)"), journal());
        assertTrue(ok("status").out().contains("- w1 exited"), "status lists them");
        beat();
        assertEquals(1, count(journal(), "started w2"), "started once: " + journal());
    }

    @Test
    void aRepoDependencyMustBeMergedNotJustEnded() {
        profile(WorktreeWorkersTest.COMMITTER);
        Path checkout = repo(dir.resolve("repo"));
        // w1 waits first, so the order of a start and its dependency's end is the test's, not tmux's
        ok("start-session", "w0", "hold", "--repo", checkout.toString());
        t.awaitState("w0", "exited");
        ok("start-session", "w1", "change f", "--repo", checkout.toString(), "--after", "w0");
        ok("start-session", "w2", "build on w1", "--repo", checkout.toString(), "--after", "w1");
        assertEquals("waiting", state("w1"));
        beat();
        assertEquals("waiting", state("w1"), "w0 ended well but is not merged yet");
        assertTrue(ok("ls").out().lines().anyMatch(l -> l.startsWith("w1") && l.contains("w0 is not merged yet")), ok("ls").out());
        ok("merge", "w0");
        String hashBefore = ok("hash").out();
        beat();
        assertTrue(List.of("starting", "running", "exited").contains(state("w1")), "merged: w1 starts: " + state("w1"));
        assertTrue(!hashBefore.equals(ok("hash").out()), "the start changes sys-sessions, so the world hash: the decider hears of it");
        t.awaitState("w1", "exited");
        beat();
        assertEquals("waiting", state("w2"), "w1 ended but its branch is not merged");
        ok("merge", "w1");
        beat();
        t.awaitState("w2", "exited");
        assertTrue(Files.exists(t.profile.paths.data.resolve("worktrees/w2/w1.txt")), "w2 started from the checkout with w1's work in it");
        assertEquals(1, count(journal(), "started w2"), journal());
    }

    @Test
    void aFailedKilledOrDiscardedDependencyBlocksItsDependentsWithTheReason() {
        profile(WAITER);
        ok("start-session", "a", "fails");
        ok("start-session", "k", "is killed");
        t.awaitOutput("a", "up");
        t.awaitOutput("k", "up");
        ok("start-session", "a2", "after a", "--after", "a");
        ok("start-session", "a3", "after a2", "--after", "a2");
        ok("start-session", "k2", "after k", "--after", "k");
        ok("start-session", "q", "waits on k too", "--after", "k");
        ok("start-session", "q2", "after q", "--after", "q");

        ok("send", "a", "3");
        t.awaitState("a", "exited");
        ok("kill", "k");
        ok("kill", "q"); // a waiting worker is killed like any other
        assertEquals("killed", state("q"));
        JsonNode sys = beat();
        assertEquals("blocked", session(sys, "a2").path("state").asText(), sys.toString());
        assertEquals("a failed (exit 3)", session(sys, "a2").path("reason").asText(), sys.toString());
        assertEquals("blocked", session(sys, "a3").path("state").asText(), "a chain blocks through: " + sys);
        assertTrue(session(sys, "a3").path("reason").asText().startsWith("a2 is blocked"), sys.toString());
        assertEquals("k was killed", session(sys, "k2").path("reason").asText(), sys.toString());
        assertEquals("q was killed", session(sys, "q2").path("reason").asText(), sys.toString());
        assertTrue(ok("ls").out().contains("⛔ a failed (exit 3)"), ok("ls").out());
        assertTrue(ok("status").out().contains("- k2 blocked: k was killed"), ok("status").out());
        JsonNode web = new looop.web.Fleet(t.profile.paths, t.profile.clock, t.sessions, looop.web.HumanActions.none()).state();
        JsonNode k2 = null;
        for (JsonNode w : web.path("workers")) if (w.path("id").asText().equals("k2")) k2 = w;
        assertEquals("blocked", k2.path("state").asText(), "the web page: " + k2);
        assertEquals("k was killed", k2.path("blocked").asText(), "the web page shows why: " + k2);
        assertEquals(1, count(journal(), "a2 blocked: a failed (exit 3)"), journal());
        beat();
        assertEquals(1, count(journal(), "a2 blocked"), "said once: " + journal());
        assertFalse(Files.exists(t.profile.paths.sessions().resolve("a2/meta.json")), "a blocked worker never started");
    }

    @Test
    void aDiscardedRepoDependencyBlocks() {
        profile(WorktreeWorkersTest.COMMITTER);
        Path checkout = repo(dir.resolve("repo"));
        ok("start-session", "r1", "work", "--repo", checkout.toString());
        t.awaitState("r1", "exited");
        ok("start-session", "r2", "after r1", "--after", "r1");
        ok("discard", "r1");
        JsonNode sys = beat();
        assertEquals("blocked", session(sys, "r2").path("state").asText(), sys.toString());
        assertTrue(session(sys, "r2").path("reason").asText().startsWith("r1 was discarded"), sys.toString());
    }

    @Test
    void anUnknownAfterIsRefusedInOneLineAndChangesNoFile() throws Exception {
        profile(WAITER);
        ok("start-session", "w1", "first");
        t.awaitOutput("w1", "up");
        String before = tree();
        assertEquals("looop: worker w2 cannot wait for 'nope': there is no such worker; `looop ls` lists them",
                fails("start-session", "w2", "x", "--after", "w1", "--after", "nope"));
        assertTrue(fails("start-session", "w2", "x", "--after", "w2").contains("cannot wait for itself"));
        Executor exec = new Executor(t.profile.paths, t.sessions, t.profile.clock, Config.load(t.profile.paths));
        UserError moved = assertThrows(UserError.class, () -> exec.act(Decision.parse(
                "{\"action\":\"start_worker\",\"id\":\"w3\",\"prompt\":\"x\",\"after\":[\"ghost\"]}")));
        assertTrue(moved.getMessage().startsWith("start_worker w3: worker w3 cannot wait for 'ghost'"), moved.getMessage());
        assertThrows(UserError.class, () -> Decision.parse("{\"action\":\"start_worker\",\"id\":\"w3\",\"prompt\":\"x\",\"after\":\"w1\"}"),
                "after is a list of ids");
        assertFalse(Files.exists(t.profile.paths.sessions().resolve("w2")));
        assertFalse(Files.exists(t.profile.paths.sessions().resolve("w3")));
        assertEquals(before, tree(), "no session, brief or worktree was recorded");
        ok("start-session", "w9", "y", "--after", "w1");
        assertTrue(fails("start-session", "w9", "z").contains("w9 waits for w1; looop starts it once they are done"), "a waiting id is not replaced");
        assertTrue(fails("start-session", "w1", "z", "--after", "w9").contains("w9 waits for w1 itself"), "no cycle: neither would start");
    }

    /** Every path in the data dir but the journal and the scratch a failed move leaves. */
    private String tree() throws Exception {
        try (Stream<Path> s = Files.walk(t.profile.paths.sessions())) {
            return String.join("\n", s.map(p -> t.profile.paths.data.relativize(p).toString()).sorted().toList())
                    + "\n" + String.join("\n", Fs.listFiles(t.profile.paths.prompts(), ".md").stream().map(Path::toString).toList());
        }
    }

    @Test
    void waitingCountsAgainstNoMaxWorkers() {
        t = new looop.TmuxProfile(dir, java.util.Map.of());
        t.profile.write("looop.json", "{\"default\":\"t\",\"max_workers\":1,\"runners\":{\"t\":{\"tick\":\"true\",\"interactive\":"
                + Json.quote(WAITER) + "}}}");
        Executor exec = new Executor(t.profile.paths, t.sessions, t.profile.clock, Config.load(t.profile.paths));
        exec.act(Decision.parse("{\"action\":\"start_worker\",\"id\":\"w1\",\"prompt\":\"go\"}"));
        t.awaitOutput("w1", "up");
        exec.act(Decision.parse("{\"action\":\"start_worker\",\"id\":\"w2\",\"prompt\":\"next\",\"after\":[\"w1\"]}"));
        exec.act(Decision.parse("{\"action\":\"start_worker\",\"id\":\"w3\",\"prompt\":\"later\",\"after\":[\"w1\"]}"));
        assertEquals("waiting", state("w2"));
        UserError full = assertThrows(UserError.class, () -> exec.act(Decision.parse("{\"action\":\"start_worker\",\"id\":\"w4\",\"prompt\":\"now\"}")));
        assertTrue(full.getMessage().contains("1 workers are live and max_workers is 1"), "w2 and w3 wait, and count for nothing: " + full.getMessage());
        ok("send", "w1", "0");
        t.awaitState("w1", "exited");
        beat();
        assertEquals(1, Stream.of("w2", "w3").filter(id -> List.of("starting", "running").contains(state(id))).count(),
                "one starts, the cap still holds for the other: w2 " + state("w2") + ", w3 " + state("w3"));
        assertEquals("waiting", state("w3"), "in id order");
        assertTrue(ok("ls").out().contains("max_workers"), "says why it still waits: " + ok("ls").out());
    }

    @Test
    void aCrashBetweenTheCheckAndTheStartStartsItOnce() {
        profile(WAITER);
        ok("start-session", "w1", "first");
        t.awaitOutput("w1", "up");
        ok("start-session", "w2", "second", "--after", "w1");
        ok("start-session", "w3", "third", "--after", "w1");
        ok("start-session", "w4", "fourth", "--after", "w1");
        Path sessions = t.profile.paths.sessions();
        String record = Fs.readOrNull(sessions.resolve("w3/wait.json"));
        ok("send", "w1", "0");
        t.awaitState("w1", "exited");
        // w2: the beat died just after claiming the start, before anything else
        Fs.writeAtomic(Waits.pending(t.profile.paths, "w2"), Fs.readOrNull(sessions.resolve("w2/wait.json")));
        // w3: it died mid-swap, the waiting record deleted and the new session not yet in place
        Fs.writeAtomic(Waits.pending(t.profile.paths, "w3"), record);
        Fs.deleteTree(sessions.resolve("w3"));

        beat();
        t.awaitOutput("w2", "up");
        t.awaitOutput("w3", "up");
        t.awaitOutput("w4", "up");
        // w4: it died after the start, before the claim was cleared
        Fs.writeAtomic(Waits.pending(t.profile.paths, "w4"), record.replace("third", "fourth"));
        beat();
        beat();
        for (String id : List.of("w2", "w3", "w4")) {
            assertEquals(1, count(t.output(id), "up"), id + " ran once: " + t.output(id));
            assertFalse(Files.exists(Waits.pending(t.profile.paths, id)), id + "'s claim is settled");
            assertEquals(1, count(journal(), "started " + id), journal());
        }
        assertEquals(3, count(t.tmux("list-sessions", "-F", "#{session_name}").out(), "w"), "w1 is gone; w2, w3 and w4 run, one each");
    }

    @Test
    void aCrashAfterTheNewSessionButBeforeItsTerminalLaunchesItOnce() {
        profile(WAITER);
        ok("start-session", "w1", "first");
        t.awaitOutput("w1", "up");
        ok("start-session", "w2", "second", "--after", "w1");
        ok("send", "w1", "0");
        t.awaitState("w1", "exited");
        beat();
        t.awaitOutput("w2", "up");
        String journal = journal();
        String line = journal.lines().filter(l -> l.contains("started w2")).findFirst().orElseThrow();
        long offset = journal.substring(0, journal.indexOf(line)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        // as if the beat died after the new session was in place and before tmux had its terminal
        t.tmux("kill-session", "-t", Tmux.sessionTarget("w2"));
        Fs.writeAtomic(t.profile.paths.sessions().resolve("w2/state"), "starting\n");
        com.fasterxml.jackson.databind.node.ObjectNode claim = Json.object();
        claim.putArray("after").add("w1");
        claim.put("prompt", "second").put("runner", "t").put("line", line).put("offset", offset);
        Fs.writeAtomic(Waits.pending(t.profile.paths, "w2"), Json.canonical(claim) + "\n");
        beat();
        TmuxProfileWait.awaitTwice(t, "w2");
        assertTrue(t.sessions.isAlive("w2"), "launched again");
        beat();
        assertEquals(2, count(t.output("w2"), "up"), "launched once more, not twice: " + t.output("w2"));
        assertEquals(1, count(journal(), "started w2"), journal());
        assertFalse(Files.exists(Waits.pending(t.profile.paths, "w2")));
    }

    /** Waits until a worker's output shows "up" twice: its first run and the relaunch. */
    private static final class TmuxProfileWait {
        static void awaitTwice(looop.TmuxProfile t, String id) {
            looop.TmuxProfile.awaitTrue(() -> count(t.output(id), "up") >= 2, () -> id + " to run again: " + t.output(id));
        }
    }

    @Test
    void aWaitingWorkerIsNeitherReapedNorRestartedAndItsDependencyIsKept() {
        profile(WAITER);
        ok("start-session", "w1", "first");
        t.awaitOutput("w1", "up");
        ok("start-session", "w2", "second", "--after", "w1");
        assertTrue(fails("restart", "w2").contains("waits for w1"), "restart is refused with why");
        assertEquals("nothing to prune: no finished sessions\n", ok("prune").out(), "a waiting worker is not finished");
        ok("send", "w1", "5");
        t.awaitState("w1", "exited");
        ok("prune");
        assertTrue(Files.exists(t.profile.paths.sessions().resolve("w1")), "a dependency's outcome is kept while someone waits on it");
        beat();
        assertEquals("blocked", state("w2"));
        assertEquals("w1 failed (exit 5)", t.info("w2").reason());
        ok("prune");
        assertFalse(Files.exists(t.profile.paths.sessions().resolve("w1")), "once nobody waits on it, it goes");
    }
}
