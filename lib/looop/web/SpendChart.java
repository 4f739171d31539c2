package looop.web;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import looop.gate.Budget;
import looop.profile.Paths;

/**
 * Spend per day from the cost ledger, as stacked SVG bars: the last DAYS days,
 * split by runner or by kind, today's bar marked, and max_daily_usd (when
 * set) as a dashed line to read today against.
 */
public final class SpendChart {
    public static final int DAYS = 30;
    private static final String[] PALETTE = {"#58a6ff", "#3fb950", "#d29922", "#bc8cff", "#f85149", "#39c5cf", "#ff7b72", "#8b949e"};
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd");
    private static final int W = 480;
    private static final int H = 200;
    private static final int LEFT = 44;
    private static final int TOP = 22;
    private static final int PLOT = 130;

    private final Budget budget;
    private final Clock clock;

    public SpendChart(Paths paths, Clock clock) {
        this.budget = new Budget(paths.costLedger(), paths.unmetered(), clock);
        this.clock = clock;
    }

    /** Totals per local day and part (a runner or a kind), for the last DAYS days. */
    Map<LocalDate, Map<String, Double>> perDay(Function<Budget.Row, String> part) {
        LocalDate today = LocalDate.now(clock);
        LocalDate first = today.minusDays(DAYS - 1);
        Map<LocalDate, Map<String, Double>> days = new TreeMap<>();
        for (int i = 0; i < DAYS; i++) days.put(first.plusDays(i), new TreeMap<>());
        for (Budget.Row r : budget.rows()) {
            LocalDate d = LocalDate.ofInstant(r.ts(), clock.getZone());
            Map<String, Double> day = days.get(d);
            if (day != null) day.merge(part.apply(r).isBlank() ? "?" : part.apply(r), r.costUsd(), Double::sum);
        }
        return days;
    }

    public String byRunner(Double maxDaily) {
        return svg("by runner", perDay(Budget.Row::runner), maxDaily);
    }

    public String byKind(Double maxDaily) {
        return svg("by kind", perDay(Budget.Row::kind), maxDaily);
    }

    private String svg(String title, Map<LocalDate, Map<String, Double>> days, Double maxDaily) {
        List<String> parts = new ArrayList<>(new TreeSet<>(days.values().stream().flatMap(m -> m.keySet().stream()).toList()));
        double top = days.values().stream().mapToDouble(m -> m.values().stream().mapToDouble(Double::doubleValue).sum()).max().orElse(0);
        if (maxDaily != null) top = Math.max(top, maxDaily);
        top = top <= 0 ? 1 : top * 1.1;
        double slot = (W - LEFT - 8) / (double) DAYS;
        LocalDate today = LocalDate.now(clock);
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart spend\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" role=\"img\" aria-label=\"").append(Html.esc("spend per day " + title)).append("\">");
        s.append(String.format("<text x=\"%d\" y=\"%d\" class=\"axis\">%s</text>", LEFT, 11, Html.esc(title)));
        axis(s, top);
        int i = 0;
        for (Map.Entry<LocalDate, Map<String, Double>> day : days.entrySet()) {
            double x = LEFT + i * slot + 1;
            double y = TOP + PLOT;
            double total = 0;
            for (Map.Entry<String, Double> part : day.getValue().entrySet()) {
                double h = PLOT * part.getValue() / top;
                y -= h;
                total += part.getValue();
                s.append(String.format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>", x, y,
                        slot - 2, h, colour(parts, part.getKey()),
                        Html.esc(day.getKey() + " " + part.getKey() + " " + Budget.usd(part.getValue()))));
            }
            boolean isToday = day.getKey().equals(today);
            if (isToday || i % 5 == 0) {
                s.append(String.format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" class=\"axis%s\">%s</text>", isToday ? x + slot : x + slot / 2,
                        TOP + PLOT + 14, isToday ? "end" : "middle", isToday ? " today" : "", Html.esc(isToday ? "today" : day.getKey().format(DAY))));
            }
            if (isToday) {
                s.append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"none\" stroke=\"#c9d1d9\" stroke-width=\"1\"><title>%s</title></rect>",
                        x - 0.5, TOP, slot - 1, PLOT, Html.esc("today " + Budget.usd(total))));
            }
            i++;
        }
        if (maxDaily != null) {
            double y = TOP + PLOT - PLOT * maxDaily / top;
            s.append(String.format("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#f85149\" stroke-dasharray=\"4 3\"/>", LEFT, W - 8, y, y));
            s.append(String.format("<text x=\"%d\" y=\"%.1f\" class=\"axis cap\">%s</text>", LEFT + 4, y - 3,
                    Html.esc("max_daily_usd " + Budget.usd(maxDaily))));
        }
        legend(s, parts);
        return s.append("</svg>").toString();
    }

    private static void axis(StringBuilder s, double top) {
        for (int k = 0; k <= 2; k++) {
            double v = top * k / 2;
            double y = TOP + PLOT - PLOT * k / 2.0;
            s.append(String.format("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#30363d\"/>", LEFT, W - 8, y, y));
            s.append(String.format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"axis\">%s</text>", LEFT - 4, y + 4, Html.esc(Budget.usd(round(v)))));
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void legend(StringBuilder s, List<String> parts) {
        if (parts.isEmpty()) {
            s.append(String.format("<text x=\"%d\" y=\"%d\" class=\"legend\">no spend recorded in the last %d days</text>", LEFT, H - 8, DAYS));
            return;
        }
        int x = LEFT;
        for (String p : parts) {
            s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", x, H - 18, colour(parts, p)));
            s.append(String.format("<text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>", x + 14, H - 9, Html.esc(p)));
            x += 24 + Math.min(p.length(), 30) * 7;
        }
    }

    private static String colour(List<String> parts, String part) {
        return PALETTE[Math.max(0, parts.indexOf(part)) % PALETTE.length];
    }
}
