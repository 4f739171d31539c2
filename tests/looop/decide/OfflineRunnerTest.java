package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import looop.SystemPath;
import looop.TestProfile;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Proc;
import looop.profile.Config;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runners/offline.sh, driven the way a beat drives it: through Runner.runTick and the Meter. */
class OfflineRunnerTest {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    // quotes, backslashes, a tab, a control character, non-ASCII and shell syntax: all must survive
    static final String TRICKY = "{\"action\":\"noop\",\"journal\":\"tab\\there \\\"q\\\" back\\\\slash é ✓ & $(rm -rf x) `y` \u0001\"}";

    @TempDir
    Path dir;
    TestProfile profile;
    Path prompt;

    @BeforeEach
    void setUp() throws IOException {
        profile = new TestProfile(dir);
        Path script = dir.resolve("runners/offline.sh");
        Files.createDirectories(script.getParent());
        Files.copy(Path.of("runners/offline.sh"), script);
        prompt = profile.write("runs/r/prompt.md", "the prompt ✓\n");
    }

    Runner.Result tick(String args) {
        var def = new Config.RunnerDef("offline", "bash \"$LOOOP_DATA_DIR/runners/offline.sh\" " + args, null, null, null);
        return Runner.runTick(profile.paths, def, prompt, dir.resolve("runs/r"), TIMEOUT, profile.clock);
    }

    /** Where the runner was told to write it ($LOOOP_DECISION_FILE, the run's own decide/ dir). */
    String decision() {
        return Fs.readOrNull(looop.act.Decision.fileIn(dir.resolve("runs/r")));
    }

    String consumeDecision() throws IOException {
        String d = decision();
        Files.deleteIfExists(looop.act.Decision.fileIn(dir.resolve("runs/r")));
        return d;
    }

    List<String> calls() {
        String log = profile.read(".offline-runner/calls.log");
        return log == null ? List.of() : log.lines().toList();
    }

    @Test
    void piShapeWritesTheDecisionAndMetersTheCostExactly() {
        profile.write("script.jsonl", "# a comment\n\n" + TRICKY + "\n");
        Runner.Result r = tick("script.jsonl");
        assertTrue(r.ok(), profile.read("runs/r/output.log"));
        assertEquals(0.002, r.costUsd());
        assertEquals(TRICKY + "\n", decision());
        assertEquals("1\n", profile.read(".offline-runner/cursor"));
        String log = profile.read("runs/r/output.log");
        assertTrue(log.contains("] → write: {\"content\":"), log);
        assertEquals(1, log.lines().filter(l -> l.endsWith("] Decision written.")).count(), log);
    }

    @Test
    void claudeShapeReportsTheRunTotal() {
        profile.write("script.jsonl", "{\"action\":\"noop\"}\n");
        Runner.Result r = tick("script.jsonl --shape claude --cost 0.0123");
        assertTrue(r.ok());
        assertEquals(0.0123, r.costUsd());
        String log = profile.read("runs/r/output.log");
        assertTrue(log.contains("] → Write: {\"content\":\"{\\\"action\\\":\\\"noop\\\"}\",\"file_path\":"), log);
        assertTrue(log.contains("] Decision written."), log);
    }

    @Test
    void oddCostsAreHalvedWithoutLosingAUnit() {
        profile.write("script.jsonl", "{}\n{}\n{}\n");
        assertEquals(0.0075, tick("script.jsonl --cost 0.0075").costUsd());
        assertEquals(1.0, tick("script.jsonl --cost 1").costUsd());
        assertEquals(0.0001, tick("script.jsonl --cost 0.0001").costUsd());
    }

    @Test
    void everyStreamLineIsJsonThatCarriesTheDecisionVerbatim() throws IOException {
        profile.write("script.jsonl", TRICKY + "\n" + TRICKY + "\n");
        for (String shape : new String[] {"pi", "claude"}) {
            Proc.Result r = Proc.capture(new Proc.Spec("bash runners/offline.sh script.jsonl --shape " + shape, dir,
                    profile.paths.childEnv(), new byte[0], TIMEOUT), 0);
            assertEquals(0, r.exitCode(), r.stderrTail());
            List<String> written = r.stdoutText().lines().map(l -> {
                JsonNode n = Json.parseOrNull(l);
                assertTrue(n != null && n.isObject(), shape + " stream line is not a JSON object: " + l);
                return n;
            }).map(n -> n.at(shape.equals("pi") ? "/message/content/0/arguments/content" : "/message/content/0/input/content"))
                    .filter(JsonNode::isTextual).map(JsonNode::textValue).distinct().toList();
            assertEquals(List.of(TRICKY), written, shape);
        }
    }

