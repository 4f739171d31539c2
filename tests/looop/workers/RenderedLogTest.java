package looop.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import looop.Beats;
import looop.FakeWorker;
import looop.TestProfile;
import looop.TmuxProfile;
import looop.io.Fs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: `log` and `expect` read a worker as a terminal showed it. Real
 * tmux, in the default sandbox mode: a scripted TUI (a spinner and a progress
 * bar redrawn with \r, rows placed and repainted with cursor moves on a
 * cleared screen) renders to its final lines; a plain-text worker's log is its
 * text; --raw is still the file's bytes.
 */
class RenderedLogTest {
    @TempDir Path dir;
    TestProfile profile;

    @BeforeEach
    void setUp() {
        profile = new TestProfile(dir.resolve("p"));
    }

    @AfterEach
    void tearDown() {
        FakeWorker.killServer(profile.paths);
    }

    private Beats.Cli cli(String... args) {
        return Beats.cli(profile, "", args);
    }

    private String output(String id) {
        return Fs.readOr(SessionFiles.of(profile.paths, id).output(), "");
    }

    private static void waitFor(String what, BooleanSupplier done) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            FakeWorker.sleep(20);
        }
    }

    /** Draws like a full-screen agent CLI: no newline between rows, every row placed by a cursor move. */
    static final String TUI = String.join("; ",
            "printf 'Building\\n'",
            "for c in '|' / - '\\\\'; do printf '\\r%s working' \"$c\"; sleep 0.02; done",
            "printf '\\r\\033[Kdone working\\n'",
            "for b in '#   ' '##  ' '### ' '####'; do printf '\\r[%s] step' \"$b\"; sleep 0.02; done",
            "printf '\\n'",
            "printf '\\033[?1049h\\033[H\\033[2J'",
            "printf '\\033[1;1H╭ Agent ─╮\\033[3;1HStatus: thinking\\033[5;1H> '",
            "sleep 0.05",
            "printf '\\033[3;1H\\033[2KDeploy now? [y/n]\\033[5;3H'",
            "sleep 0.05",
            "printf '\\033[3;8H\\033[1mnow\\033[0m'",
            "printf '\\033[5;3Hyes\\033[7;1Hdone-drawing'",
            "sleep 0.3");

    @Test
    void aScriptedTuiRendersToItsFinalLinesAndExpectMatchesThemWithoutScreen() {
        FakeWorker.start(profile.paths, "tui", TUI);
        waitFor("tui to end", () -> FakeWorker.alive(profile.paths, "tui") == false
                && Fs.readOr(SessionFiles.of(profile.paths, "tui").state(), "").strip().equals("exited")
                && output("tui").contains("done-drawing")); // pipe-pane's copy lags the terminal

        String log = cli("log", "tui").out();
        assertEquals("Building\ndone working\n[####] step\n╭ Agent ─╮\n\nDeploy now? [y/n]\n\n> yes\n\ndone-drawing\n", log);
        assertFalse(log.contains("\u001b"), "no escape sequence in " + log);
        assertFalse(log.contains("thinking"), "a repainted row shows what replaced it");

        Beats.Cli hit = cli("expect", "tui", "Deploy now\\?", "--timeout", "10s");
        assertEquals(0, hit.code(), hit.err());
        assertEquals("Deploy now? [y/n]\n", hit.out());
        assertEquals("> yes\n", cli("log", "tui", "--grep", "^> ").out(), "--grep reads the rendered lines");
        assertEquals("done-drawing\n", cli("log", "tui", "--tail", "1").out(), "--tail too");

        String raw = cli("log", "tui", "--raw").out();
        assertEquals(output("tui"), raw, "--raw is the file, byte for byte");
        assertTrue(raw.contains("\u001b[3;1H\u001b[2KDeploy"), raw);
        Beats.Cli rawHit = cli("expect", "tui", "\\[2KDeploy", "--raw", "--timeout", "10s");
        assertEquals(0, rawHit.code(), rawHit.err());
    }

    @Test
    void aPlainTextWorkersLogIsItsText() {
        String longLine = "x".repeat(150) + " wrapped";
        String text = "first line\n\nünïcödé ✓ — fine\n" + longLine + "\n    indented\nlast\n";
        Path file = dir.resolve("plain.txt");
        Fs.writeAtomic(file, text);
        FakeWorker.start(profile.paths, "plain", "cat " + looop.io.Proc.shellQuote(file.toString()) + "; echo end-of-text");
        waitFor("plain to end", () -> Fs.readOr(SessionFiles.of(profile.paths, "plain").state(), "").strip().equals("exited")
                && output("plain").contains("end-of-text\r\n")); // pipe-pane's copy lags the terminal
        Beats.Cli log = cli("log", "plain");
        assertEquals(text + "end-of-text\n", log.out(), log.err());
        assertEquals(output("plain"), cli("log", "plain", "--raw").out());
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length + "end-of-text\n".length()
                + text.lines().count() + 1, output("plain").getBytes(StandardCharsets.UTF_8).length, "the log has CRLF line ends");
    }

    /** A sandboxed worker reaches no tmux server: it reads another worker's log line by line, as before. */
    @Test
    void aSandboxedWorkerReadsAnotherWorkersLogLineByLine() {
        try (TmuxProfile t = new TmuxProfile(dir.resolve("s"))) {
            FakeWorker.start(t.profile.paths, "plain", "printf 'one\\ntwo 10%%\\rtwo 100%%\\n'");
            waitFor("plain to end", () -> Fs.readOr(SessionFiles.of(t.profile.paths, "plain").output(), "").contains("two 100%\r\n"));
            t.runner("\"$LOOOP_BIN\" log plain > reports/seen.txt 2>&1; echo code=$? >> reports/seen.txt");
            assertEquals(0, t.cli("start-session", "reader", "read").code());
            waitFor("the reader's report", () -> Fs.readOr(t.profile.paths.data.resolve("reports/seen.txt"), "").contains("code="));
            String seen = Fs.readOr(t.profile.paths.data.resolve("reports/seen.txt"), "");
            assertEquals("one\ntwo 100%\ncode=0\n", seen);
        }
    }
    /**
     * wait-idle judges the screen as rendered: a worker that keeps repainting
     * the same text (its log growing all along) is quiet, while a spinner whose
     * glyph turns is busy, however little it prints.
     */
    @Test
    void waitIdleCountsWhatTheScreenShowsNotTheBytes() {
        FakeWorker.start(profile.paths, "repaint", "printf 'ready\\n'; while true; do printf '\\r\\033[Kstatus: waiting for you'; sleep 0.05; done");
        FakeWorker.start(profile.paths, "spinner", "printf 'ready\\n'; while true; do for c in '|' / - '\\\\'; do printf '\\r%s thinking' \"$c\"; sleep 0.1; done; done");
        waitFor("both drawing", () -> output("repaint").contains("status: waiting") && output("spinner").contains("thinking"));

        long grown = output("repaint").length();
        Beats.Cli quiet = cli("wait-idle", "repaint", "--settle", "2s", "--timeout", "120s");
        assertEquals(0, quiet.code(), quiet.err());
        assertTrue(output("repaint").length() > grown, "its log grew while its screen stood still");

        Beats.Cli busy = cli("wait-idle", "spinner", "--settle", "2s", "--timeout", "8s");
        assertEquals(124, busy.code(), "a turning spinner is not idle: " + busy.out() + busy.err());
        assertTrue(busy.err().contains("kept changing"), busy.err());
    }
    /**
     * --follow keeps one replay and feeds it only the bytes since its last
     * look: a sequence or a UTF-8 character split across two looks, a `\\r`
     * redraw that ends in a later one, still come out as the terminal showed
     * them, each line once.
     */
    @Test
    void followFeedsTheReplayPieceByPieceAndPrintsWhatAWholeReplayPrints() throws Exception {
        FakeWorker.start(profile.paths, "slow", String.join("; ",
                "printf 'one\\n'", "sleep 1",
                "printf 'two 10%%'", "sleep 1", "printf '\\rtwo 100%%\\n\\033[3'", "sleep 1",
                "printf '1mred\\033[0m three\\n'", "sleep 1", "printf 'four caf\\303'", "sleep 1", "printf '\\251\\n'"));
        waitFor("the first line", () -> output("slow").contains("one"));
        java.util.concurrent.CompletableFuture<Beats.Cli> follow = java.util.concurrent.CompletableFuture.supplyAsync(() -> cli("log", "slow", "--follow"));
        Beats.Cli followed = follow.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, followed.code(), followed.err());
        assertEquals("one\ntwo 100%\nred three\nfour café\n", followed.out());
        assertEquals(followed.out(), cli("log", "slow").out(), "the same as one whole replay");
    }
}
