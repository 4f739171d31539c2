package looop.beat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import looop.Beats;
import looop.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One beat against a hundred misbehaving sensors, and against a decider that
 * writes two moves: the beat still ends, every reading is either right or a
 * clear error object, and nothing is executed that should not be.
 */
class TickFaultsTest {
    @TempDir Path dir;

    @Test
    void aHundredSensorsSomeFailingSomeHangingSomeFloodingGiveOneBeat() {
        // 3 s, not 1: on a busy machine a flooding sensor's bash may not even start within 1 s, and would time out before its cap
        Beats b = new Beats(dir, Map.of("LOOOP_SENSOR_TIMEOUT", "3"), "--shape pi --cost 0.001", "{\"action\":\"noop\"}");
        for (int i = 0; i < 100; i++) {
            String name = String.format("s%03d", i);
            switch (i % 10) {
                case 0 -> b.profile.sensor(name, "echo oops >&2; exit " + (1 + i % 7));
                case 1 -> b.profile.sensor(name, "sleep 30 & sleep 30"); // hangs, and leaves a child behind
                case 2 -> b.profile.sensor(name, "head -c 3000000 /dev/zero | tr '\\0' a");
                case 3 -> b.profile.sensor(name, "echo not json");
                default -> b.profile.sensor(name, "echo '{\"signal\":{\"n\":" + i + "},\"detail\":{\"at\":\"'$RANDOM'\"}}'");
            }
        }
        long start = System.nanoTime();
        Tick.Outcome o = b.beat();
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(Tick.Outcome.Result.ACTED, o.result(), o.message());
        assertTrue(seconds < 120, "ten hanging sensors at a 3 s timeout took " + seconds + " s");
        for (int i = 0; i < 100; i++) {
            JsonNode r = Json.parseOrNull(b.profile.read(String.format("snapshots/sensor-s%03d.json", i)));
            String why = "sensor " + i + ": " + r;
            switch (i % 10) {
                case 0 -> assertEquals(1 + i % 7, r.get("signal").get("exit_code").asInt(), why);
                case 1 -> assertEquals(124, r.get("signal").get("exit_code").asInt(), why);
                case 2 -> assertTrue(r.get("error").asText().contains("too large"), why);
                case 3 -> assertTrue(r.get("signal").get("error").asBoolean(), why);
                default -> assertEquals(i, r.get("signal").get("n").asInt(), why);
            }
        }
    }

    @Test
    void aDeciderThatWritesTwoMovesGetsNeither() {
        Beats b = new Beats(dir, "{\"action\":\"run_shell\",\"cmd\":\"echo one >> reports/ran.txt\"}{\"action\":\"run_shell\",\"cmd\":\"echo two >> reports/ran.txt\"}");
        Tick.Outcome o = b.beat();
        assertEquals("bad_decision", o.reason());
        assertTrue(o.message().contains("more than one JSON value"), o.message());
        assertNull(b.profile.read("reports/ran.txt"), "one beat, one move: two are refused, not the first taken");
        assertEquals("", b.journal());
    }
}
