package looop.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import looop.io.Json;
import looop.profile.Paths;

/**
 * The beats of the last hours, read back from events.jsonl: each beat opens
 * with tick_start and ends with the event that says how it went. Drawn as an
 * SVG strip, one mark per beat, coloured by outcome.
 */
public final class Timeline {
    /** Enough of the file's end for a day of beats at the busiest cadence, without reading a year of them. */
    private static final int TAIL_BYTES = 4 * 1024 * 1024;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm");

    public enum Outcome {
        ACTED("acted", "#3fb950"), SKIPPED("skipped", "#8b949e"), FAILED("failed", "#f85149"),
        BACKED_OFF("backed off", "#d29922"), RUNNING("running", "#58a6ff");

        public final String label;
        final String colour;

        Outcome(String label, String colour) {
            this.label = label;
            this.colour = colour;
        }
    }

    /** One beat: when it started, how it ended, and the detail that says why (the action, the error). */
    public record Beat(Instant start, Outcome outcome, String detail) {}

    private final Paths paths;
    private final Clock clock;

    public Timeline(Paths paths, Clock clock) {
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
        for (String line : lines) {
            JsonNode n = Json.parseOrNull(line);
            if (n == null) continue;
            String event = n.path("event").asText();
            if (event.equals("tick_start")) {
                if (start != null) beats.add(new Beat(start, outcome == null ? Outcome.FAILED : outcome, outcome == null ? "ended without an outcome" : detail));
                start = time(n);
                outcome = null;
                detail = "";
                continue;
            }
            if (start == null) continue;
            switch (event) {
                case "decided" -> { outcome = Outcome.ACTED; detail = n.path("action").asText(); }
                case "world_unchanged" -> { outcome = Outcome.SKIPPED; detail = "world unchanged"; }
                case "budget_exceeded", "budget_unmetered" -> { outcome = Outcome.SKIPPED; detail = event.replace('_', ' '); }
                case "tick_backoff" -> { outcome = Outcome.BACKED_OFF; detail = "retry in " + n.path("retry_in_s").asText() + "s"; }
                case "tick_failed" -> { outcome = Outcome.FAILED; detail = n.path("reason").asText() + ": " + n.path("error").asText(); }
                default -> { }
            }
        }
        if (start != null) beats.add(new Beat(start, outcome == null ? Outcome.RUNNING : outcome, detail));
        return beats.stream().filter(b -> b.start() != null).toList();
    }

    private static Instant time(JsonNode n) {
        try {
            return Instant.parse(n.path("ts").asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private List<String> tailLines() {
        if (!Files.isRegularFile(paths.events())) return List.of();
        try (RandomAccessFile f = new RandomAccessFile(paths.events().toFile(), "r")) {
            long start = Math.max(0, f.length() - TAIL_BYTES);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            List<String> lines = new String(buf, StandardCharsets.UTF_8).lines().toList();
            return start == 0 || lines.isEmpty() ? lines : lines.subList(1, lines.size()); // the first may be cut
        } catch (IOException e) {
            return List.of();
        }
    }

    // -- the picture ---------------------------------------------------------

    private static final int W = 720;
    private static final int H = 96;
    private static final int LEFT = 8;
    private static final int RIGHT = 8;
    private static final int TOP = 10;
    private static final int STRIP = 40;

    /** An SVG strip of window, now at the right edge: hour ticks, one mark per beat, a legend with counts. */
    public String svg(Duration window) {
        List<Beat> beats = beats(window);
        Instant end = clock.instant();
        Instant begin = end.minus(window);
        double span = window.toMillis();
        double inner = W - LEFT - RIGHT;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" role=\"img\" aria-label=\"").append(Html.esc(beats.size() + " beats in the last " + window.toHours() + " hours")).append("\">");
        s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append((int) inner)
                .append("\" height=\"").append(STRIP).append("\" class=\"strip\" fill=\"#161b22\"/>");
        // ticks on whole hours, labelled in local time; "now" at the right edge
        Instant tick = begin.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofHours(1));
        for (; tick.isBefore(end.minus(Duration.ofMinutes(20))); tick = tick.plus(Duration.ofHours(1))) {
            double x = LEFT + inner * (tick.toEpochMilli() - begin.toEpochMilli()) / span;
            s.append(String.format("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#30363d\"/>", x, x, TOP, TOP + STRIP + 4));
            s.append(String.format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">%s</text>", x, TOP + STRIP + 16,
                    Html.esc(LocalDateTime.ofInstant(tick, clock.getZone()).format(HOUR))));
        }
        s.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"axis\">now</text>", W - RIGHT, TOP + STRIP + 16));
        for (Beat b : beats) {
            double x = LEFT + inner * (b.start().toEpochMilli() - begin.toEpochMilli()) / span;
            int y = b.outcome() == Outcome.ACTED || b.outcome() == Outcome.FAILED ? TOP + 4 : TOP + 14;
            int h = b.outcome() == Outcome.ACTED || b.outcome() == Outcome.FAILED ? STRIP - 8 : STRIP - 28;
            s.append(String.format("<rect class=\"beat %s\" x=\"%.1f\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"%s\">", cssName(b.outcome()),
                    x - 1.5, y, h, b.outcome().colour));
            s.append("<title>").append(Html.esc(LocalDateTime.ofInstant(b.start(), clock.getZone()).format(HOUR) + " " + b.outcome().label
                    + (b.detail().isEmpty() ? "" : " · " + b.detail()))).append("</title></rect>");
        }
        Map<Outcome, Integer> counts = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) counts.put(o, 0);
        beats.forEach(b -> counts.merge(b.outcome(), 1, Integer::sum));
        int x = LEFT;
        for (Map.Entry<Outcome, Integer> e : counts.entrySet()) {
            if (e.getKey() == Outcome.RUNNING && e.getValue() == 0) continue;
            s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", x, H - 14, e.getKey().colour));
            String label = e.getKey().label + " " + e.getValue();
            s.append(String.format("<text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>", x + 14, H - 5, Html.esc(label)));
            x += 24 + label.length() * 7;
        }
        return s.append("</svg>").toString();
    }

    static String cssName(Outcome o) {
        return o.name().toLowerCase().replace('_', '-');
    }
}
