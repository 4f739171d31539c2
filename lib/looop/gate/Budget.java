// A module of its own: a script can pull it in with //SOURCES <checkout>/lib/looop/gate/Budget.java
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//SOURCES ../io/Fs.java ../io/FlatJson.java ../io/Json.java ../io/UserError.java ../fast/Instants.java
package looop.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import looop.fast.Instants;
import looop.io.ExitCode;
import looop.io.FlatJson;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;

/**
 * Money: the cost ledger (cost.jsonl), today's spend against max_daily_usd,
 * and the fail-closed breaker that stops spending through a runner whose cost
 * cannot be measured. It needs only the ledger file and the breaker's state
 * file (looop's: cost.jsonl and .cost-unmetered in the data dir).
 */
public final class Budget {
    /** Consecutive unmetered runs after which a budgeted profile stops calling the runner. */
    public static final int UNMETERED_LIMIT = 3;

    private final Path ledger;
    private final Path breakerState;
    private final Clock clock;

    /** A budget over the ledger (JSON lines) and the breaker's state file; clock's zone says where a day ends. */
    public Budget(Path ledger, Path breakerState, Clock clock) {
        this.ledger = ledger;
        this.breakerState = breakerState;
        this.clock = clock;
    }

    /** One ledger row; unmetered: the runner reported no cost, so $0 stands for "unknown". */
    public record Row(Instant ts, String kind, String id, String runner, double costUsd, boolean unmetered) {}

    /** Appends a row when usd > 0; a run that cost nothing leaves no row. */
    public void record(String kind, String id, String runner, double usd) {
        if (!(usd > 0)) return;
        // flat and written by FlatJson: `_ cost` then starts no ObjectMapper
        Fs.appendLine(ledger, FlatJson.write(Map.of("ts", Instants.rfc3339(clock.instant()), "kind", kind, "id", id,
                "runner", runner, "cost_usd", usd)), true);
    }

    /**
     * A decide that cost nothing, or reported no cost (unmetered), is still a
     * call: it gets a $0 row, so `looop cost` counts every call the loop made
     * and says how many of them it could not price.
     */
    public void recordFreeCall(String kind, String id, String runner, boolean unmetered) {
        Map<String, Object> row = new java.util.LinkedHashMap<>(Map.of("ts", Instants.rfc3339(clock.instant()), "kind", kind, "id", id,
                "runner", runner, "cost_usd", 0.0));
        if (unmetered) row.put("unmetered", true);
        Fs.appendLine(ledger, FlatJson.write(row), true);
    }

    /** Every readable row; torn or foreign lines are skipped. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String line : Fs.readOr(ledger, "").split("\n")) {
            JsonNode n = Json.parseOrNull(line);
            if (n == null || !n.path("cost_usd").isNumber()) continue;
            try {
                rows.add(new Row(Instant.parse(n.path("ts").asText()), n.path("kind").asText(), n.path("id").asText(),
                        n.path("runner").asText(), n.get("cost_usd").asDouble(), n.path("unmetered").asBoolean(false)));
            } catch (DateTimeParseException e) {
                // a row without a usable time cannot be placed in a day; skip it
            }
        }
        return rows;
    }

    public boolean isToday(Row r) {
        return LocalDate.ofInstant(r.ts(), clock.getZone()).equals(LocalDate.now(clock));
    }

    /** Spend in the local day so far. */
    public double spentToday() {
        return rows().stream().filter(this::isToday).mapToDouble(Row::costUsd).sum();
    }

    /** The cost recorded for one run id, or null. */
    public Double costOf(String id) {
        Double found = null;
        for (Row r : rows()) if (r.id().equals(id) && !r.unmetered()) found = r.costUsd();
        return found;
    }

    /** The signature the breaker watches: changing runner or adding a cost spec re-arms it. */
    public static String signature(String runner, boolean hasCostSpec) {
        return runner + "|" + hasCostSpec;
    }

    public boolean unmeteredBlocked(String signature) {
        JsonNode n = Json.parseOrNull(Fs.readOr(breakerState, ""));
        return n != null && signature.equals(n.path("sig").asText()) && n.path("count").asInt() >= UNMETERED_LIMIT;
    }

    /** Counts one more unmetered run at signature; returns the consecutive count. */
    public int recordUnmetered(String signature) {
        JsonNode n = Json.parseOrNull(Fs.readOr(breakerState, ""));
        int count = n != null && signature.equals(n.path("sig").asText()) ? n.path("count").asInt() + 1 : 1;
        ObjectNode state = Json.object();
        state.put("sig", signature);
        state.put("count", count);
        Fs.writeAtomic(breakerState, Json.canonical(state) + "\n");
        return count;
    }

    public void clearUnmetered() {
        Fs.delete(breakerState);
    }

    /** Totals for `looop cost`: overall, calls, by kind and by runner. */
    public record Summary(double total, int calls, int unmetered, Map<String, Double> byKind, Map<String, Double> byRunner) {}

    public Summary summarize(boolean todayOnly) {
        double total = 0;
        int calls = 0;
        int unmetered = 0;
        Map<String, Double> byKind = new TreeMap<>();
        Map<String, Double> byRunner = new TreeMap<>();
        for (Row r : rows()) {
            if (todayOnly && !isToday(r)) continue;
            total += r.costUsd();
            calls++;
            if (r.unmetered()) unmetered++;
            byKind.merge(r.kind(), r.costUsd(), Double::sum);
            byRunner.merge(r.runner(), r.costUsd(), Double::sum);
        }
        return new Summary(total, calls, unmetered, byKind, byRunner);
    }

    public static ObjectNode summaryJson(String period, Summary s) {
        ObjectNode out = Json.object();
        out.put("period", period);
        out.put("total_usd", s.total());
        out.put("calls", s.calls());
        out.put("unmetered_calls", s.unmetered());
        ObjectNode kinds = out.putObject("by_kind");
        s.byKind().forEach(kinds::put);
        ObjectNode runners = out.putObject("by_runner");
        s.byRunner().forEach(runners::put);
        return out;
    }

    public static String summaryText(String period, Summary s) {
        StringBuilder out = new StringBuilder();
        out.append(period).append(": ").append(usd(s.total())).append(" in ").append(s.calls())
                .append(s.calls() == 1 ? " call" : " calls")
                .append(s.unmetered() == 0 ? "\n" : " (" + s.unmetered() + " unmetered: the runner reported no cost)\n");
        appendBreakdown(out, "by kind:  ", s.byKind());
        appendBreakdown(out, "by runner:", s.byRunner());
        return out.toString();
    }

    private static void appendBreakdown(StringBuilder out, String label, Map<String, Double> parts) {
        if (parts.isEmpty()) return;
        out.append("  ").append(label);
        parts.forEach((k, v) -> out.append(' ').append(k).append(' ').append(usd(v)));
        out.append('\n');
    }

    /** A dollar amount typed by a worker or a person: a plain number ≥ 0 (a leading $ is fine). */
    public static double parseUsd(String text) {
        String t = text == null ? "" : text.strip();
        if (t.startsWith("$")) t = t.substring(1);
        try {
            double v = Double.parseDouble(t);
            if (v >= 0 && Double.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // fall through to the one-line error
        }
        throw new UserError("'" + text + "' is not a dollar amount; give a number like 0.0123", ExitCode.USAGE);
    }

    /** `$` with at most 4 decimals, trailing zeros trimmed: $0.0075, $1.5, $0. */
    public static String usd(double amount) {
        BigDecimal d = BigDecimal.valueOf(amount).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
        return "$" + (d.signum() == 0 ? "0" : d.toPlainString());
    }
}
