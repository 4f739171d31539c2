package looop.act;

import static looop.Checks.assertOneLine;
import static looop.Checks.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import looop.MoveSamples;
import looop.NoSessions;
import looop.TestProfile;
import looop.act.moves.Field;
import looop.act.moves.Kind;
import looop.act.moves.Moves;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecisionTest {
    @TempDir
    Path dir;

    @Test
    void parsesEveryActionWithItsTarget() {
        for (Kind<?> k : Moves.ALL) {
            String json = MoveSamples.of(k);
            Decision d = Decision.parse(json);
            assertEquals(k.action(), d.action(), json);
            // the target is the first id-like field (a worker id without looop-), or none
            String target = k.fields().stream().filter(f -> f.rule() == Field.Rule.ID || f.rule() == Field.Rule.WORKER)
                    .map(f -> Json.parseOrNull(json).get(f.name()).asText()).findFirst().orElse(null);
            assertEquals(target, d.id(), json);
        }
        assertEquals("w5", Decision.parse("{\"action\":\"kill_worker\",\"id\":\"looop-w5\"}").id(), "looop- is dropped");
        assertEquals("s2", Decision.parse("{\"action\":\"write_schedule\",\"name\":\"s2\",\"every_s\":60}").id());
        assertEquals(Moves.names(), Decision.actions(), "every known action is covered");
    }

    @Test
    void accessorsReadTheFields() {
        Decision d = Decision.parse("{\"action\":\"send_key\",\"id\":\"looop-fix\",\"keys\":[\"Up\",\"Enter\"],\"extra\":{\"x\":1}}");
        assertEquals("fix", d.id(), "the looop- prefix is stripped from worker ids");
        assertEquals(List.of("Up", "Enter"), d.strings("keys"));
        assertEquals("looop-fix", d.str("id"), "raw keeps what the decider wrote");
        assertNull(d.str("missing"));
        assertNull(d.journal());
        assertNull(d.nextIntervalS());
    }

    @Test
    void journalIsKeptAndBlankMeansNone() {
        assertEquals("did it", Decision.parse("{\"action\":\"noop\",\"journal\":\"did it\"}").journal());
        assertNull(Decision.parse("{\"action\":\"noop\",\"journal\":\"\"}").journal());
        assertNull(Decision.parse("{\"action\":\"noop\",\"journal\":\"  \"}").journal());
        assertNull(Decision.parse("{\"action\":\"noop\",\"journal\":null}").journal());
    }

    @Test
    void nextIntervalIsClampedTo5Through3600() {
        assertEquals(5, interval("1"));
        assertEquals(5, interval("-40"));
        assertEquals(3600, interval("99999"));
        assertEquals(3600, interval("1e300"));
        assertEquals(30, interval("30"));
        assertEquals(42, interval("42.4"));
        assertNull(interval("null"));
    }

    private static Integer interval(String value) {
        return Decision.parse("{\"action\":\"noop\",\"next_interval_s\":" + value + "}").nextIntervalS();
    }

    static Stream<Arguments> badDecisions() {
        return Stream.of(
                bad("", "decision is empty; the decider must write one JSON object like {\"action\":\"noop\"}"),
                bad("{\"action\":", "decision is not JSON (line 1, column"),
                bad("\u0000\u0001garbage\r\n{", "decision is not JSON (line 1, column 2: Illegal character ((CTRL-CHAR, code 0))"),
                bad("[{\"action\":\"noop\"}]", "decision must be one JSON object like {\"action\":\"noop\"}, got an array"),
                bad("\"noop\"", "got a string"),
                bad("{\"action\":\"noop\"}\n{\"action\":\"write_goal\",\"id\":\"a\",\"body\":\"x\"}",
                        "decision is not JSON (line 2, column 1: more than one JSON value)"),
                bad("{}", "decision has no \"action\"; add one of: noop, run_shell, write_goal"),
                bad("{\"action\":7}", "\"action\" must be a string, got a number; use one of: noop"),
                bad("{\"action\":\"dance\"}", "unknown action \"dance\"; use one of: " + String.join(", ", Moves.names())),
                bad("{\"action\":\"da\\nnce\"}", "unknown action \"da\\nnce\""),
                bad("{\"action\":\"noop\",\"reason\":5}", "noop: \"reason\" must be a string, got a number"),
                bad("{\"action\":\"run_shell\"}", "run_shell needs \"cmd\" (a non-empty string)"),
                bad("{\"action\":\"run_shell\",\"cmd\":\" \"}", "run_shell: \"cmd\" must be a non-empty string, got a blank string"),
                bad("{\"action\":\"write_goal\",\"id\":\"a\"}", "write_goal needs \"body\" (a string)"),
                bad("{\"action\":\"write_goal\",\"id\":\"a\",\"body\":null}", "write_goal needs \"body\" (a string)"),
                bad("{\"action\":\"write_goal\",\"id\":\"a\",\"body\":[\"x\"]}", "write_goal: \"body\" must be a string, got an array"),
                bad("{\"action\":\"write_goal\",\"body\":\"x\"}", "write_goal needs \"id\" (a string)"),
                bad("{\"action\":\"write_goal\",\"id\":3,\"body\":\"x\"}", "write_goal: \"id\" must be a string, got a number"),
                bad("{\"action\":\"write_goal\",\"id\":\"\",\"body\":\"x\"}", "bad goal id '': it is empty"),
                bad("{\"action\":\"write_goal\",\"id\":\"..\",\"body\":\"x\"}", "bad goal id '..': it names a directory"),
                bad("{\"action\":\"write_goal\",\"id\":\".a\",\"body\":\"x\"}", "bad goal id '.a': it starts with '.'"),
                bad("{\"action\":\"write_goal\",\"id\":\"../PLAYBOOK\",\"body\":\"x\"}", "bad goal id '../PLAYBOOK': it starts with '.'"),
                bad("{\"action\":\"write_goal\",\"id\":\"archive/a\",\"body\":\"x\"}", "bad goal id 'archive/a': it contains a path separator"),
                bad("{\"action\":\"write_goal\",\"id\":\"a\\\\b\",\"body\":\"x\"}", "it contains a path separator"),
                bad("{\"action\":\"write_goal\",\"id\":\"a\\nb\",\"body\":\"x\"}", "it contains a control character"),
                bad("{\"action\":\"archive_goal\"}", "archive_goal needs \"id\" (a string)"),
                bad("{\"action\":\"archive_goal\",\"id\":\"/etc\"}", "bad goal id '/etc'"),
                bad("{\"action\":\"write_sensor\",\"name\":\"../x\",\"script\":\"echo\"}", "bad sensor name '../x'"),
                bad("{\"action\":\"write_sensor\",\"name\":\"s\"}", "write_sensor needs \"script\" (a string)"),
                bad("{\"action\":\"write_playbook\"}", "write_playbook needs \"body\" (a string)"),
                bad("{\"action\":\"start_worker\",\"id\":\"pulse\",\"prompt\":\"x\"}", "'pulse' is looop's own loop, not a worker"),
                bad("{\"action\":\"start_worker\",\"id\":\"looop-pulse\",\"prompt\":\"x\"}", "'pulse' is looop's own loop"),
                bad("{\"action\":\"start_worker\",\"id\":\"w\"}", "start_worker needs \"prompt\" (a string)"),
                bad("{\"action\":\"steer_session\",\"id\":\"w\"}", "steer_session needs \"input\" (a string)"),
                bad("{\"action\":\"steer_session\",\"id\":\"a/b\",\"input\":\"y\"}", "bad session id 'a/b'"),
                bad("{\"action\":\"send_key\",\"id\":\"w\"}", "send_key needs \"keys\" (a non-empty array of key names"),
                bad("{\"action\":\"send_key\",\"id\":\"w\",\"keys\":[]}", "send_key: \"keys\" must be a non-empty array of key names like [\"Enter\"], got an empty array"),
                bad("{\"action\":\"send_key\",\"id\":\"w\",\"keys\":\"Enter\"}", "got a string"),
                bad("{\"action\":\"send_key\",\"id\":\"w\",\"keys\":[\"Enter\",\"\"]}", "send_key: \"keys\"[1] must be a key name like \"Enter\" or \"C-c\", got an empty string"),
                bad("{\"action\":\"send_key\",\"id\":\"w\",\"keys\":[1]}", "\"keys\"[0] must be a key name like \"Enter\" or \"C-c\", got a number"),
                bad("{\"action\":\"restart_session\",\"id\":\"..\"}", "bad session id '..'"),
                bad("{\"action\":\"send_notification\"}", "send_notification needs \"message\" (a non-empty string)"),
                bad("{\"action\":\"send_notification\",\"message\":\"\"}", "send_notification: \"message\" must be a non-empty string, got an empty string"),
                bad("{\"action\":\"noop\",\"journal\":5}", "\"journal\" must be a string (the line to log), got a number"),
                bad("{\"action\":\"noop\",\"next_interval_s\":\"30\"}", "\"next_interval_s\" must be a number of seconds (5..3600), got a string"));
    }

    private static Arguments bad(String text, String expected) {
        return Arguments.of(text, expected);
    }

    /** The whole act path (take → parse → act) on a populated profile: a one-line error and not one byte changed. */
    @ParameterizedTest
    @MethodSource("badDecisions")
    void badDecisionIsOneLineAndChangesNothing(String text, String expected) throws IOException {
        TestProfile p = populated();
        p.write(".decision.json", text);
        Map<String, String> before = tree(dir, ".decision.json");
        Executor executor = new Executor(p.paths, NoSessions.none(), p.clock, Config.load(p.paths));

        UserError e = assertThrows(UserError.class, () -> executor.act(Decision.parse(Decision.take(p.paths))));

        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertOneLine(e.getMessage());
        assertFalse(Files.exists(p.paths.decision(), LinkOption.NOFOLLOW_LINKS), "the decision is consumed");
        assertEquals(before, tree(dir, ".decision.json"));
    }

    @Test
    void takeReturnsNullWhenThereIsNoDecision() {
        assertNull(Decision.take(new TestProfile(dir).paths));
    }

    @Test
    void takeReturnsTheTextAndDeletesTheFile() {
        TestProfile p = new TestProfile(dir);
        p.write(".decision.json", "{\"action\":\"noop\"}");
        assertEquals("{\"action\":\"noop\"}", Decision.take(p.paths));
        assertFalse(Files.exists(p.paths.decision()));
    }

    @Test
    void takeDeletesGarbageToo() throws IOException {
        TestProfile p = new TestProfile(dir);
        Files.write(p.paths.decision(), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '{'});
        String text = Decision.take(p.paths);
        assertFalse(Files.exists(p.paths.decision()));
        UserError e = assertThrows(UserError.class, () -> Decision.parse(text));
        assertTrue(e.getMessage().startsWith("decision is not JSON (line 1, column 1"), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @Test
    void takeReadsAFileOfExactlyTheCap() {
        TestProfile p = new TestProfile(dir);
        String json = "{\"action\":\"noop\"}";
        p.write(".decision.json", json + " ".repeat(Decision.MAX_BYTES - json.length()));
        assertEquals("noop", Decision.parse(Decision.take(p.paths)).action());
    }

    @Test
    void takeRefusesAndDeletesAFileOverTheCap() {
        TestProfile p = new TestProfile(dir);
        p.write(".decision.json", "{\"action\":\"noop\"}" + " ".repeat(Decision.MAX_BYTES));
        UserError e = assertThrows(UserError.class, () -> Decision.take(p.paths));
        assertTrue(e.getMessage().startsWith("decision file is " + (Decision.MAX_BYTES + 17) + " bytes; the cap is 1 MiB; "), e.getMessage());
        assertFalse(Files.exists(p.paths.decision()));
    }

    @Test
    void takeRemovesASymlinkWithoutReadingOrTouchingItsTarget() throws IOException {
        TestProfile p = new TestProfile(dir);
        Path target = p.write("elsewhere.json", "{\"action\":\"noop\"}");
        Files.createSymbolicLink(p.paths.decision(), target);
        UserError e = assertThrows(UserError.class, () -> Decision.take(p.paths));
        assertTrue(e.getMessage().startsWith("decision file .decision.json is a symlink"), e.getMessage());
        assertFalse(Files.exists(p.paths.decision(), LinkOption.NOFOLLOW_LINKS));
        assertEquals("{\"action\":\"noop\"}", Files.readString(target));
    }

    @Test
    void takeRemovesADirectory() {
        TestProfile p = new TestProfile(dir);
        p.write(".decision.json/inner", "x");
        UserError e = assertThrows(UserError.class, () -> Decision.take(p.paths));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertFalse(Files.exists(p.paths.decision(), LinkOption.NOFOLLOW_LINKS));
    }

    /** A profile with one of everything a wrong move could damage. */
    private TestProfile populated() {
        TestProfile p = new TestProfile(dir);
        p.write("PLAYBOOK.md", "be careful\n");
        p.write("goals/a.md", "goal a\n");
        p.write("goals/archive/old.md", "old goal\n");
        p.sensor("today", "echo '{}'");
        p.write("journal.md", "- 2026-11-22 10:00 noop\n");
        p.write(".goal-activity.json", "{\"a\":1}\n");
        return p;
    }
}
