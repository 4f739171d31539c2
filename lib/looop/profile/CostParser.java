package looop.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import looop.io.Json;
import looop.io.UserError;

/**
 * A runner's "cost" in looop.json, read and written. Two shapes:
 *
 *   {"type": "result", "pointer": "/total_cost_usd", "mode": "total"}        dollars the CLI reports
 *   {"type": "turn.completed", "mode": "sum",                                tokens the user prices
 *    "tokens": {"input": "/usage/input_tokens", "output": "/usage/output_tokens"},
 *    "usd_per_mtok": {"input": 3, "output": 15}}
 *
 * On a preset's runner every field but the prices may be left out: the
 * preset's own type, mode and pointers stand, so pricing codex is just
 * {"usd_per_mtok": {"input": 1.25, "output": 10}}. A token count without a
 * price leaves the spec unpriced, which meters nothing (the beat counts as
 * unmetered) rather than guess a price.
 */
public final class CostParser {
    private CostParser() {}

    /** A price no one means to reach, so that sums stay exact in a double. */
    static final BigDecimal MAX_USD_PER_MTOK = BigDecimal.valueOf(1_000_000);

    /** The spec c describes over the preset's (null: none), or null when it meters nothing. */
    public static Config.CostSpec parse(String where, String runner, JsonNode c, Config.CostSpec preset) {
        if (c == null || c.isNull()) return null;
        String at = where + ": runner '" + runner + "' \"cost\"";
        if (!c.isObject()) throw new UserError(at + " must be an object: " + SHAPES);
        String type = text(c, "type", preset == null ? null : preset.type());
        if (type == null) throw new UserError(at + " needs a \"type\" (the event type that carries the spend): " + SHAPES);
        boolean sum = mode(at, c, preset == null || preset.sum());
        boolean ownShape = c.has("pointer") || c.has("tokens");
        if (c.hasNonNull("pointer") && c.hasNonNull("tokens")) throw new UserError(at + " has both \"pointer\" and \"tokens\"; keep one: " + SHAPES);
        String pointer = ownShape ? (c.hasNonNull("pointer") ? pointer(at, c.get("pointer")) : null) : preset == null ? null : preset.pointer();
        Map<String, String> tokens = ownShape ? tokens(at, c.get("tokens")) : preset == null ? null : preset.tokens();
        if (pointer == null && tokens == null) throw new UserError(at + " needs a \"pointer\" to dollars or \"tokens\" to price: " + SHAPES);
        Map<String, BigDecimal> prices = prices(at, c.get("usd_per_mtok"), tokens);
        if (pointer != null) return Config.CostSpec.dollars(type, pointer, sum);
        Config.CostSpec spec = Config.CostSpec.tokens(type, sum, tokens, prices);
        return spec.priced() ? spec : null;
    }

    static final String SHAPES = "{\"type\": event type, \"pointer\": \"/json/pointer\", \"mode\": \"sum\"|\"total\"} or "
            + "{\"type\": …, \"tokens\": {\"input\": \"/pointer\", …}, \"usd_per_mtok\": {\"input\": 3, …}} (docs/runners.md)";

    private static String text(JsonNode c, String field, String fallback) {
        return c.hasNonNull(field) ? c.get(field).asText() : fallback;
    }

    private static boolean mode(String at, JsonNode c, boolean fallback) {
        if (!c.hasNonNull("mode")) return fallback;
        String mode = c.get("mode").asText();
        if (!mode.equals("sum") && !mode.equals("total")) throw new UserError(at + " mode must be \"sum\" or \"total\", got '" + mode + "'");
        return mode.equals("sum");
    }

    private static String pointer(String at, JsonNode v) {
        String p = v.asText();
        if (!v.isTextual() || !p.startsWith("/")) throw new UserError(at + " pointer must be a JSON pointer like /usage/cost, got " + v);
        return p;
    }

    private static Map<String, String> tokens(String at, JsonNode t) {
        if (t == null || t.isNull()) return null;
        if (!t.isObject() || t.isEmpty()) throw new UserError(at + " \"tokens\" must map a name to a JSON pointer, like {\"input\": \"/usage/input_tokens\"}");
        Map<String, String> m = new LinkedHashMap<>();
        t.properties().forEach(e -> m.put(e.getKey(), pointer(at + " tokens." + e.getKey(), e.getValue())));
        return m;
    }

    /** Prices by token name; a null price is not set yet. A name that counts nothing is a typo, refused. */
    private static Map<String, BigDecimal> prices(String at, JsonNode p, Map<String, String> tokens) {
        if (p == null || p.isNull()) return null;
        if (tokens == null) throw new UserError(at + " has \"usd_per_mtok\" but reports dollars, not tokens; drop the prices or use \"tokens\"");
        if (!p.isObject()) throw new UserError(at + " \"usd_per_mtok\" must map a token name to USD per million tokens, like {\"input\": 3, \"output\": 15}");
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        for (var e : p.properties()) {
            if (!tokens.containsKey(e.getKey())) {
                throw new UserError(at + " prices '" + e.getKey() + "', which \"tokens\" does not count; priced names: " + String.join(", ", tokens.keySet()));
            }
            JsonNode v = e.getValue();
            if (v.isNull()) continue;
            if (!v.isNumber() || v.decimalValue().signum() < 0 || v.decimalValue().compareTo(MAX_USD_PER_MTOK) > 0) {
                throw new UserError(at + " usd_per_mtok." + e.getKey() + " must be a dollar amount from 0 to " + MAX_USD_PER_MTOK + ", or null, got " + v);
            }
            m.put(e.getKey(), v.decimalValue());
        }
        return m;
    }

    /**
     * A token spec as looop.json spells it, prices left null for the user to
     * fill: what `looop init` writes for a CLI that reports only tokens.
     */
    public static ObjectNode unpricedJson(Config.CostSpec spec) {
        ObjectNode n = Json.object();
        n.put("type", spec.type());
        n.put("mode", spec.sum() ? "sum" : "total");
        ObjectNode tokens = n.putObject("tokens");
        spec.tokens().forEach(tokens::put);
        ObjectNode prices = n.putObject("usd_per_mtok");
        spec.tokens().keySet().forEach(prices::putNull);
        return n;
    }
}
