package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import looop.Beats;
import looop.ChildJvm;
import looop.Needs;
import looop.TestProfile;
import looop.io.Json;
import looop.io.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command surface as a person meets it: errors in one line that change nothing, and the read-only views. */
class CliTest {
    @TempDir Path dir;

    private Beats seeded() {
        Beats b = new Beats(dir, "{\"action\":\"noop\",\"journal\":\"first move\"}");
        b.beat();
        return b;
    }

    /** Runs args and asserts: the given exit code, exactly one line on stderr containing want, no file changed. */
    private Beats.Cli refused(Beats b, int code, String want, String stdin, String... args) throws Exception {
        Map<String, String> before = Beats.tree(dir);
        Beats.Cli r = b.cli(stdin, args);
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(want), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals(before, Beats.tree(dir), "an error must leave every file byte-identical");
        return r;
    }

    @Test
    void unknownFlagIsAUsageError() throws Exception {
        Beats b = seeded();
        refused(b, 2, "--bogus", "", "tick", "--bogus");
        refused(b, 2, "looop: unknown command 'frobnicate' (see `looop --help`)", "", "frobnicate");
        refused(b, 2, "unknown command 'tcik'; did you mean tick?", "", "tcik");
        refused(b, 2, "unknown command 'stauts'; did you mean status or state?", "", "stauts");
        refused(b, 2, "unknown command 'flg'; did you mean flag?", "", "_", "flg", "w1");
        refused(b, 2, "unknown command 'claim'; `looop _ claim` is a worker's verb, called through $LOOOP_BIN", "", "claim", "repo");
        refused(b, 2, "Unknown option: '--forse'; did you mean --force?", "", "tick", "--forse");
    }

