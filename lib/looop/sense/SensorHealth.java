package looop.sense;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import looop.io.Json;

/**
 * Which user sensors failed this beat, read back from their readings (the
 * error shapes Sensors writes), so the beat's log line can name them: the
 * reason itself stays in the snapshot's detail.
 */
public final class SensorHealth {
    private SensorHealth() {}

    /** "today (exit 1)", "slow (timed out)", "chatty (output too large)" for each failing user sensor, in name order. */
    public static List<String> failing(List<Sensors.Reading> readings) {
        List<String> out = new ArrayList<>();
        for (Sensors.Reading r : readings) {
            if (!r.file().startsWith("sensor-")) continue;
            String why = failure(Json.parseOrNull(r.text()));
            if (why != null) out.add(r.file().substring("sensor-".length(), r.file().length() - ".json".length()) + " (" + why + ")");
        }
        return out;
    }

    /** Why a reading is a failure, or null when it is a reading. */
    public static String failure(JsonNode v) {
        if (v == null || !v.isObject()) return "unreadable";
        if (v.path("error").isTextual() && v.has("cap")) return "output too large";
        JsonNode signal = v.path("signal");
        if (!signal.path("error").asBoolean(false) || !signal.has("exit_code")) return null;
        int code = signal.path("exit_code").asInt();
        return switch (code) {
            case 124 -> "timed out";
            case 126 -> "not run";
            case 0 -> "bad output";
            default -> "exit " + code;
        };
    }
}
