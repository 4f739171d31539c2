package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    // -- the presets (looop.profile.Presets) on the streams recorded from the real CLIs (tests/fixtures/PRESETS.md)

    /** The preset's cost spec, priced as looop.json would price it (a preset that reports dollars keeps its own). */
    static Config.CostSpec preset(String name, String pricing) {
        String runners = "{\"runners\":{\"" + name + "\":" + (pricing == null ? "{}" : "{\"cost\":" + pricing + "}") + "}}";
        return Config.parse(runners, Path.of("looop.json")).runner(name).cost();
    }

    static final String AT_3_15 = "{\"usd_per_mtok\":{\"input\":3,\"output\":15}}";

    @Test
    void claudePresetTakesTheRunTotal() {
        assertEquals(0.0075, meter(preset("claude", null), fixture("claude-stream-json-standin.jsonl")));
    }

    @Test
    void piPresetSumsMessageEnds() {
        assertEquals(0.0075, meter(preset("pi", null), fixture("pi-mode-json-standin.jsonl")));
    }

    @Test
    void opencodePresetSumsStepFinishCosts() {
        assertEquals(0.0075, meter(preset("opencode", null), fixture("opencode-run-json.jsonl")));
    }

    @Test
    void codexPresetPricesTurnTokens() {
        // 2000 in × $3/M + 100 out × $15/M
        assertEquals(0.0075, meter(preset("codex", AT_3_15), fixture("codex-exec-json.jsonl")));
        assertEquals(0.00325, meter(preset("codex", "{\"usd_per_mtok\":{\"input\":1.25,\"output\":7.5}}"), fixture("codex-exec-json.jsonl")));
    }

    @Test
    void geminiPresetPricesTheResultsTokens() {
        assertEquals(0.0075, meter(preset("gemini", AT_3_15), fixture("gemini-stream-json.jsonl")));
    }

    @Test
    void tokenPresetsWithoutPricesMeterNothing() {
        assertNull(preset("codex", null), "codex reports tokens only: unpriced, no spec");
        assertNull(preset("gemini", "{\"usd_per_mtok\":{\"input\":3,\"output\":null}}"), "a count without a price");
        assertNull(meter(null, fixture("codex-exec-json.jsonl")), "the built-in shapes do not read codex");
        assertNull(meter(null, fixture("gemini-stream-json.jsonl")));
    }

    @Test
    void aSumOfTokensCountsEveryTurnAndATotalOnlyTheLast() {
        var perTurn = Config.CostSpec.tokens("turn.completed", true, java.util.Map.of("input", "/usage/input_tokens"),
                java.util.Map.of("input", new java.math.BigDecimal("10")));
        var last = Config.CostSpec.tokens("turn.completed", false, perTurn.tokens(), perTurn.usdPerMtok());
        List<String> twoTurns = List.of("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1000}}",
                "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":3000}}");
        assertEquals(0.04, meter(perTurn, twoTurns));
        assertEquals(0.03, meter(last, twoTurns));
    }

    @Test
    void aCustomRunnerPricesItsOwnTokens() {
        var spec = Config.parse("{\"runners\":{\"mine\":{\"tick\":\"mine\",\"cost\":{\"type\":\"done\",\"mode\":\"total\","
                + "\"tokens\":{\"in\":\"/u/i\",\"out\":\"/u/o\"},\"usd_per_mtok\":{\"in\":2,\"out\":8}}}}}", Path.of("looop.json"))
                .runner("mine").cost();
        assertEquals(0.0028, meter(spec, List.of("{\"type\":\"done\",\"u\":{\"i\":1000,\"o\":100}}")));
    }

    @Test
    void badPricingIsOneLineNamingTheFix() {
        var typo = assertThrows(UserError.class, () -> preset("codex", "{\"usd_per_mtok\":{\"inptu\":3}}"));
        assertEquals("looop.json: runner 'codex' \"cost\" prices 'inptu', which \"tokens\" does not count; priced names: input, output",
                typo.getMessage());
        var negative = assertThrows(UserError.class, () -> preset("gemini", "{\"usd_per_mtok\":{\"input\":-1}}"));
        assertTrue(negative.getMessage().contains("usd_per_mtok.input must be a dollar amount from 0"), negative.getMessage());
        var dollars = assertThrows(UserError.class, () -> preset("claude", AT_3_15));
        assertTrue(dollars.getMessage().contains("reports dollars, not tokens"), dollars.getMessage());
    }
}
