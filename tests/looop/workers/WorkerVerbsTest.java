package looop.workers;

import static looop.Checks.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import looop.Beats;
import looop.ChildJvm;
import looop.TmuxProfile;
import looop.TmuxTestBase;
import looop.act.Decision;
import looop.act.Executor;
import looop.cli.Context;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import org.junit.jupiter.api.Test;

/** The worker verbs as a user or a worker types them, and the worker moves through the Executor, on real tmux. */
class WorkerVerbsTest extends TmuxTestBase {
    /** Echoes every line it reads until end of input. */
    static final String ECHO_LINES = "bash -c 'echo up; while read line; do echo got:$line; done; echo eof'";

    /** A verb that must fail: its exit code, and stderr as exactly one `looop: …` line. */
    private String fails(int code, String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(code, r.code(), String.join(" ", args) + " → " + r);
        String err = r.err().strip();
        assertOneLine(err);
        assertTrue(err.startsWith("looop: "), err);
        return err.substring("looop: ".length());
    }

    private Beats.Cli ok(String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(0, r.code(), String.join(" ", args) + " → " + r);
        return r;
    }

    /** A person stops a worker with `looop kill`, the verb the worker's own `_ kill` is. */
    @Test
    void aPersonKillsAWorker() throws Exception {
        profile(ECHO_LINES);
        ok("start-session", "w1", "first");
        t.awaitOutput("w1", "up");
        assertEquals("stopped worker w1\n", ok("kill", "w1").out());
        t.awaitState("w1", "killed");
        assertTrue(fails(1, "kill", "nope").contains("nope"));
    }

    @Test
    void startSessionThenLsAsTextAndJson() throws Exception {
        profile(ECHO_LINES);
        assertEquals("no workers; start one with `looop start-session <id> <prompt>`\n", ok("ls").out());
        assertEquals("started worker w2; `looop ls` shows how it is doing\n", ok("start-session", "looop-w2", "second").out());
        ok("start-session", "w1", "first", "t");
        t.awaitOutput("w1", "up");
        t.awaitOutput("w2", "up");
        ok("send", "w2", "stop");
        ok("key", "w2", "C-d");
        t.awaitState("w2", "exited");
        ok("_", "flag", "w1", "which", "db?");

        assertEquals("ID  STATE     HEALTH   EXIT  NOTE\nw1  running   asking         ⚑ which db?\nw2  exited                0\n", ok("ls").out());
        JsonNode json = Json.parse(ok("ls", "--json").out());
        assertEquals("{\"sessions\":[{\"exit_code\":null,\"health\":\"asking\",\"id\":\"w1\",\"note\":\"which db?\",\"state\":\"running\"},"
                + "{\"exit_code\":0,\"id\":\"w2\",\"state\":\"exited\"}]}", Json.canonical(json));
        assertEquals(2, t.cli("ls", "extra").code(), "usage");
    }

    @Test
    void startSessionRefusesWithOneLine() {
        profile(ECHO_LINES);
        ok("start-session", "w1", "task");
        assertEquals("session w1 is running; steer it with `looop send w1 …` or stop it with `looop _ kill w1`",
                fails(1, "start-session", "w1", "again"));
        assertTrue(fails(1, "start-session", "pulse", "task").contains("looop watch pulse"));
        assertTrue(fails(1, "start-session", "../x", "task").startsWith("bad session id '../x'"));
        assertTrue(fails(1, "start-session", ".x", "task").startsWith("bad session id '.x'"));
        assertTrue(fails(1, "start-session", "w3", "task", "nope").startsWith("unknown runner 'nope'"));
        assertEquals(2, t.cli("start-session", "w4").code(), "the prompt is required");
        assertEquals(List.of("w1"), t.sessions.list().stream().map(Sessions.Info::id).toList());
    }

    @Test
    void sendTypesTextWithOrWithoutEnter() {
        profile(ECHO_LINES);
        ok("start-session", "w1", "task");
        t.awaitOutput("w1", "up");
        ok("send", "w1", "-n", "hello ");
        ok("send", "w1", "big", "world");
        t.awaitOutput("w1", "got:hello big world");
        ok("send", "w1", "--", "-dash;");
        t.awaitOutput("w1", "got:-dash;");

        assertTrue(fails(1, "send", "ghost", "hi").startsWith("no session 'ghost'; `looop ls` lists them"));
        ok("key", "w1", "C-d");
        t.awaitState("w1", "exited");
        assertEquals("session w1 is not running (exited with code 0); run it again with `looop restart w1`", fails(1, "send", "w1", "hi"));
        assertTrue(fails(1, "send", "pulse", "hi").contains("looop watch pulse"));
    }

    @Test
    void keyPressesNamedKeysAndRefusesUnknownOnes() {
        profile("bash -c 'echo up; sleep 30'");
        ok("start-session", "w1", "task");
        t.awaitOutput("w1", "up");
        assertTrue(fails(1, "key", "w1", "Bogus").startsWith("unknown key 'Bogus'; use names like Enter"));
        assertEquals(2, t.cli("key", "w1").code(), "at least one key");
        assertEquals("running", t.info("w1").state().word());
        ok("key", "w1", "C-c");
        assertEquals(130, t.awaitState("w1", "exited").exitCode());
    }

