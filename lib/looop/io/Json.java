//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//SOURCES FlatJson.java
package looop.io;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** The one JSON toolkit: a shared mapper and the canonical form the world hash needs. */
public final class Json {
    private Json() {}

    /** Writes object keys sorted, so the same value always prints the same bytes. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .build();

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Parses exactly one JSON value; throws JsonProcessingException with the
     * parse position on bad input. A second value after the first is refused:
     * silently keeping only the first would hide half of what was written.
     */
    public static JsonNode parse(String text) throws JsonProcessingException {
        try (JsonParser p = MAPPER.createParser(text)) {
            JsonNode node = MAPPER.readTree(p);
            if (node == null) throw new JsonParseException(p, "no JSON value (empty input)");
            if (p.nextToken() != null) throw new JsonParseException(p, "more than one JSON value", p.currentTokenLocation());
            return node;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does no I/O
        }
    }

    /** Parses text or returns null: for readers that treat bad JSON as absent. */
    public static JsonNode parseOrNull(String text) {
        try {
            return parse(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Compact JSON with object keys sorted and no spaces. */
    public static String canonical(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    public static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** One line of a parse error: "line L, column C: reason". */
    public static String describe(JsonProcessingException e) {
        var loc = e.getLocation();
        String reason = e.getOriginalMessage().split("\n")[0];
        if (loc == null) return reason;
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + reason;
    }

    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
    }

    /** A time as JSON rows carry it: UTC, whole seconds, 2026-11-23T23:53:56Z. */
    public static String rfc3339(Instant t) {
        return FlatJson.rfc3339(t);
    }
}
