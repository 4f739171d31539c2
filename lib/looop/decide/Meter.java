package looop.decide;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;

/**
 * Reads what a runner's stream says it cost. With a cost spec only the spec
 * counts: dollars at its pointer, or its token counts times the user's prices
 * (USD per million tokens). Without one, claude's `result.total_cost_usd` (a
 * run total) and pi's `message_end` `message.usage.cost.total` (summed) are
 * recognised.
 */
public final class Meter {
    private static final JsonPointer PI_MESSAGE_COST = JsonPointer.compile("/message/usage/cost/total");

    private final Config.CostSpec spec;
    private final JsonPointer specPointer;
    private final Map<String, JsonPointer> tokenPointers = new LinkedHashMap<>();
    // BigDecimal so that summing per-message costs prints what the runner said
    // (0.00375 + 0.00375 is 0.0075, not 0.007500000000000001).
    private BigDecimal sum;
    private BigDecimal total;

    public Meter(Config.CostSpec spec) {
        this.spec = spec;
        this.specPointer = spec == null || spec.pointer() == null ? null : pointer(spec.pointer());
        if (spec != null && spec.tokens() != null) spec.tokens().forEach((name, p) -> tokenPointers.put(name, pointer(p)));
    }

    private static JsonPointer pointer(String text) {
        try {
            return JsonPointer.compile(text);
        } catch (IllegalArgumentException e) {
            throw new UserError("cost pointer '" + text + "' is not a JSON pointer (" + e.getMessage()
                    + "); fix the runner's \"cost\" in looop.json");
        }
    }

    /** Feeds one line of the runner's merged stdout+stderr. */
    public void accept(String line) {
        JsonNode event = event(line);
        if (event == null) return;
        if (spec != null) acceptBySpec(event);
        else acceptBuiltin(event);
    }

    private void acceptBySpec(JsonNode event) {
        if (!spec.type().equals(Json.text(event, "type"))) return;
        BigDecimal v = specPointer != null ? number(event.at(specPointer)) : priced(event);
        if (v == null) return;
        if (spec.sum()) sum = add(sum, v);
        else total = v;
    }

    /** The dollars an event's token counts come to at the spec's prices; null when it counts none. */
    private BigDecimal priced(JsonNode event) {
        BigDecimal usd = null;
        for (var e : tokenPointers.entrySet()) {
            BigDecimal n = number(event.at(e.getValue()));
            BigDecimal price = spec.usdPerMtok() == null ? null : spec.usdPerMtok().get(e.getKey());
            if (n == null || price == null) continue;
            usd = add(usd, n.multiply(price).divide(MILLION));
        }
        return usd;
    }

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private void acceptBuiltin(JsonNode event) {
        String type = Json.text(event, "type");
        if ("result".equals(type)) {
            BigDecimal v = number(event.get("total_cost_usd"));
            if (v != null) total = v;
        } else if ("message_end".equals(type)) {
            // only message_end: message_update and turn_end repeat the same usage
            BigDecimal v = number(event.at(PI_MESSAGE_COST));
            if (v != null) sum = add(sum, v);
        }
    }

    private static BigDecimal number(JsonNode n) {
        return n != null && n.isNumber() ? n.decimalValue() : null;
    }

    private static BigDecimal add(BigDecimal acc, BigDecimal v) {
        return acc == null ? v : acc.add(v);
    }

    /**
     * Dollars the stream reported, or null when it reported none. A run total
     * (claude's result, a "total" spec) wins over a sum: it already includes
     * every message, so adding the two would count spend twice.
     */
    public Double cost() {
        BigDecimal c = total != null ? total : sum;
        return c == null ? null : c.doubleValue();
    }

    /**
     * One stream line as a JSON object, or null for anything else (plain text,
     * a bare JSON value, a truncated line). Shared with Render, which reads the
     * same stream.
     */
    static JsonNode event(String line) {
        if (line == null || !line.stripLeading().startsWith("{")) return null;
        JsonNode n = Json.parseOrNull(line);
        return n != null && n.isObject() ? n : null;
    }
}
