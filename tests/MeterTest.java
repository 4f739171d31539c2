package looop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import looop.decide.Meter;
import looop.io.UserError;
import looop.profile.Config;
import org.junit.jupiter.api.Test;

class MeterTest {
    static final Path FIXTURES = Path.of("tests", "fixtures");

    /** A recorded runner stream, line for line. Tests run from the repo root. */
    static List<String> fixture(String name) {
        Path p = FIXTURES.resolve(name).toAbsolutePath();
        assertTrue(Files.isRegularFile(p), "fixture " + p + " is missing; run the tests from the repo root");
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new AssertionError("cannot read fixture " + p, e);
        }
    }

    static Double meter(Config.CostSpec spec, List<String> lines) {
        Meter m = new Meter(spec);
        lines.forEach(m::accept);
        return m.cost();
    }

    @Test
    void claudeRunTotalIsTakenAsIs() {
        assertEquals(0.01, meter(null, fixture("claude-stream-json.jsonl")));
    }

    @Test
    void piMessageEndCostsAreSummedOnce() {
        // message_update and turn_end repeat the usage; counting them would give far more than 0.0075
        assertEquals(0.0075, meter(null, fixture("pi-mode-json.jsonl")));
    }

    @Test
    void piMultiTurnRunSumsEveryAssistantMessageEndAndNothingElse() {
        List<String> lines = fixture("pi-tool-error.jsonl");
        assertEquals(0.0144582, meter(null, lines));
        // the fixture is only a test if the repeats are there to be miscounted
        long usages = lines.stream().filter(l -> l.contains("\"cost\":{")).count();
        assertTrue(usages > 20, "the fixture lost its repeated usage: " + usages);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"type\":\"message_end\",\"message\":{\"role\":\"user\"") && !l.contains("usage")));
    }

    @Test
    void piUsageOutsideMessageIsNotACost() {
        // the reference once read a top-level usage and metered pi as $0; the cost is under message
        assertNull(meter(null, List.of("{\"type\":\"message_end\",\"usage\":{\"cost\":{\"total\":0.5}}}")));
    }

    @Test
    void claudeTotalWinsOverPiSumInAMixedStream() {
        var lines = new java.util.ArrayList<>(fixture("pi-mode-json.jsonl"));
        lines.addAll(fixture("claude-stream-json.jsonl"));
        lines.addAll(fixture("pi-mode-json.jsonl"));
        assertEquals(0.01, meter(null, lines));
    }

    @Test
    void claudeTotalWinsWhicheverShapeComesFirst() {
        var piFirst = new java.util.ArrayList<>(fixture("pi-tool-error.jsonl"));
        piFirst.addAll(fixture("claude-stream-json.jsonl"));
        assertEquals(0.01, meter(null, piFirst));
        var claudeFirst = new java.util.ArrayList<>(fixture("claude-stream-json.jsonl"));
        claudeFirst.addAll(fixture("pi-tool-error.jsonl"));
        assertEquals(0.01, meter(null, claudeFirst), "pi's sum was added to claude's total");
    }

    @Test
    void lastClaudeTotalWins() {
        assertEquals(0.02, meter(null, List.of(
                "{\"type\":\"result\",\"total_cost_usd\":0.01}",
                "{\"type\":\"result\",\"total_cost_usd\":0.02}")));
    }

    @Test
    void nothingReportedIsNullNotZero() {
        assertNull(meter(null, List.of()));
        assertNull(meter(null, List.of("hello", "{\"type\":\"turn_start\"}")));
    }

    @Test
    void reportedZeroIsZero() {
        assertEquals(0.0, meter(null, List.of("{\"type\":\"result\",\"total_cost_usd\":0}")));
    }

    @Test
    void garbageDoesNotBreakTheMeter() {
        assertEquals(0.0075, meter(null, List.of(
                "", "   ", "plain text", "{not json", "{\"type\":\"message_end\"", "[1,2]", "42", "null",
                "{\"type\":\"message_end\",\"message\":{\"usage\":{\"cost\":{\"total\":\"0.9\"}}}}",
                "{\"type\":\"message_end\",\"message\":{\"usage\":{\"cost\":{\"total\":0.00375}}}}",
                "\u0000\u00ff binary junk",
                "  {\"type\":\"message_end\",\"message\":{\"usage\":{\"cost\":{\"total\":0.00375}}}}")));
    }

    @Test
    void specSumsItsEventsOnly() {
        var spec = new Config.CostSpec("usage", "/cost/usd", true);
        assertEquals(0.3, meter(spec, List.of(
                "{\"type\":\"usage\",\"cost\":{\"usd\":0.1}}",
                "{\"type\":\"usage\",\"cost\":{\"usd\":0.2}}",
                "{\"type\":\"other\",\"cost\":{\"usd\":5}}",
                "{\"type\":\"usage\",\"cost\":{}}")));
    }

    @Test
    void specTotalIsLastWins() {
        var spec = new Config.CostSpec("done", "/spent", false);
        assertEquals(0.25, meter(spec, List.of(
                "{\"type\":\"done\",\"spent\":0.1}",
                "{\"type\":\"done\",\"spent\":0.25}")));
    }

    @Test
    void withASpecTheBuiltInShapesAreIgnored() {
        var spec = new Config.CostSpec("usage", "/usd", true);
        assertNull(meter(spec, fixture("claude-stream-json.jsonl")));
        assertNull(meter(spec, fixture("pi-mode-json.jsonl")));
    }

    @Test
    void aSpecCanReadTheBuiltInFieldsToo() {
        var spec = new Config.CostSpec("message_end", "/message/usage/cost/total", true);
        assertEquals(0.0075, meter(spec, fixture("pi-mode-json.jsonl")));
    }

    @Test
    void aBadPointerIsAUserError() {
        var e = assertThrows(UserError.class, () -> new Meter(new Config.CostSpec("x", "cost/usd", true)));
        assertTrue(e.getMessage().contains("cost/usd"), e.getMessage());
    }
}
