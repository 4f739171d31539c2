package looop.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import looop.profile.Paths;
import looop.state.BeatLog;
import looop.state.BeatLog.Beat;
import looop.state.BeatLog.Outcome;

/**
 * The beats of the last hours (state/BeatLog) drawn as an SVG strip, one
 * mark per beat, coloured by outcome.
 */
public final class Timeline {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm");

    private final Clock clock;
    private final BeatLog log;

    public Timeline(Paths paths, Clock clock) {
        this.clock = clock;
        this.log = new BeatLog(paths, clock);
    }

    /** The newest beat on record, or null. */
    public Beat last() {
        return log.last();
    }

    static String colour(Outcome o) {
        return switch (o) {
            case ACTED -> "#3fb950";
            case SKIPPED -> "#8b949e";
            case FAILED -> "#f85149";
            case BACKED_OFF -> "#d29922";
            case RUNNING -> "#58a6ff";
        };
    }

    private static final int W = 720;
    private static final int H = 96;
    private static final int LEFT = 8;
    private static final int RIGHT = 8;
    private static final int TOP = 10;
    private static final int STRIP = 40;

    /** An SVG strip of window, now at the right edge: hour ticks, one mark per beat, a legend with counts. */
    public String svg(Duration window) {
        List<Beat> beats = log.beats(window);
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
                    x - 1.5, y, h, colour(b.outcome())));
            s.append("<title>").append(Html.esc(LocalDateTime.ofInstant(b.start(), clock.getZone()).format(HOUR) + " " + b.outcome().label
                    + (b.detail().isEmpty() ? "" : " · " + b.detail()))).append("</title></rect>");
        }
        Map<Outcome, Integer> counts = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) counts.put(o, 0);
        beats.forEach(b -> counts.merge(b.outcome(), 1, Integer::sum));
        int x = LEFT;
        for (Map.Entry<Outcome, Integer> e : counts.entrySet()) {
            if (e.getKey() == Outcome.RUNNING && e.getValue() == 0) continue;
            s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", x, H - 14, colour(e.getKey())));
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
