package looop.sense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import looop.Beats;
import looop.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-sensor intervals, sensor ages in status, failing sensors on the terminal, the doctor's sensor check. */
class SensorIntervalTest {
    @TempDir
    Path dir;

    static final String NOOP = "{\"action\":\"noop\"}";
    /** Counts its runs in marks/runs-slow and reports the count in detail, so a kept reading shows as an old count. */
    String slow() {
        return "# a slow sensor\n# looop:interval=1h\n" + "n=$(( $(cat " + marks().resolve("runs-slow") + " 2>/dev/null || echo 0) + 1 )); echo $n > "
                + marks().resolve("runs-slow") + "; echo \"{\\\"signal\\\":{},\\\"detail\\\":{\\\"run\\\":$n}}\"";
    }

    /** Where the sensors count their runs: a dir granted by sandbox.write, as a person grants one (a sensor writes nothing else). */
    Path marks() {
        return dir.resolve("marks");
    }

    Beats beats(String... decisions) {
        Beats b = new Beats(dir.resolve("data"), decisions);
        looop.io.Fs.mkdirs(marks());
        b.config("{\"default\":\"offline\",\"sandbox\":{\"write\":[" + looop.io.Json.quote(marks().toString()) + "]},"
                + "\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl\"" + b.offlineGrant() + "}}}");
        return b;
    }

    int runs(Beats b) {
        return Integer.parseInt(looop.io.Fs.readOrNull(marks().resolve("runs-slow")).strip());
    }

    @Test
    void aSensorWithAnIntervalKeepsItsReadingWhileFresh() {
        Beats b = beats(NOOP, NOOP, NOOP, NOOP);
        b.profile.sensor("slow", slow());
        b.tick().sense();
        assertEquals(1, runs(b));
        b.profile.clock.advanceSeconds(3599);
        b.tick().sense();
        assertEquals(1, runs(b), "fresh: not run again");
        assertEquals("{\"detail\":{\"run\":1},\"signal\":{}}", b.profile.read("snapshots/sensor-slow.json"), "the kept reading is this beat's snapshot");
        b.profile.clock.advanceSeconds(1);
        b.tick().sense();
        assertEquals(2, runs(b), "an hour old: run again");
        b.profile.sensor("slow", slow() + "\n# edited");
        b.tick().sense();
        assertEquals(3, runs(b), "an edited script runs at once");
    }

    @Test
    void aFailedReadingIsNotKept() {
        Beats b = beats(NOOP);
        b.profile.sensor("flaky", "# looop:interval=1h\nn=$(( $(cat " + marks().resolve("runs") + " 2>/dev/null || echo 0) + 1 )); echo $n > " + marks().resolve("runs") + "; [ $n -gt 1 ] || exit 1; echo '{\"signal\":{\"ok\":true}}'");
        b.tick().sense();
        b.tick().sense();
        assertEquals("{\"signal\":{\"ok\":true}}", b.profile.read("snapshots/sensor-flaky.json"));
        b.tick().sense();
        assertEquals("2", looop.io.Fs.readOrNull(marks().resolve("runs")).strip(), "the good reading is kept");
    }

    @Test
    void theHeaderIsReadOnlyBeforeTheFirstCommand() {
        assertEquals(Duration.ofMinutes(10), SensorCache.interval("#!/usr/bin/env bash\n\n# looop:interval=10m\necho '{}'\n"));
        assertNull(SensorCache.interval("#!/usr/bin/env bash\necho hi\n# looop:interval=10m\n"));
        assertNull(SensorCache.interval("# looop:interval=soon\n"), "not a duration: run every beat");
        assertNull(SensorCache.interval("# looop:interval=0\n"));
    }

    @Test
    void statusShowsEachSensorsAgeAndInterval() {
        Beats b = beats(NOOP, NOOP);
        b.profile.sensor("slow", slow());
        b.profile.sensor("quick", "echo '{\"signal\":{}}'");
        b.profile.sensor("broken", "exit 3");
        b.beat();
        b.profile.clock.advanceSeconds(600);
        b.beat(); // slow is kept from the first beat; quick and broken ran now
        b.profile.clock.advanceSeconds(30);
        JsonNode j = Json.parseOrNull(b.cli("", "status", "--json").out());
        JsonNode s = j.get("sensors");
        assertEquals("broken", s.get(0).get("name").asText());
        assertEquals(30, s.get(0).get("age_s").asLong());
        assertEquals("exit 3", s.get(0).get("failing").asText());
        assertEquals("quick", s.get(1).get("name").asText());
        assertEquals(30, s.get(1).get("age_s").asLong());
        assertTrue(s.get(1).get("interval_s").isNull());
        assertEquals("slow", s.get(2).get("name").asText());
        assertEquals(630, s.get(2).get("age_s").asLong());
        assertEquals(3600, s.get(2).get("interval_s").asLong());
        String text = b.cli("", "status").out();
        assertTrue(text.contains("sensors:    broken 30s ago ✗ exit 3 · quick 30s ago · slow 10m30s ago (every 1h00m)"), text);
    }

    @Test
    void aFailingSensorIsNamedInTheBeatsLogLine() {
        Beats b = new Beats(dir, NOOP);
        b.profile.sensor("broken", "exit 3");
        b.profile.sensor("mute", "true");
        b.beat();
        String log = b.logBytes.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("failing: broken (exit 3); mute (bad output) (see snapshots/ for why)"), log);
    }

    @Test
    void doctorChecksEverySensorAndPrintsOneJsonObject() {
        Beats b = new Beats(dir);
        b.profile.sensor("good", "echo '{}'");
        b.profile.write("sensors/lazy.sh", "echo '{}'\n");
        Beats.Cli text = b.cli("", "doctor");
        assertTrue(text.out().contains("sensors/lazy.sh is not executable"), text.out());
        assertTrue(text.out().contains("fix: chmod +x sensors/lazy.sh"), text.out());
        assertEquals(1, text.code());
        Beats.Cli json = b.cli("", "doctor", "--json");
        JsonNode root = Json.parseOrNull(json.out());
        assertTrue(root != null && root.isObject(), json.out());
        assertFalse(root.get("ok").asBoolean());
        boolean named = false;
        for (JsonNode c : root.get("checks")) named |= c.get("name").asText().equals("sensor lazy.sh") && !c.get("ok").asBoolean();
        assertTrue(named, json.out());
        dir.resolve("sensors/lazy.sh").toFile().setExecutable(true);
        assertTrue(b.cli("", "doctor").out().contains("2 in " + dir.resolve("sensors") + ", all executable"));
    }
}