    @Test
    void aScriptPlaysOutInOrderAndThenRunsDry() throws IOException {
        profile.write("script.jsonl", "# demo\n{\"action\":\"noop\",\"reason\":\"one\"}\n\n   # indented comment\n!nodecision\n!exit 3\nnot json {\n");
        Runner.Result first = tick("script.jsonl");
        assertEquals("{\"action\":\"noop\",\"reason\":\"one\"}\n", consumeDecision());
        assertTrue(first.ok());

        Runner.Result none = tick("script.jsonl");
        assertTrue(none.ok());
        assertNull(decision());
        assertEquals(0.002, none.costUsd(), "a model that decided nothing still cost money");

        Runner.Result crash = tick("script.jsonl");
        assertEquals(3, crash.exitCode());
        assertNull(decision());

        tick("script.jsonl");
        assertEquals("not json {\n", consumeDecision());

        Runner.Result dry = tick(dir.resolve("script.jsonl").toString());
        assertTrue(dry.ok());
        assertNull(dry.costUsd());
        assertNull(decision());
        assertTrue(profile.read("runs/r/output.log").endsWith("] offline runner: script exhausted\n"));
        assertEquals("4\n", profile.read(".offline-runner/cursor"));
        assertEquals(5, calls().size());
        assertTrue(calls().get(4).endsWith(" entry=exhausted"), calls().get(4));
    }

    @Test
    void repeatLastReplaysTheLastEntryInsteadOfRunningDry() throws IOException {
        profile.write("script.jsonl", "{\"action\":\"noop\",\"reason\":\"one\"}\n{\"action\":\"noop\",\"reason\":\"last\"}\n");
        tick("script.jsonl --repeat-last");
        assertEquals("{\"action\":\"noop\",\"reason\":\"one\"}\n", consumeDecision());
        for (int i = 0; i < 3; i++) {
            assertTrue(tick("script.jsonl --repeat-last").ok());
            assertEquals("{\"action\":\"noop\",\"reason\":\"last\"}\n", consumeDecision(), "call " + (i + 2));
        }
        assertEquals("2\n", profile.read(".offline-runner/cursor"), "the cursor stays on the last entry");
    }

    @Test
    void eachCallLogsThePromptItWasGiven() throws NoSuchAlgorithmException, IOException {
        profile.write("script.jsonl", "{}\n");
        tick("script.jsonl");
        byte[] bytes = Files.readAllBytes(prompt);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String call = calls().get(0);
        assertTrue(call.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ bytes=" + bytes.length + " sha256=" + sha + " entry=1"), call);
        assertEquals(15, bytes.length, "the prompt has a multi-byte character: bytes, not characters");
    }

    @Test
    void usageErrorsExit2WithOneLine() {
        profile.write("script.jsonl", "{}\n");
        Map<String, String> cases = Map.of(
                "", "usage: offline.sh SCRIPT.jsonl [--shape pi|claude] [--cost USD] [--repeat-last]",
                "missing.jsonl", "offline runner: script " + dir.resolve("missing.jsonl") + " not found",
                "script.jsonl --shape gpt", "offline runner: --shape must be pi or claude, got 'gpt'",
                "script.jsonl --cost abc", "offline runner: --cost must be a dollar amount like 0.002, got 'abc'",
                "script.jsonl --bogus", "offline runner: unknown option --bogus (expected --shape or --cost)");
        cases.forEach((args, message) -> {
            Runner.Result r = tick(args);
            assertEquals(2, r.exitCode(), args);
            assertEquals("[12:00:00] " + message + "\n[12:00:00] ✗ runner exited 2\n", profile.read("runs/r/output.log"), args);
        });
        assertNull(decision());
        assertFalse(Files.exists(dir.resolve(".offline-runner/cursor")));
    }

    @Test
    void needsNothingButBashAndCoreutils() throws IOException {
        // a PATH holding bash and a few coreutils only: any other tool (jq, awk, date, python) is not found
        Path bin = dir.resolve("minimal-bin");
        for (String tool : new String[] {"bash", "cat", "wc", "sha256sum", "mktemp", "rm", "mv", "mkdir"}) {
            // a wrapper, not a symlink: JUnit warns about links out of a temp dir
            Path w = profile.write("minimal-bin/" + tool, "#!" + SystemPath.find("bash") + "\nexec " + SystemPath.find(tool) + " \"$@\"\n");
            assertTrue(w.toFile().setExecutable(true));
        }
        profile = new TestProfile(dir, Map.of("PATH", bin.toString()));
        profile.write("script.jsonl", "{\"action\":\"noop\"}\n{\"action\":\"noop\"}\n");
        for (String shape : new String[] {"pi", "claude"}) {
            Runner.Result r = tick("script.jsonl --cost 0.01 --shape " + shape);
            assertTrue(r.ok(), profile.read("runs/r/output.log"));
            assertEquals(0.01, r.costUsd(), shape);
            assertFalse(profile.read("runs/r/output.log").contains("command not found"), profile.read("runs/r/output.log"));
        }
    }
}
