package looop.act;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.Paths;

/**
 * .goal-activity.json: when looop last acted on each goal (goal id → unix
 * seconds). The sys-goals sensor turns it into ages, so the decider can prefer
 * the longest-neglected goal.
 */
public final class GoalActivity {
    private GoalActivity() {}

    /**
     * Every stamp, sorted by goal id. A missing or unreadable file reads as empty:
     * it is scratch, losing it only forgets ages, and sys-goals must never fail.
     */
    public static Map<String, Long> read(Paths paths) {
        Map<String, Long> out = new TreeMap<>();
        JsonNode root;
        try {
            root = Json.parseOrNull(Fs.readOr(paths.goalActivity(), "{}"));
        } catch (UncheckedIOException e) {
            return out;
        }
        if (root == null || !root.isObject()) return out;
        for (var e : root.properties()) {
            if (e.getValue().isIntegralNumber() && e.getValue().canConvertToLong()) out.put(e.getKey(), e.getValue().longValue());
        }
        return out;
    }

    /** Records that looop acted on goalId at unixSeconds, keeping every other goal's stamp. */
    public static void stamp(Paths paths, String goalId, long unixSeconds) {
        Map<String, Long> all = read(paths);
        all.put(goalId, unixSeconds);
        var json = Json.object();
        all.forEach(json::put);
        Fs.writeAtomic(paths.goalActivity(), Json.canonical(json) + "\n");
    }
}
