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
        assertEquals(Duration.ofDays(1), Durations.parse("--every", "1d"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("--every", "1h30m"));
        assertEquals(Duration.ofHours(36), Durations.parse("--every", "1d12h"));
    }

    /** The config's and the environment's intervals take the same forms as the command line, d included. */
    @Test
    void configAndEnvironmentIntervalsTakeDurations() {
        var config = looop.profile.Config.parse("{\"interval\":\"1d\",\"busy_interval\":\"1m30s\",\"session_ttl\":\"7d\"}", java.nio.file.Path.of("looop.json"));
        assertEquals(86_400, config.interval());
        assertEquals(90, config.busyInterval());
        assertEquals(7 * 86_400, config.sessionTtl());
        assertEquals(86_400, looop.profile.Knob.INTERVAL.fromEnv(java.util.Map.of("LOOOP_INTERVAL", "1d"), 60));
        UserError bad = assertThrows(UserError.class, () -> looop.profile.Config.parse("{\"interval\":\"soon\"}", java.nio.file.Path.of("looop.json")));
        assertTrue(bad.getMessage().contains("\"interval\" must be") && bad.getMessage().contains("\"soon\""), bad.getMessage());
        assertThrows(UserError.class, () -> looop.profile.Knob.INTERVAL.fromEnv(java.util.Map.of("LOOOP_INTERVAL", "2d"), 60), "past its ceiling");
    }

    @Test
    void showsTimesAsPeopleReadThem() {
        assertEquals("8h07m", Durations.human(29221));
        assertEquals("45s", Durations.human(45));
        assertEquals("5m30s", Durations.human(330));
        assertEquals("2m", Durations.human(120));
        assertEquals("1d", Durations.human(86_400));
        assertEquals("2d03h", Durations.human(2 * 86_400 + 3 * 3600 + 59));
        assertTrue(Durations.at(java.time.Instant.parse("2026-12-08T05:59:56.174298491Z")).matches("2026-12-0\\d \\d\\d:\\d\\d"));
    }

    @Test
    void anythingElseIsAOneLineUsageError() {
        for (String bad : new String[] {"", "5x", "-1s", "1.s", "s", "5 m", "1e3", "5sec", "1h30", "30m1h5", "99999999h", "5\u0007s"}) {
            UserError e = assertThrows(UserError.class, () -> Durations.parse("--timeout", bad), bad);
            assertEquals(2, e.exitCode(), bad);
            assertTrue(e.getMessage().contains("--timeout"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        assertTrue(assertThrows(UserError.class, () -> Durations.parse("--settle", "5x")).getMessage().contains("500ms, 30s, 5m, 1h, 1d or 1h30m"));
    }

    @Test
    void theCommandLineConverterNamesTheFormsAndPicocliTheOption() {
        var converter = new DurationConverter();
        assertEquals(Duration.ofMillis(250), converter.convert("250ms"));
        var e = assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("PT30S"), "not ISO-8601");
        assertEquals("'PT30S' is not a duration; use e.g. 500ms, 30s, 5m, 1h, 1d or 1h30m (a bare number is seconds)", e.getMessage());
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