    @Test
    void restartAndPrune() {
        profile(ECHO_LINES);
        ok("start-session", "w1", "task");
        ok("start-session", "w2", "task");
        t.awaitOutput("w1", "up");
        ok("key", "w1", "C-d");
        t.awaitState("w1", "exited");
        ok("restart", "w1");
        TmuxProfile.awaitTrue(() -> t.output("w1").split("up", -1).length == 3, () -> "a second run: " + t.output("w1"));
        assertEquals("running", t.info("w1").state().word());
        assertTrue(fails(1, "restart", "ghost").startsWith("no session 'ghost'"));

        ok("_", "kill", "w2");
        assertEquals("removed 1 finished session: w2\n", ok("prune").out());
        assertEquals("nothing to prune: no finished sessions\n", ok("prune").out());
        assertEquals(List.of("w1"), t.sessions.list().stream().map(Sessions.Info::id).toList());
    }

    @Test
    void flagUnflagAndKillAsAWorkerCallsThem() throws Exception {
        profile(ECHO_LINES);
        ok("start-session", "w1", "task");
        t.awaitState("w1", "running"); // ls and status, compared below, are two looks: not across starting → running
        ok("_", "flag", "w1", "which", "database?");
        assertEquals("which database?", t.info("w1").note());
        JsonNode status = Json.parse(ok("status", "--json").out());
        assertEquals("which database?", status.get("workers").get(0).get("note").asText());
        assertOneShape();
        ok("_", "unflag", "w1");
        assertNull(t.info("w1").note());
        ok("_", "flag", "w1");
        assertEquals("needs attention", t.info("w1").note());

        ok("_", "kill", "w1");
        assertEquals("killed", t.info("w1").state().word());
        assertFalse(t.sessions.tmux().has("w1"));
        ok("_", "kill", "w1"); // a second kill changes nothing
        assertOneShape(); // a dead worker's note is shown nowhere
        assertFalse(ok("status", "--json").out().contains("needs attention"));

        assertTrue(fails(1, "_", "flag", "ghost").startsWith("no session 'ghost'"));
        assertTrue(fails(1, "_", "unflag", "../etc").startsWith("bad session id '../etc'"));
        assertTrue(fails(1, "_", "kill", "pulse").contains("looop watch pulse"));
        assertEquals(2, t.cli("_", "flag").code(), "usage");
    }

    @Test
    void claimAndUnclaimAnswerWithExitCodesAndTheHolder() {
        profile(ECHO_LINES, Map.of("LOOOP_SESSION_ID", "w1"));
        ok("start-session", "w1", "task");
        ok("start-session", "w2", "task");

        assertEquals("claimed repo for w1\n", ok("_", "claim", "repo").out(), "the worker's own $LOOOP_SESSION_ID");
        assertEquals("claimed repo for w1\n", ok("_", "claim", "repo", "--session", "w1").out(), "held again by its holder");
        assertEquals("repo is held by w1; do not proceed with that work: wait, or flag and ask",
                fails(1, "_", "claim", "repo", "--session", "w2"));
        assertEquals("repo is held by w1, not w2; only its holder can release it", fails(1, "_", "unclaim", "repo", "--session", "w2"));

        ok("_", "kill", "w1");
        assertEquals("claimed repo for w2\n", ok("_", "claim", "repo", "--session", "w2").out(), "a dead holder's lease is taken over");
        assertEquals("released repo\n", ok("_", "unclaim", "repo", "--session", "w2").out());
        assertFalse(Files.exists(dir.resolve("claims/repo.json")));
        assertTrue(fails(1, "_", "claim", "../x", "--session", "w2").startsWith("bad claim name '../x'"));
    }

    @Test
    void claimWithoutASessionIsAUsageError() {
        profile(ECHO_LINES);
        assertEquals("`_ claim` needs a session: run it inside a worker (which has $LOOOP_SESSION_ID) or pass --session <id>",
                fails(2, "_", "claim", "repo"));
        assertTrue(fails(2, "_", "unclaim", "repo").startsWith("`_ unclaim` needs a session"));
    }

