package looop.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import looop.Beats;
import looop.TestProfile;
import looop.io.Json;
import looop.io.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulesTest {
    @TempDir
    Path tmp;

    private static String signal(Schedules s, Instant now) {
        return Json.canonical(s.reading(now).get("signal"));
    }

    /** Durations as people write them, times as people read them: --every 1d; "in 8h07m", a local minute, never seconds or nanoseconds. */
    @Test
    void theCommandLineReadsAndShowsTimesAsPeopleDo() {
        TestProfile p = new TestProfile(tmp);
        Beats.Cli daily = Beats.cli(p, "", "schedule", "add", "daily", "--every", "1d", "--note", "review");
        assertEquals(0, daily.code(), daily.err());
        String next = looop.io.Durations.at(p.clock.instant().plus(Duration.ofDays(1)));
        assertEquals("scheduled daily: every 24h, next " + next + "\n", daily.out());
        Beats.Cli soon = Beats.cli(p, "", "schedule", "add", "soon", "--in", "29221");
        assertEquals(0, soon.code(), soon.err());
        assertTrue(soon.out().endsWith(" (in 8h07m)\n"), soon.out());
        String ls = Beats.cli(p, "", "schedule", "ls").out();
        assertFalse(ls.matches("(?s).*(\\d+s\\b|T\\d\\d:|Z\\b).*"), ls);
    }

    @Test
    void aOneShotChangesTheSignalExactlyWhenItComesDueAndIsDoneOnceActedOn() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Schedules s = new Schedules(p.paths, p.clock);
        String before = signal(s, p.clock.instant());
        s.addIn("deploy-check", Duration.ofMinutes(30), "check the deploy");
        assertEquals(before, signal(s, p.clock.instant()), "a schedule waiting wakes nothing");
        assertEquals(p.clock.instant().plusSeconds(1800), s.nextChange(p.clock.instant()));
        assertTrue(Files.exists(tmp.resolve("schedules/deploy-check.json")));

        p.clock.advanceSeconds(1799);
        assertEquals(before, signal(s, p.clock.instant()));
        assertTrue(s.due(p.clock.instant()).isEmpty());
        assertEquals(List.of(), s.acted(p.clock.instant()));
        p.clock.advanceSeconds(1);
        String due = signal(s, p.clock.instant());
        assertNotEquals(before, due);
        assertEquals(List.of("deploy-check"), s.due(p.clock.instant()).stream().map(Schedule::name).toList());
        assertEquals("check the deploy", s.reading(p.clock.instant()).at("/detail/due/0/note").asText());
        assertNull(s.nextChange(p.clock.instant()));

        Instant sensed = p.clock.instant();
        p.clock.advanceSeconds(20);
        assertEquals(List.of("deploy-check"), s.acted(sensed));
        assertTrue(s.due(p.clock.instant()).isEmpty());
        assertEquals("done", s.list().get(0).state(p.clock.instant()));
        assertEquals(due, signal(s, p.clock.instant()), "acting changes the detail, not the signal: no extra wake");
        assertTrue(s.reading(p.clock.instant()).at("/detail/due").isEmpty());
    }

    @Test
    void aRecurringOneFiresOncePerPeriodAcrossCrashes() {
        TestProfile p = new TestProfile(tmp);
        Schedules s = new Schedules(p.paths, p.clock);
        Instant t0 = p.clock.instant();
        s.addEvery("standup", Duration.ofHours(1), "summarise the night");
        String idle = signal(s, t0);
        assertTrue(s.due(t0).isEmpty(), "the first period begins one interval after it is set");
        assertEquals(t0.plusSeconds(3600), s.nextChange(t0));

        p.clock.advanceSeconds(3600);
        String first = signal(s, p.clock.instant());
        assertNotEquals(idle, first);
        assertEquals(1, s.due(p.clock.instant()).size());
        s.acted(p.clock.instant());
        // a crash and a new process: the period acted on is in the file
        Schedules again = new Schedules(p.paths, p.clock);
        p.clock.advanceSeconds(1000);
        assertTrue(again.due(p.clock.instant()).isEmpty());
        assertEquals(first, signal(again, p.clock.instant()));
        assertEquals(t0.plusSeconds(7200), again.nextChange(p.clock.instant()));

        p.clock.advanceSeconds(2600);
        String second = signal(again, p.clock.instant());
        assertNotEquals(first, second);
        assertEquals(1, again.due(p.clock.instant()).size());

        // the loop was down for three periods: it fires once, for the period it is in
        p.clock.advanceSeconds(3 * 3600);
        assertEquals(1, again.due(p.clock.instant()).size());
        again.acted(p.clock.instant());
        assertTrue(again.due(p.clock.instant()).isEmpty());
        assertEquals(5, again.list().get(0).actedPeriod());
    }

    @Test
    void aPeriodThatBeganAfterTheBeatSensedIsLeftForTheNextBeat() {
        TestProfile p = new TestProfile(tmp);
        Schedules s = new Schedules(p.paths, p.clock);
        s.addEvery("tick", Duration.ofMinutes(1), null);
        s.addIn("later", Duration.ofSeconds(90), null);
        Instant sensed = p.clock.instant().plusSeconds(30);
        p.clock.advanceSeconds(100);
        assertEquals(List.of(), s.acted(sensed));
        assertEquals(2, s.due(p.clock.instant()).size());
    }

    @Test
    void namesTimesAndPeriodsAreChecked() {
        TestProfile p = new TestProfile(tmp);
        Schedules s = new Schedules(p.paths, p.clock);
        assertThrows(UserError.class, () -> s.addIn("../x", Duration.ofSeconds(5), null));
        assertEquals(2, assertThrows(UserError.class, () -> s.addEvery("x", Duration.ofMillis(10), null)).exitCode());
        assertFalse(s.remove("nope"));
        s.addIn("x", Duration.ofSeconds(5), "one");
        s.addIn("x", Duration.ofSeconds(50), "two");
        assertEquals(1, s.list().size(), "the same name replaces");
        assertEquals("two", s.list().get(0).note());
        assertTrue(s.remove("x"));
        assertTrue(s.list().isEmpty());

        Instant now = Instant.parse("2026-11-23T12:00:00Z");
        ZoneId utc = ZoneId.of("UTC");
        assertEquals(Instant.parse("2026-11-23T14:00:00Z"), Schedules.parseAt("--at", "14:00", now, utc));
        assertEquals(Instant.parse("2026-11-24T09:30:00Z"), Schedules.parseAt("--at", "09:30", now, utc), "a time passed today means tomorrow");
        assertEquals(Instant.parse("2026-12-01T08:00:00Z"), Schedules.parseAt("--at", "2026-12-01 08:00", now, utc));
        assertEquals(Instant.parse("2026-12-01T08:00:00Z"), Schedules.parseAt("--at", "2026-12-01T08:00:00Z", now, utc));
        UserError bad = assertThrows(UserError.class, () -> Schedules.parseAt("--at", "tomorrow-ish", now, utc));
        assertEquals(2, bad.exitCode());
        assertTrue(bad.getMessage().startsWith("bad time for --at: 'tomorrow-ish'"), bad.getMessage());
    }

    @Test
    void doneOneShotsGoADayLaterWhenTheNextScheduleIsWritten() {
        TestProfile p = new TestProfile(tmp);
        Schedules s = new Schedules(p.paths, p.clock);
        s.addIn("old", Duration.ofSeconds(1), null);
        p.clock.advanceSeconds(2);
        s.acted(p.clock.instant());
        p.clock.advanceSeconds(2 * 86400);
        s.addIn("new", Duration.ofSeconds(60), null);
        assertEquals(List.of("new"), s.list().stream().map(Schedule::name).toList());
    }
}
