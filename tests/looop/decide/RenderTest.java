package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenderTest {
    static List<String> renderAll(List<String> lines) {
        Render r = new Render();
        List<String> out = new ArrayList<>();
        lines.forEach(l -> out.addAll(r.render(l)));
        return out;
    }

    @Test
    void claudeFixtureShowsTheCallAndTheTextOnly() {
        List<String> out = renderAll(MeterTest.fixture("claude-stream-json.jsonl"));
        assertEquals(2, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("→ Write: {\"content\":\"{\\\"action\\\":\\\"write_goal\\\""), out.get(0));
        assertEquals(Render.MAX_ARGS_CHARS + "→ Write: ".length(), out.get(0).length());
        assertTrue(out.get(0).endsWith("…"), out.get(0));
        assertEquals("Decision written.", out.get(1));
    }

    @Test
    void piFixtureShowsEachThingOnceDespiteRepeatedPartials() {
        List<String> out = renderAll(MeterTest.fixture("pi-mode-json.jsonl"));
        assertEquals(2, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("→ write: {\"content\":\"{\\\"action\\\":\\\"noop\\\""), out.get(0));
        assertEquals("Decision written.", out.get(1));
    }

    @Test
    void piMultiTurnRunShowsCallsTheFailedToolAndTheFinalText() {
        List<String> out = renderAll(MeterTest.fixture("pi-tool-error.jsonl"));
        assertEquals(7, out.size(), String.join("\n", out));
        assertEquals("Let me check the goals first.", out.get(0));
        assertEquals("→ bash: {\"command\":\"ls goals\"}", out.get(1));
        assertEquals("→ read: {\"path\":\"/home/me/.local/state/looop/goals/beta.md\"}", out.get(2));
        assertEquals("✗ read failed", out.get(3));
        assertTrue(out.get(4).startsWith("→ write: {\"content\":\"{\\\"action\\\":\\\"write_goal\\\""), out.get(4));
        assertEquals(Render.MAX_ARGS_CHARS + "→ write: ".length(), out.get(4).length(), "arguments are cut at 100 characters");
        assertEquals("Goal beta was missing, so the decision is write_goal beta.", out.get(5));
        assertEquals("Decision written.", out.get(6));
    }

    @Test
    void shortArgumentsAreNotCut() {
        String line = "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Bash\","
                + "\"input\":{\"command\":\"ls   -la\\n  /tmp\"}}]}}";
        assertEquals(List.of("→ Bash: {\"command\":\"ls -la\\n /tmp\"}"), new Render().render(line));
    }

    @Test
    void argumentWhitespaceIsCollapsed() {
        String line = "{\"type\":\"message_end\",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"toolCall\","
                + "\"name\":\"bash\",\"arguments\":{\"command\":\"echo    a\\t\\tb\"}}]}}";
        // \t inside a JSON string prints escaped; the literal run of spaces collapses to one
        assertEquals(List.of("→ bash: {\"command\":\"echo a\\t\\tb\"}"), new Render().render(line));
    }

    @Test
    void cutCountsCharactersNotUtf16Units() {
        String emoji = "😀".repeat(150);
        String cut = Render.cut(emoji, 100);
        assertEquals(100, cut.codePointCount(0, cut.length()));
        assertTrue(cut.endsWith("😀…"));
        assertEquals("short", Render.cut("short", 100));
        String exact = "x".repeat(100);
        assertEquals(exact, Render.cut(exact, 100));
    }

    @Test
    void claudeFailedToolIsNamedByItsCallId() {
        Render r = new Render();
        r.render("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":\"t9\",\"name\":\"Bash\",\"input\":{}}]}}");
        assertEquals(List.of("✗ Bash failed"), r.render(
                "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t9\",\"is_error\":true,\"content\":\"boom\"}]}}"));
        assertEquals(List.of(), r.render(
                "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t9\",\"content\":\"ok\"}]}}"));
        assertEquals(List.of("✗ tool failed"), r.render(
                "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"unknown\",\"is_error\":true}]}}"));
    }

    @Test
    void claudeUserPromptAsPlainStringIsIgnored() {
        assertEquals(List.of(), new Render().render("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}"));
    }

    @Test
    void piFailedToolComesFromToolExecutionEnd() {
        Render r = new Render();
        assertEquals(List.of("✗ bash failed"), r.render("{\"type\":\"tool_execution_end\",\"toolName\":\"bash\",\"isError\":true}"));
        assertEquals(List.of(), r.render("{\"type\":\"tool_execution_end\",\"toolName\":\"bash\",\"isError\":false}"));
    }

    @Test
    void multiLineTextBecomesSeveralLines() {
        String line = "{\"type\":\"message_end\",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"first\\n\\n  second\\r\\nthird\"}]}}";
        assertEquals(List.of("first", "  second", "third"), new Render().render(line));
    }

    @Test
    void userAndToolResultMessagesAreNotTheAssistantSpeaking() {
        Render r = new Render();
        assertEquals(List.of(), r.render("{\"type\":\"message_end\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"the prompt\"}]}}"));
        assertEquals(List.of(), r.render("{\"type\":\"message_end\",\"message\":{\"role\":\"toolResult\",\"content\":[{\"type\":\"text\",\"text\":\"wrote\"}]}}"));
    }

    @Test
    void plainLinesPassThroughAndBlankLinesGo() {
        Render r = new Render();
        assertEquals(List.of("Error: no API key  "), r.render("Error: no API key  "));
        assertEquals(List.of("{truncated"), r.render("{truncated"));
        assertEquals(List.of("[1,2]"), r.render("[1,2]"));
        assertEquals(List.of(), r.render(""));
        assertEquals(List.of(), r.render("  \t"));
    }

    @Test
    void controlCharactersAndTerminalEscapesNeverReachTheArchive() {
        Render r = new Render();
        assertEquals(List.of("red bold and \uFFFD nul \uFFFD bell\ttab"),
                r.render("\u001B[31mred\u001B[0m \u001B[1mbold\u001B[22m\u001B]0;title\u0007 and \u0000 nul \u0007 bell\ttab"));
        // inside JSON too: the model's text may carry them
        assertEquals(List.of("a\uFFFDb"), r.render("{\"type\":\"message_end\",\"message\":{\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"a\\u0000b\"}]}}"));
    }

    @Test
    void aVeryLongPlainLineIsCut() {
        String blob = "x".repeat(Render.MAX_PLAIN_CHARS * 3);
        List<String> out = new Render().render(blob);
        assertEquals(Render.MAX_PLAIN_CHARS, out.get(0).length());
        assertTrue(out.get(0).endsWith("…"));
    }

    @Test
    void otherEventsAreDropped() {
        Render r = new Render();
        for (String l : List.of("{\"type\":\"turn_start\"}", "{\"type\":\"system\",\"subtype\":\"init\"}", "{\"no\":\"type\"}",
                "{\"type\":\"result\",\"is_error\":false,\"result\":\"Decision written.\"}")) {
            assertEquals(List.of(), r.render(l), l);
        }
    }

    @Test
    void runErrorsAreShownBecauseNothingElseSaysWhy() {
        assertEquals(List.of("✗ run failed: Invalid API key · Please run /login"), new Render().render(
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"result\":\"Invalid API key · Please run /login\"}"));
        assertEquals(List.of("✗ model error: 401 unauthorized"), new Render().render(
                "{\"type\":\"message_end\",\"message\":{\"role\":\"assistant\",\"content\":[],\"stopReason\":\"error\",\"errorMessage\":\"401\\n unauthorized\"}}"));
    }
}
