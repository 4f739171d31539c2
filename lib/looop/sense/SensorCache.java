package looop.sense;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import looop.fast.Text;
import looop.io.Durations;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.Paths;

/**
 * Readings of slow or costly sensors, kept between beats. A script whose
 * header (its leading comment lines) holds `# looop:interval=<duration>` is
 * run again only once its last good reading is that old; until then the beat
 * reuses the reading. The entry is keyed on a digest of the script, so an
 * edited script runs at once. A failed reading is never kept: the next beat
 * tries again. Entries live in .sensor-cache/<name>.json as
 * {"script": digest, "at": unix seconds, "reading": text}.
 */
public final class SensorCache {
    /** The header key, after a comment's `#`: `# looop:interval=5m`. */
    private static final String KEY = "looop:interval=";

    /** A kept reading: when it was taken and the script it came from. */
    public record Entry(String script, long at, String reading) {}

    private final Paths paths;
    private final Clock clock;

    public SensorCache(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    /** The reading of sensor name from script: the kept one while fresh, else fresh's (kept when it is not a failure). */
    public String reading(String name, Path script, Supplier<String> fresh) {
        String kept = fresh(name, script);
        if (kept != null) return kept;
        String text = fresh.get();
        keep(name, script, text);
        return text;
    }

    /** The kept reading of sensor name while its interval has not passed, or null: the script must run. */
    public String fresh(String name, Path script) {
        byte[] bytes = readOrNull(script);
        Duration interval = bytes == null ? null : interval(new String(bytes, StandardCharsets.UTF_8));
        if (interval == null) return null;
        Entry kept = entry(name);
        long now = clock.instant().getEpochSecond();
        if (kept != null && kept.script().equals(WorldHash.of(bytes)) && now - kept.at() < interval.toSeconds()) return kept.reading();
        return null;
    }

    /** Keeps a fresh reading of a script with an interval, unless it is a failure (the next beat tries again). */
    public void keep(String name, Path script, String text) {
        byte[] bytes = readOrNull(script);
        if (bytes == null || interval(new String(bytes, StandardCharsets.UTF_8)) == null) return;
        if (SensorHealth.failure(Json.parseOrNull(text)) != null) return;
        long now = clock.instant().getEpochSecond();
        Fs.writeScratch(file(name), (Json.canonical(Json.object().put("script", WorldHash.of(bytes)).put("at", now).put("reading", text)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The kept reading of sensor name, or null. */
    public Entry entry(String name) {
        JsonNode n = Json.parseOrNull(Fs.readOr(file(name), ""));
        if (n == null || !n.path("script").isTextual() || !n.path("at").canConvertToLong() || !n.path("reading").isTextual()) return null;
        return new Entry(n.get("script").asText(), n.get("at").asLong(), n.get("reading").asText());
    }

    /** The interval a script's header asks for, or null (none, or not a duration: the sensor runs every beat). */
    public static Duration interval(String script) {
        for (String line : Text.lines(script)) {
            String l = line.strip();
            if (l.isEmpty()) continue;
            if (!l.startsWith("#")) return null; // the header ends at the first command
            String value = headerValue(l);
            if (value != null) {
                try {
                    Duration d = Durations.parse(value);
                    return d.isZero() ? null : d;
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The value of a `# looop:interval=<value>` line (a comment, then the key,
     * the value one word), or null. By hand, not by regex: every beat reads
     * every script's header, and a one-shot beat would compile the regex cold.
     */
    public static String headerValue(String line) {
        return headerValue(line, KEY);
    }

    /** The value of a `# <key><value>` header line (key e.g. "looop:read="), or null. */
    public static String headerValue(String line, String key) {
        if (!line.startsWith("#")) return null;
        int i = 1;
        while (i < line.length() && Text.isSpace(line.charAt(i))) i++;
        if (!line.startsWith(key, i)) return null;
        String value = line.substring(i + key.length());
        int end = value.length();
        while (end > 0 && Text.isSpace(value.charAt(end - 1))) end--;
        value = value.substring(0, end);
        if (value.isEmpty()) return null;
        for (int k = 0; k < value.length(); k++) if (Text.isSpace(value.charAt(k))) return null;
        return value;
    }

    private Path file(String name) {
        return paths.sensorCache().resolve(name + ".json");
    }

    /** The script through its link, as the sensor run will read it (Sensors vetted the link). */
    private static byte[] readOrNull(Path script) {
        try {
            return Files.readAllBytes(script);
        } catch (IOException e) {
            return null;
        }
    }
}
