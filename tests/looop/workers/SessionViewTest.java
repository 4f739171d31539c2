package looop.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import looop.Beats;
import looop.ChildJvm;
import looop.FakeWorker;
import looop.NoSessions;
import looop.TestProfile;
import looop.cli.Context;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Proc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewing and waiting verbs against real terminals: each test has its own
 * data dir, so its own tmux server, with sessions started by FakeWorker in the
 * engine's file layout, and runs looop commands in-process as a user types them.
 */
class SessionViewTest {
    @TempDir Path dir;
    TestProfile profile;

    static final long WAIT_MS = 120_000;

    @BeforeEach
    void setUp() {
        profile = new TestProfile(dir.resolve("p"));
    }

    @AfterEach
    void tearDown() {
        FakeWorker.killServer(profile.paths);
    }

    // -- helpers ------------------------------------------------------------------------

    private Beats.Cli cli(String... args) {
        return Beats.cli(profile, "", args);
    }

    /** A command running in the background whose stdout can be read while it runs. */
    private record Running(CompletableFuture<Integer> code, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        String stdout() {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private Running background(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context ctx = new Context(profile.paths, profile.clock, NoSessions.none(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Running(CompletableFuture.supplyAsync(() -> looop.cli.Main.run(ctx, args)), out, err);
    }

    private void worker(String id, String script) {
        FakeWorker.start(profile.paths, id, script);
    }

    /** A file a worker script waits for, so a test decides when it goes on. */
    private String gate() {
        return Proc.shellQuote(dir.resolve("go").toString());
    }

    private String awaitGate() {
        return "while [ ! -e " + gate() + " ]; do sleep 0.02; done; ";
    }

    private void open() throws Exception {
        Files.writeString(dir.resolve("go"), "");
    }

    private String output(String id) {
        return Fs.readOr(SessionFiles.of(profile.paths, id).output(), "");
    }

    private static void waitFor(String what, BooleanSupplier done) {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            FakeWorker.sleep(20);
        }
    }

    private void awaitOutput(String id, String text) {
        waitFor("'" + text + "' in " + id + "'s output.log", () -> output(id).contains(text));
    }

    /** Asserts the exit code and that stderr is exactly one line containing want, without a stack trace. */
    private Beats.Cli refused(int code, String want, String... args) {
        Beats.Cli r = cli(args);
        assertEquals(code, r.code(), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(want), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        return r;
    }

    private static JsonNode json(String text) {
        JsonNode n = Json.parseOrNull(text.strip());
        if (n == null) throw new AssertionError("not one JSON value: " + text);
        return n;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    // -- log --------------------------------------------------------------------------------

    @Test
    void logShowsWhatTheTerminalShowedAndRawKeepsTheBytes() {
        worker("w", "printf 'plain\\n\\033[31mred\\033[0m text\\nprog 10%%\\rprog 100%%\\n'; echo done-printing; sleep 60");
        awaitOutput("w", "done-printing");

        assertEquals("plain\nred text\nprog 100%\ndone-printing\n", cli("log", "w").out());
        String raw = cli("log", "w", "--raw").out();
        assertTrue(raw.contains("\u001b[31mred\u001b[0m text\r\n"), raw);
        assertTrue(raw.contains("prog 10%\rprog 100%\r\n"), raw);
        assertEquals(output("w"), raw, "--raw is the file, byte for byte");

        assertEquals("prog 100%\ndone-printing\n", cli("log", "w", "--tail", "2").out());
        assertEquals("red text\n", cli("log", "w", "--grep", "red text").out(), "grep sees the text without escapes");
        assertEquals("prog 100%\n", cli("log", "looop-w", "--grep", "^prog", "--tail", "1").out());
        assertEquals("\u001b[31mred\u001b[0m text\r\n", cli("log", "w", "--grep", "red", "--raw").out());

        JsonNode j = json(cli("log", "w", "--json").out());
        assertEquals("w", j.get("id").asText());
        assertEquals(0, j.get("offset_start").asLong());
        assertEquals(output("w").getBytes(StandardCharsets.UTF_8).length, j.get("offset_end").asLong());
        assertEquals(List.of("plain", "red text", "prog 100%", "done-printing"), strings(j.get("lines")));
    }

    @Test
    void sinceResumesExactlyWhereJsonLeftOffAndHoldsBackTheLineBeingWritten() throws Exception {
        worker("w", "echo first; printf 'Continue? '; " + awaitGate() + "echo yes; echo second; sleep 60");
        awaitOutput("w", "Continue? ");

        JsonNode j = json(cli("log", "w", "--json").out());
        assertEquals(List.of("first"), strings(j.get("lines")), "an unfinished line waits for its newline");
        long resume = j.get("offset_end").asLong();
        assertEquals("first\r\n".length(), resume);
        assertEquals("first\nContinue? \n", cli("log", "w").out(), "people see the unfinished line");

        open();
        awaitOutput("w", "second");
        JsonNode next = json(cli("log", "w", "--since", String.valueOf(resume), "--json").out());
        assertEquals(resume, next.get("offset_start").asLong());
        assertEquals(List.of("Continue? yes", "second"), strings(next.get("lines")));
        long end = next.get("offset_end").asLong();
        assertEquals(output("w").getBytes(StandardCharsets.UTF_8).length, end);
        assertEquals(List.of(), strings(json(cli("log", "w", "--since", String.valueOf(end), "--json").out()).get("lines")));

        JsonNode tail = json(cli("log", "w", "--tail", "1", "--json").out());
        assertEquals(List.of("second"), strings(tail.get("lines")));
        assertEquals(0, tail.get("offset_start").asLong(), "rendered lines have no byte offset of their own: where the render started");
        JsonNode rawTail = json(cli("log", "w", "--tail", "1", "--json", "--raw").out());
        assertEquals(end - "second\r\n".length(), rawTail.get("offset_start").asLong(), "--raw with --tail: where the shown lines start");
        assertTrue(cli("log", "w", "--since", "99999999").out().startsWith("first\n"), "an offset past the end: the log was replaced");
        refused(2, "--since", "log", "w", "--since", "-1");
        refused(2, "--tail", "log", "w", "--tail", "-3");
    }

    @Test
    void followPrintsLinesAsTheyComeAndEndsWithTheSession() throws Exception {
        worker("w", "echo a; " + awaitGate() + "echo b; printf 'last words'");
        awaitOutput("w", "a");
        Running follow = background("log", "w", "--follow");
        waitFor("the first line", () -> follow.stdout().contains("a\n"));
        assertFalse(follow.code().isDone(), "still following a live session");

        open();
        assertEquals(0, follow.code().get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals("a\nb\nlast words\n", follow.stdout(), "its last unfinished line is printed once it has ended");

        JsonNode done = json(cli("log", "w", "--follow", "--json").out());
        assertEquals(List.of("a", "b", "last words"), strings(done.get("lines")), "an ended session: everything, at once");
    }

    // -- shot -------------------------------------------------------------------------------

    @Test
    void shotShowsTheScreenPlainWithColourAsJsonAndTrimmed() {
        worker("w", "printf '\\033[32mgreen\\033[0m   \\nline2\\n'; sleep 60");
        awaitOutput("w", "line2");

        List<String> plain = cli("shot", "w").out().lines().toList();
        assertEquals(24, plain.size(), "every row of an 80x24 terminal");
        assertEquals(List.of("green", "line2"), plain.subList(0, 2));
        assertEquals("green\nline2\n", cli("shot", "w", "--trim").out());
        assertTrue(cli("shot", "w", "--ansi").out().contains("\u001b[32mgreen"), "colours kept");

        JsonNode j = json(cli("shot", "w", "--json").out());
        assertEquals(80, j.get("cols").asInt());
        assertEquals(24, j.get("rows").asInt());
        assertEquals(0, j.get("cursor_x").asInt());
        assertEquals(2, j.get("cursor_y").asInt());
        assertEquals(24, j.get("lines").size());
        assertEquals(List.of("green", "line2"), strings(json(cli("shot", "w", "--json", "--trim").out()).get("lines")));
        refused(2, "--ansi or --json", "shot", "w", "--ansi", "--json");
    }

    // -- expect, wait, wait-idle ------------------------------------------------------------

    @Test
    void expectFindsALineTimesOutWith124AndFromNowIgnoresTheOldOutput() throws Exception {
        worker("w", "echo booting; echo 'ready: 42'; " + awaitGate()
                + "i=100; while true; do echo \"ready: $i\"; i=$((i+1)); sleep 0.1; done");
        awaitOutput("w", "ready: 42");

        Beats.Cli hit = cli("expect", "w", "ready: \\d+");
        assertEquals(0, hit.code(), hit.err());
        assertEquals("ready: 42\n", hit.out());
        assertEquals("ready: 42\n", cli("expect", "w", "ready: 4\\d", "--screen").out());

        refused(124, "timed out", "expect", "w", "never printed", "--timeout", "300ms");
        refused(124, "timed out", "expect", "w", "ready", "--from-now", "--timeout", "300ms");
        refused(124, "timed out", "expect", "w", "never", "--screen", "--timeout", "200ms");

        Running later = background("expect", "w", "ready: 1\\d\\d", "--from-now", "--timeout", "120s");
        open();
        assertEquals(0, later.code().get(WAIT_MS, TimeUnit.MILLISECONDS), later.err().toString());
        assertTrue(later.stdout().matches("ready: 1\\d\\d\\n"), later.stdout());
    }

    @Test
    void expectMatchesAPromptStillWaitingForItsNewlineAndFailsWhenTheSessionEnds() {
        worker("w", "printf 'Password: '; sleep 60");
        assertEquals("Password: \n", cli("expect", "w", "Password: $").out());
        worker("gone", "echo bye");
        // 1, not 124: an ended session does not wait out the timeout
        refused(1, "without printing a match", "expect", "gone", "never", "--timeout", "120s");
    }

    @Test
    void waitExitsWithTheSessionsCode() throws Exception {
        worker("three", "exit 3");
        assertEquals(3, cli("wait", "three", "--timeout", "120s").code());
        worker("ok", "true");
        assertEquals(0, cli("wait", "ok").code());

        worker("long", "sleep 60");
        refused(124, "still running", "wait", "long", "--timeout", "200ms");
        new Tmux(profile.paths).run("kill-session", "-t", "=looop-long");
        assertEquals(SessionView.KILLED_EXIT, cli("wait", "long", "--timeout", "120s").code(), "killed from outside");
        assertEquals("killed", new SessionView(profile.paths).state("long").word());

        profile.write("sessions/marked/state", "killed\n");
        assertEquals(SessionView.KILLED_EXIT, cli("wait", "marked").code());
    }

    @Test
    void waitIdleReturnsOnceTheScreenSettles() {
        worker("w", "for i in $(seq 1 6); do echo tick $i; sleep 0.1; done; sleep 60");
        Beats.Cli r = cli("wait-idle", "w", "--settle", "400ms", "--timeout", "120s");
        assertEquals(0, r.code(), r.err());
        assertTrue(cli("shot", "w").out().contains("tick 6"), "it waited for the last tick");

        worker("busy", "while true; do date +%N; sleep 0.05; done");
        refused(124, "kept changing", "wait-idle", "busy", "--settle", "1s", "--timeout", "500ms");
        worker("gone", "true");
        waitFor("gone to end", () -> !FakeWorker.alive(profile.paths, "gone"));
        refused(1, "ended", "wait-idle", "gone", "--timeout", "120s");
    }

    // -- resize, attach, detach, watch ----------------------------------------------------

    @Test
    void resizeChangesTheTerminalAndRefusesMalformedSizes() {
        worker("w", "sleep 60");
        assertEquals(0, cli("resize", "w", "120x40").code());
        JsonNode j = json(cli("shot", "w", "--json").out());
        assertEquals(120, j.get("cols").asInt());
        assertEquals(40, j.get("rows").asInt());
        assertEquals("120 40", new Tmux(profile.paths).run("display-message", "-p", "-t", "=looop-w:",
                "#{window_width} #{window_height}").out().strip());
        refused(2, "COLSxROWS", "resize", "w", "80by24");
        refused(2, "1 to 10000", "resize", "w", "0x10");
    }

    @Test
    void aPersonAttachesTypesDetachesAndAWatcherCannotType() throws Exception {
        worker("w", "echo worker-up; while read -r line; do echo \"got:$line\"; done");
        Path hostSock = dir.resolve("host.sock");
        String looop = "env LOOOP_DATA_DIR=" + Proc.shellQuote(profile.dir.toString()) + " "
                + ChildJvm.looop().stream().map(Proc::shellQuote).collect(Collectors.joining(" "));
        String program = looop + " attach w; echo ATTACH-ENDED $?; " + looop + " watch w; echo WATCH-ENDED $?; sleep 60";
        Host host = new Host(hostSock);
        try {
            host.tmux("new-session", "-d", "-s", "person", "-x", "100", "-y", "30", "bash -c " + Proc.shellQuote(program));
            waitFor("the attached worker's screen", () -> host.screen().contains("worker-up"));
            host.tmux("send-keys", "-t", "=person:", "typed by a person", "Enter");
            awaitOutput("w", "got:typed by a person");

            assertEquals(0, cli("detach", "w").code());
            waitFor("attach to end", () -> host.screen().contains("ATTACH-ENDED 0"));
            assertTrue(FakeWorker.alive(profile.paths, "w"), "detaching leaves the worker running");

            waitFor("the watcher's view", () -> host.screen().contains("got:typed by a person"));
            host.tmux("send-keys", "-t", "=person:", "watchers cannot type", "Enter");
            FakeWorker.sleep(300);
            new Tmux(profile.paths).run("send-keys", "-t", "=looop-w:", "direct", "Enter");
            awaitOutput("w", "got:direct");
            assertFalse(output("w").contains("watchers cannot type"), output("w"));
            assertEquals(0, cli("detach", "w").code());
            waitFor("watch to end", () -> host.screen().contains("WATCH-ENDED 0"));
            assertEquals("nobody was attached to w\n", cli("detach", "w").out());
        } finally {
            host.tmux("kill-server");
        }
    }

    /** A person's own tmux, on another server: attach must work from inside one ($TMUX set). */
    private record Host(Path socket) {
        String tmux(String... args) {
            List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", "/dev/null"));
            cmd.addAll(List.of(args));
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(10, TimeUnit.SECONDS);
                return out;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        String screen() {
            return tmux("capture-pane", "-p", "-t", "=person:");
        }
    }

    // -- refusals -------------------------------------------------------------------------

    @Test
    void badInputIsOneLineWithTheRightExitCode() {
        worker("w", "sleep 60");
        for (String verb : List.of("log", "shot", "wait", "wait-idle", "watch", "attach", "detach")) {
            refused(1, "no session nope; `looop ls` lists them", verb, "nope");
        }
        refused(1, "no session nope", "expect", "nope", "x");
        refused(1, "no session nope", "resize", "nope", "80x24");
        refused(1, "path separator", "log", "a/b");
        refused(1, "names a directory", "wait", "..");
        refused(1, "starts with '.'", "shot", ".hidden");
        refused(2, "Invalid value for option '--timeout': '5x' is not a duration", "expect", "w", "x", "--timeout", "5x");
        refused(2, "Invalid value for option '--timeout'", "wait", "w", "--timeout", "soon");
        refused(2, "Invalid value for option '--settle'", "wait-idle", "w", "--settle", "-1s");
        refused(2, "bad regex '(oops'", "expect", "w", "(oops");
        refused(2, "bad regex", "log", "w", "--grep", "[");
        refused(2, "--from-now", "expect", "w", "x", "--screen", "--from-now");
        refused(1, "needs a terminal", "attach", "w");
        refused(1, "needs a terminal", "watch", "w");
    }

    @Test
    void thePulseCanBeWatchedButNotManaged() {
        worker("pulse", "echo '[12:00:00] ▸ pulse up'; sleep 60");
        awaitOutput("pulse", "pulse up");
        assertEquals("[12:00:00] ▸ pulse up\n", cli("log", "pulse").out());
        assertEquals("[12:00:00] ▸ pulse up\n", cli("shot", "pulse", "--trim").out());
        assertEquals("[12:00:00] ▸ pulse up\n", cli("expect", "looop-pulse", "pulse up").out());
        for (String[] args : List.of(new String[] {"attach", "pulse"}, new String[] {"detach", "pulse"},
                new String[] {"resize", "pulse", "80x24"}, new String[] {"attach", "looop-pulse"})) {
            refused(1, "`looop watch pulse`", args);
        }
        refused(1, "needs a terminal", "watch", "pulse"); // allowed past the id check: only the missing terminal stops it
    }

    @Test
    void withoutTmuxEverySessionVerbSaysHowToGetIt() throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir.resolve("p")); // a profile that exists: the missing piece is tmux
        profile = new TestProfile(dir.resolve("p"), java.util.Map.of("PATH", dir.resolve("empty-bin").toString()));
        for (String[] args : List.of(new String[] {"log", "w"}, new String[] {"shot", "w"}, new String[] {"wait", "w"},
                new String[] {"expect", "w", "x"}, new String[] {"attach", "w"}, new String[] {"resize", "w", "80x24"})) {
            refused(1, "apt-get install tmux", args);
        }
    }
}