    @Test
    void everyVerbAndSubVerbHasHelp() {
        Beats b = seeded();
        List<List<String>> verbs = new ArrayList<>();
        var root = looop.cli.Main.commandLine(looop.cli.Context.fromProcess());
        root.getSubcommands().forEach((name, cl) -> {
            verbs.add(List.of(name));
            cl.getSubcommands().keySet().forEach(sub -> verbs.add(List.of(name, sub)));
        });
        assertTrue(verbs.size() > 35, verbs.toString());
        for (List<String> verb : verbs) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(verb);
                args.add(flag);
                Beats.Cli r = b.cli("", args.toArray(String[]::new));
                assertEquals(0, r.code(), args + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: looop " + String.join(" ", verb)), args + ": " + r.out());
            }
        }
    }

    @Test
    void jsonWorksBeforeOrAfterTheVerb() {
        String noop = "{\"action\":\"noop\"}";
        Beats b = new Beats(dir, noop, noop, noop, noop);
        b.beat();
        for (String[] args : new String[][] {{"--json", "status"}, {"status", "--json"}, {"--json", "cost", "all"}, {"cost", "--json"}}) {
            Beats.Cli r = b.cli("", args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(Json.parseOrNull(r.out()) != null, String.join(" ", args) + ": " + r.out());
        }
        for (String[] args : new String[][] {{"--json", "tick", "--force"}, {"tick", "--force", "--json"}}) {
            Beats.Cli r = b.cli("", args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
            assertFalse(r.out().isBlank(), "the beat logged");
            r.out().lines().forEach(line -> assertTrue(Json.parseOrNull(line) != null, "an NDJSON line: " + line));
        }
        assertFalse(b.cli("", "tick", "--force").out().startsWith("{"), "human lines without --json");
    }

    @Test
    void typedValuesAreCheckedBeforeAnythingRuns() throws Exception {
        Beats b = seeded();
        refused(b, 2, "Invalid value for option '--timeout': '5x' is not a duration; use e.g. 500ms, 30s", "", "wait", "w1", "--timeout", "5x");
        refused(b, 2, "'PT2S' is not a duration", "", "wait-idle", "w1", "--settle", "PT2S");
        refused(b, 2, "--interval", "", "ls", "--watch", "--interval", "soon");
        refused(b, 2, "bad size '120': use COLSxROWS", "", "resize", "w1", "120");
        refused(b, 2, "expected one of [today, all]", "", "cost", "forever");
        refused(b, 2, "expected one of [bash, zsh]", "", "config", "fish");
        refused(b, 2, "expected one of [tick, session]", "", "_", "cost", "beer", "w1", "claude", "0.5");
    }

    @Test
    void completionOffersLiveWorkerAndGoalIds() throws Exception {
        Beats b = seeded();
        Files.createDirectories(dir.resolve("sessions/fix-ci"));
        b.profile.write("goals/write-docs.md", "# Write docs\n");
        Path script = dir.resolve("completion.bash");
        Files.writeString(script, b.cli("", "config", "bash").out());
        assertEquals(List.of("fix-ci"), complete(script, dir, "attach", ""));
        assertTrue(complete(script, dir, "start-session", "").contains("write-docs"), "goal ids for a new worker");
        assertEquals(List.of("today", "all"), complete(script, dir, "cost", ""));
        assertEquals(List.of("tick", "session"), complete(script, dir, "_", "cost", ""));
        Files.createDirectories(dir.resolve("sessions/later"));
        assertEquals(List.of("fix-ci", "later"), complete(script, dir, "wait", ""), "read when TAB is pressed, not when generated");
        assertEquals(List.of(), complete(script, dir.resolve("no-such-profile"), "attach", ""));
    }

    /** What bash completes for `looop words…` with the script loaded and LOOOP_DATA_DIR=data. */
    private static List<String> complete(Path script, Path data, String... words) throws Exception {
        String line = "looop " + String.join(" ", words);
        String bash = "source \"$1\"; COMP_WORDS=(looop \"${@:2}\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"" + line
                + "\"; _complete_looop 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", bash, "bash", script.toString()));
        cmd.addAll(List.of(words));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LOOOP_DATA_DIR", data.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void malformedConfigNamesTheFileAndPosition() throws Exception {
        Beats b = seeded();
        b.profile.write("looop.json", "{\"default\": \"offline\",\n  \"runners\": {oops}\n}");
        Beats.Cli r = refused(b, 1, "looop.json", "", "tick");
        assertTrue(r.err().contains("line 2"), r.err());
    }

    @Test
    void unknownRunnerListsTheKnownOnes() throws Exception {
        Beats b = seeded();
        b.profile.write("looop.json", "{\"default\":\"gpt-9\"}");
        Beats.Cli r = refused(b, 1, "gpt-9", "", "tick", "--force");
        assertTrue(r.err().contains("claude"), r.err());
    }

    @Test
    void runnerBinaryMissingIsNamed() throws Exception {
        Beats b = seeded();
        b.profile.write("looop.json", "{\"default\":\"x\",\"runners\":{\"x\":{\"tick\":\"no-such-decider-cli --go\"}}}");
        refused(b, 1, "no-such-decider-cli", "", "tick", "--force");
    }

    @Test
    void badDecisionsByHandAreRefusedInOneLine() throws Exception {
        Beats b = seeded();
        refused(b, 2, "not JSON", "nope", "act");
        refused(b, 1, "action", "{\"reason\":\"no action\"}", "act");
        refused(b, 1, "launch_rockets", "{\"action\":\"launch_rockets\"}", "act");
        refused(b, 1, "body", "{\"action\":\"write_goal\",\"id\":\"x\"}", "act");
        for (String id : new String[] {"../x", ".hidden", "a/b"}) {
            refused(b, 1, "id", "{\"action\":\"write_goal\",\"id\":\"" + id + "\",\"body\":\"b\"}", "act");
        }
    }

    @Test
    void dataDirThatCannotBeCreatedIsRefused() throws Exception {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        TestProfile broken = new TestProfile(file.resolve("data"));
        Map<String, String> before = Beats.tree(dir);
        Beats.Cli r = Beats.cli(broken, "", "tick");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(file.toString()), r.err());
        assertEquals(before, Beats.tree(dir));
    }

    /**
     * A read-only data dir, made real even for root: the child JVM runs in its
     * own mount namespace where the profile is bind-mounted read-only.
     */
    @Test
    void readOnlyDataDirIsRefusedUntouched() throws Exception {
        Beats b = seeded();
        assumeTrue(new ProcessBuilder("unshare", "-m", "true").start().waitFor() == 0, "needs mount namespaces (unshare -m: run as root)");
        Map<String, String> before = Beats.tree(dir);
        List<String> child = new ArrayList<>(List.of("unshare", "-m", "bash", "-c",
                "mount --bind \"$D\" \"$D\" && mount -o remount,ro,bind \"$D\" \"$D\" && exec \"$@\"", "ro"));
        child.addAll(ChildJvm.looop("tick", "--force"));
        ProcessBuilder pb = new ProcessBuilder(child);
        pb.environment().put("D", dir.toString());
        pb.environment().put("LOOOP_DATA_DIR", dir.toString());
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), err);
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.contains("not writable"), err);
        assertEquals(before, Beats.tree(dir));
    }

    @Test
    void colourOnlyOnATtyAndNeverWhenRefused() {
        assertTrue(Log.wantsColor(Map.of(), true));
        assertFalse(Log.wantsColor(Map.of(), false));
        assertFalse(Log.wantsColor(Map.of("NO_COLOR", ""), true));
        assertTrue(Log.wantsColor(Map.of("NO_COLOR", "1", "LOOOP_COLOR", "1"), false));
        assertFalse(Log.wantsColor(Map.of("LOOOP_COLOR", "0"), true));
        var bytes = new java.io.ByteArrayOutputStream();
        new Log(new java.io.PrintStream(bytes, true), java.time.Clock.systemUTC(), true, true).line(Log.Level.OK, "x.y", "done");
        assertFalse(bytes.toString().contains("\u001b"), "JSON mode never colours");
        assertEquals("done", Json.parseOrNull(bytes.toString()).get("msg").asText());
    }

    @Test
    void journalAndTail() {
        Beats b = seeded();
        b.cli("{\"action\":\"send_notification\",\"message\":\"second\"}", "act");
        Beats.Cli all = b.cli("", "journal");
        assertEquals(2, all.out().lines().count(), all.out());
        Beats.Cli tail = b.cli("", "journal", "--tail", "1");
        assertEquals(1, tail.out().lines().count());
        assertTrue(tail.out().contains("second"), tail.out());
    }

    @Test
    void costViewsAndSelfReportedSpend() {
        Beats b = seeded();
        assertEquals(0, b.cli("", "_", "cost", "session", "w1", "claude", "0.5").code());
        Beats.Cli text = b.cli("", "cost");
        assertTrue(text.out().startsWith("today: $0.502 in 2 calls"), text.out());
        var json = Json.parseOrNull(b.cli("", "cost", "all", "--json").out());
        assertEquals(0.502, json.get("total_usd").asDouble(), 1e-9);
        assertEquals(0.5, json.get("by_kind").get("session").asDouble(), 1e-9);
        assertEquals(0.002, json.get("by_runner").get("offline").asDouble(), 1e-9);
        assertEquals(2, b.cli("", "_", "cost", "session", "w1", "claude", "lots").code());
        assertEquals(2, b.cli("", "cost", "forever").code());
    }

    @Test
    void statusShowsTheProfile() {
        Beats b = seeded();
        var json = Json.parseOrNull(b.cli("", "status", "--json").out());
        assertEquals(dir.toString(), json.get("data_dir").asText());
        assertEquals(false, json.get("pulse_running").asBoolean());
        assertEquals(b.profile.read(".last-tick-hash").trim(), json.get("last_hash").asText());
        assertEquals("2026-11-23T12:00:00Z", json.get("last_tick").asText());
        assertEquals(0.002, json.get("cost_today_usd").asDouble(), 1e-9);
        String text = b.cli("", "status").out();
        assertTrue(text.contains("not running"), text);
        assertTrue(text.contains("$0.002"), text);
    }

    @Test
    void completionIsGeneratedByPicocli() {
        Beats b = seeded();
        String bash = b.cli("", "config", "bash").out();
        assertTrue(bash.contains("complete -F"), bash);
        assertTrue(bash.contains("tick") && bash.contains("journal"), "lists the commands");
        assertTrue(b.cli("", "config", "zsh").out().contains("bashcompinit"));
        assertEquals(2, b.cli("", "config", "fish").code());
    }

    @Test
    void versionAndManual() {
        Beats b = seeded();
        assertTrue(b.cli("", "version").out().startsWith("looop "));
        String manual = b.cli("", "help").out();
        assertTrue(manual.contains("PLAYBOOK"), manual);
        assertTrue(b.cli("", "help", "tick").out().contains("--force"));
    }

    @Test
    void lsWatchPrintsEachChangeUntilInterrupted() throws Exception {
        Needs.tmux();
        TestProfile p = new TestProfile(dir);
        finished(p, "w1");
        var out = new java.io.ByteArrayOutputStream();
        var ctx = new looop.cli.Context(p.paths, p.clock, null, new java.io.ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
        int[] code = {-1};
        Thread watch = new Thread(() -> code[0] = looop.cli.Main.commandLine(ctx).execute("ls", "--watch", "--interval", "100ms"));
        watch.start();
        awaitOutput(out, "w1");
        finished(p, "w2");
        awaitOutput(out, "w2");
        Thread.sleep(500); // five more looks at an unchanged list
        watch.interrupt();
        watch.join(60_000);
        assertFalse(watch.isAlive(), "stopped when interrupted");
        assertEquals(0, code[0]);
        String shown = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(2, shown.lines().filter(l -> l.startsWith("ID")).count(), "each listing once, not on a terminal: " + shown);
        assertFalse(shown.contains("\033["), "no screen clearing into a pipe");
    }

    /** A session that ended with exit 0, as the worker engine leaves it on disk. */
    private static void finished(TestProfile p, String id) {
        p.write("sessions/" + id + "/state", "exited\n");
        p.write("sessions/" + id + "/exit_code", "0\n");
    }

    private static void awaitOutput(java.io.ByteArrayOutputStream out, String want) throws InterruptedException {
        for (int i = 0; i < 600 && !out.toString(java.nio.charset.StandardCharsets.UTF_8).contains(want); i++) Thread.sleep(100);
        assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains(want), "waited for " + want + " in: " + out);
    }

    /** `…/jbang looop …` from a directory that is not the checkout runs this checkout's looop. */
    @Test
    void theWrapperRunsAnAliasFromOutsideTheCheckout() throws Exception {
        Path wrapper = Path.of("jbang").toAbsolutePath();
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        assertEquals("looop " , run(elsewhere, wrapper.toString(), "looop", "version").substring(0, 6));
        // a catalog there that defines the alias itself wins
        Files.writeString(elsewhere.resolve("mine.java"), "class mine { public static void main(String... a) { System.out.println(\"mine\"); } }\n");
        Files.writeString(elsewhere.resolve("jbang-catalog.json"), "{\"aliases\":{\"looop\":{\"script-ref\":\"mine.java\"}}}\n");
        assertEquals("mine\n", run(elsewhere, wrapper.toString(), "looop", "version"));
    }

    private static String run(Path cwd, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