    /**
     * Separate looop processes race for one name held by nobody; exactly one
     * wins and every other is told who. Claims' own test races 20 threads; here
     * the OS lock between processes is what is proven, and each racer is a
     * whole JVM (about two CPU-seconds), so five of them keep the suite fast.
     */
    @Test
    void separateProcessesRacingForOneClaimGiveOneWinner() throws Exception {
        int n = 5;
        profile("bash -c 'read line'");
        for (int i = 0; i < n; i++) t.sessions.start("w" + i, "task", null);
        List<Process> racers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> cmd = new ArrayList<>(ChildJvm.looop("_", "claim", "repo", "--session", "w" + i));
            cmd.add(1, "-XX:-UsePerfData"); // no hsperfdata file, whose clash with another JVM's pid prints a warning on stdout
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("LOOOP_DATA_DIR", dir.toString());
            racers.add(pb.start());
        }
        List<String> winners = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Process p = racers.get(i);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code == 0) winners.add("w" + i);
            else refusals.add(code + " " + err.strip());
            assertTrue(code == 0 ? out.equals("claimed repo for w" + i + "\n") : out.isEmpty(), out);
        }
        assertEquals(1, winners.size(), "winners " + winners + ", refusals " + refusals);
        String winner = winners.get(0);
        for (String r : refusals) assertEquals("1 looop: repo is held by " + winner + "; do not proceed with that work: wait, or flag and ask", r);
        assertEquals(winner, new Claims(t.profile.paths, t.sessions).holder("repo"));
    }

    @Test
    void theFourWorkerMovesWorkThroughTheExecutor() {
        profile(ECHO_LINES);
        Executor executor = new Executor(t.profile.paths, t.sessions, t.profile.clock, Config.load(t.profile.paths));
        executor.act(Decision.parse("{\"action\":\"start_worker\",\"id\":\"fix-ci\",\"prompt\":\"Make CI green.\"}"));
        t.awaitOutput("fix-ci", "up");
        assertTrue(t.profile.read("prompts/fix-ci.md").endsWith("Make CI green.\n"));

        executor.act(Decision.parse("{\"action\":\"steer_session\",\"id\":\"fix-ci\",\"input\":\"use the cache\"}"));
        t.awaitOutput("fix-ci", "got:use the cache");
        executor.act(Decision.parse("{\"action\":\"send_key\",\"id\":\"fix-ci\",\"keys\":[\"C-d\"]}"));
        assertEquals(0, t.awaitState("fix-ci", "exited").exitCode());
        executor.act(Decision.parse("{\"action\":\"restart_session\",\"id\":\"fix-ci\"}"));
        TmuxProfile.awaitTrue(() -> t.output("fix-ci").split("up", -1).length == 3, () -> "a second run: " + t.output("fix-ci"));

        String journal = t.profile.read("journal.md");
        for (String line : List.of("start_worker fix-ci", "steer_session fix-ci: use the cache", "send_key fix-ci: C-d", "restart_session fix-ci")) {
            assertTrue(journal.contains("- 2026-11-23 12:00 " + line + "\n"), line + " in " + journal);
        }
        assertTrue(t.profile.read(".goal-activity.json").contains("\"fix-ci\""));

        UserError e = assertThrows(UserError.class,
                () -> executor.act(Decision.parse("{\"action\":\"steer_session\",\"id\":\"ghost\",\"input\":\"hi\"}")));
        assertTrue(e.getMessage().startsWith("steer_session ghost: worker ghost is not running"), e.getMessage());
        e = assertThrows(UserError.class,
                () -> executor.act(Decision.parse("{\"action\":\"start_worker\",\"id\":\"fix-ci\",\"prompt\":\"again\"}")));
        assertTrue(e.getMessage().startsWith("start_worker fix-ci: session fix-ci is running"), e.getMessage());
        assertEquals(4, t.profile.read("journal.md").lines().count(), "a failed move writes no journal line");
    }

    @Test
    void withoutTmuxWorkerVerbsSayHowToInstallItAndOtherCommandsDoNotCare() {
        t = new TmuxProfile(dir, Map.of("PATH", dir.resolve("no-bin").toString())).runner(ECHO_LINES);
        String install = "workers need tmux, which is not on PATH; install it (apt-get install tmux, or brew install tmux)";
        assertEquals(install, fails(1, "start-session", "w1", "task"));
        assertEquals(install, fails(1, "ls"));
        assertEquals(install, fails(1, "send", "w1", "hi"));
        assertEquals(install, fails(1, "prune"));

        // the engine a real process gets is built lazily and asks tmux only for live workers
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Context ctx = new Context(t.profile.paths, t.profile.clock, null, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertInstanceOf(TmuxSessions.class, ctx.sessions());
        assertEquals(0, looop.cli.Main.run(ctx, "status"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("workers"));
    }

    /** ls --json, status --json and the sys-sessions reading render each session the same way. */
    private void assertOneShape() throws Exception {
        JsonNode ls = Json.parse(ok("ls", "--json").out()).get("sessions");
        JsonNode status = Json.parse(ok("status", "--json").out()).get("workers").deepCopy();
        // the state document adds what a client needs beyond ls: the question a worker waits on, and its cost
        status.forEach(w -> ((com.fasterxml.jackson.databind.node.ObjectNode) w).remove(List.of("asking", "cost_usd")));
        assertEquals(ls, status);
        String sys = new looop.sense.Sensors(t.profile.paths, t.sessions, t.profile.clock, looop.profile.Config.load(t.profile.paths)).senseAll().stream()
                .filter(r -> r.file().equals("sys-sessions.json")).findFirst().orElseThrow().text();
        assertEquals(ls, Json.parse(sys).get("signal").get("sessions"));
    }
}
