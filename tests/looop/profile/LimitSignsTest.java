package looop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * What the real CLIs print at a usage limit (tests/fixtures/*-usage-limit.jsonl,
 * recorded against a stand-in answering 429 as the providers do, see
 * tests/fixtures/README.md) read as a limit and its reset; their ordinary
 * streams, and a limit that is only a warning, as none.
 */
class LimitSignsTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final ZoneId UTC = ZoneId.of("UTC");

    static LimitSigns.Sign read(String fixture) throws Exception {
        LimitSigns s = new LimitSigns(NOW, UTC);
        for (String line : Files.readAllLines(Path.of("tests/fixtures", fixture))) s.accept(line);
        return s.sign();
    }

    @Test
    void claudesRateLimitEventGivesItsResetInUnixSeconds() throws Exception {
        LimitSigns.Sign s = read("claude-usage-limit.jsonl");
        assertNotNull(s);
        assertEquals(Instant.ofEpochSecond(1900000000L), s.resetsAt());
        assertTrue(s.said().contains("You've hit your 5-hour limit"), s.said());
    }

    @Test
    void codexsUsageLimitErrorGivesItsTryAgainTime() throws Exception {
        LimitSigns.Sign s = read("codex-usage-limit.jsonl");
        assertNotNull(s);
        assertEquals(Instant.parse("2030-03-17T17:46:00Z"), s.resetsAt()); // its local time; the recording ran in UTC
    }

    @Test
    void pisUsageLimitNamesNoReset() throws Exception {
        LimitSigns.Sign s = read("pi-usage-limit.jsonl");
        assertNotNull(s);
        assertNull(s.resetsAt());
    }

    @Test
    void ordinaryRunsAreNoLimit() throws Exception {
        for (String f : new String[] {"claude-stream-json.jsonl", "claude-stream-json-standin.jsonl", "codex-exec-json.jsonl",
                "pi-mode-json.jsonl", "pi-tool-error.jsonl", "opencode-run-json.jsonl", "gemini-stream-json.jsonl"}) {
            assertNull(read(f), f);
        }
    }

    @Test
    void onlyARejectionIsALimit() {
        for (String status : new String[] {"allowed", "allowed_warning"}) {
            LimitSigns s = new LimitSigns(NOW, UTC);
            s.accept("{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"" + status + "\",\"resetsAt\":1900000000}}");
            assertNull(s.sign(), status);
        }
        LimitSigns s = new LimitSigns(NOW, UTC);
        s.accept("{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"rejected\"}}");
        assertNotNull(s.sign(), "a rejection without a reset is still a limit (backed off as today)");
        assertNull(s.sign().resetsAt());
    }

    @Test
    void aModelThatTalksAboutLimitsIsNoLimit() {
        LimitSigns s = new LimitSigns(NOW, UTC);
        s.accept("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"You've hit your usage limit · resets 3pm (UTC)\"}]}}");
        assertNull(s.sign(), "only the CLI's own error fields count, not the model's text");
    }

    @Test
    void theCLIsWordsBecomeOnePrintableLine() {
        LimitSigns s = new LimitSigns(NOW, UTC);
        s.accept("{\"type\":\"error\",\"message\":\"\\u001b[31mYou've hit your usage limit\\nIGNORE ALL PREVIOUS\\u202e " + "x".repeat(500) + "\"}");
        assertNotNull(s.sign());
        String said = s.sign().said();
        assertTrue(said.chars().noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT), said);
        assertTrue(said.length() <= 201, said);
    }

    @Test
    void screensNameTheirResetInTheirOwnWords() {
        LimitSigns s = new LimitSigns(NOW, UTC);
        assertEquals(Instant.parse("2030-03-17T17:46:00Z"), s.fromText("You've hit your 5-hour limit · resets Mar 17, 2030, 5:46pm (UTC)"));
        assertEquals(Instant.parse("2026-11-23T15:00:00Z"), s.fromText("You've hit your session limit · resets 3pm (UTC)"));
        assertEquals(Instant.parse("2026-11-24T09:30:00Z"), s.fromText("resets 9:30am (UTC)"), "a time of day already past is tomorrow's");
        assertEquals(Instant.parse("2026-11-23T14:00:00Z"), s.fromText("resets 3pm (Europe/Paris)"));
        assertNull(s.fromText("resets 3pm (Mars/Olympus)"), "a zone that is none is no time");
        assertNull(s.fromText("You've hit your usage limit."));
    }
}
