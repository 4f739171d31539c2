package looop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import looop.cli.DurationConverter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationsTest {
    @Test
    void readsTheFormsPeopleType() {
        assertEquals(Duration.ofMillis(500), Durations.parse("--timeout", "500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("--timeout", "30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("--timeout", "5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("--timeout", "1h"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("--timeout", "45"), "a bare number is seconds");
        assertEquals(Duration.ofMillis(1500), Durations.parse("--timeout", "1.5s"));
        assertEquals(Duration.ZERO, Durations.parse("--timeout", "0"));
        assertEquals(Duration.ofSeconds(2), Durations.parse("--settle", " 2s "));
    }

    @Test
    void anythingElseIsAOneLineUsageError() {
        for (String bad : new String[] {"", "5x", "-1s", "1.s", "s", "5 m", "1e3", "5sec", "1h30m", "99999999h", "5\u0007s"}) {
            UserError e = assertThrows(UserError.class, () -> Durations.parse("--timeout", bad), bad);
            assertEquals(2, e.exitCode(), bad);
            assertTrue(e.getMessage().contains("--timeout"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        assertTrue(assertThrows(UserError.class, () -> Durations.parse("--settle", "5x")).getMessage().contains("500ms, 30s, 5m or 1h"));
    }

    @Test
    void theCommandLineConverterNamesTheFormsAndPicocliTheOption() {
        var converter = new DurationConverter();
        assertEquals(Duration.ofMillis(250), converter.convert("250ms"));
        var e = assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("PT30S"), "not ISO-8601");
        assertEquals("'PT30S' is not a duration; use e.g. 500ms, 30s, 5m or 1h (a bare number is seconds)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("9999h"));
    }

    @Test
    void showsDurationsTheWayTheyAreTyped() {
        assertEquals("500ms", Durations.show(Duration.ofMillis(500)));
        assertEquals("30s", Durations.show(Duration.ofSeconds(30)));
        assertEquals("1.5s", Durations.show(Duration.ofMillis(1500)));
        assertEquals("5m", Durations.show(Duration.ofMinutes(5)));
        assertEquals("2h", Durations.show(Duration.ofHours(2)));
        assertEquals("0s", Durations.show(Duration.ZERO));
    }
}
