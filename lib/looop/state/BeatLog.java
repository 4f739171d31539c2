package looop.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import looop.io.Json;
import looop.profile.Paths;

/**
 * The beats of the last hours, read back from events.jsonl: each beat opens
 * with tick_start and ends with the event that says how it went. The state
 * document names the last one; the web page draws them (web/Timeline).
 */
public final class BeatLog {
    /** Enough of the file's end for a day of beats at the busiest cadence, without reading a year of them. */
    private static final int TAIL_BYTES = 4 * 1024 * 1024;

    public enum Outcome {
        ACTED("acted"), SKIPPED("skipped"), FAILED("failed"), BACKED_OFF("backed off"), RUNNING("running");

        public final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /** One beat: when it started, how it ended, the detail that says why (the action, the error), and its move's journal line or null. */
    public record Beat(Instant start, Outcome outcome, String detail, String move) {}

    private final Paths paths;
    private final Clock clock;

    public BeatLog(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    /** Beats that started within the last window, oldest first. */
    public List<Beat> beats(Duration window) {
        Instant since = clock.instant().minus(window);
        return parse(tailLines()).stream().filter(b -> !b.start().isBefore(since)).toList();
    }

    /** The newest beat on record, or null. */
    public Beat last() {
        List<Beat> all = parse(tailLines());
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    static List<Beat> parse(List<String> lines) {
        List<Beat> beats = new ArrayList<>();
        Instant start = null;
        Outcome outcome = null;
        String detail = "";
        String move = null;
        for (String line : lines) {
            JsonNode n = Json.parseOrNull(line);
            if (n == null) continue;
            String event = n.path("event").asText();
            if (event.equals("tick_start")) {
                if (start != null) beats.add(new Beat(start, outcome == null ? Outcome.FAILED : outcome, outcome == null ? "ended without an outcome" : detail, move));
                start = time(n);
                outcome = null;
                detail = "";
                move = null;
                continue;
            }
            if (start == null) continue;
            switch (event) {
                case "decided" -> { outcome = Outcome.ACTED; detail = n.path("action").asText(); move = withoutStamp(n.path("journal").asText(null)); }
                case "world_unchanged" -> { outcome = Outcome.SKIPPED; detail = "world unchanged"; }
                case "budget_exceeded", "budget_unmetered" -> { outcome = Outcome.SKIPPED; detail = event.replace('_', ' '); }
                case "tick_backoff" -> { outcome = Outcome.BACKED_OFF; detail = "retry in " + n.path("retry_in_s").asText() + "s"; }
                case "tick_failed" -> { outcome = Outcome.FAILED; detail = n.path("reason").asText() + ": " + n.path("error").asText(); }
                default -> { }
            }
        }
        if (start != null) beats.add(new Beat(start, outcome == null ? Outcome.RUNNING : outcome, detail, move));
        return beats.stream().filter(b -> b.start() != null).toList();
    }

    /** A journal line's text without its "- YYYY-MM-DD HH:MM " stamp: the beat's own time says when. */
    static String withoutStamp(String line) {
        return line == null ? null : line.replaceFirst("^- \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} ", "");
    }

    private static Instant time(JsonNode n) {
        try {
            return Instant.parse(n.path("ts").asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private List<String> tailLines() {
        return tail(paths.events(), TAIL_BYTES);
    }

    /** The whole lines in the last bytes of a file (the first, which the cut may split, dropped); none when it is unreadable. */
    static List<String> tail(java.nio.file.Path file, int bytes) {
        if (!Files.isRegularFile(file)) return List.of();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - bytes);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            List<String> lines = new String(buf, StandardCharsets.UTF_8).lines().toList();
            return start == 0 || lines.isEmpty() ? lines : lines.subList(1, lines.size()); // the first may be cut
        } catch (IOException e) {
            return List.of();
        }
    }
}
