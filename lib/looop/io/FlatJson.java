package looop.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small flat JSON objects (a lease, a ledger row) read and written with
 * Jackson's streaming parser and generator, without starting an ObjectMapper:
 * that start costs a one-shot verb such as `_ claim` or `_ cost` about 80 ms
 * of CPU (bench/README.md), more than the rest of its work. The bytes are
 * exactly those of {@link Json#canonical} for the same object, and a field
 * reads exactly as {@code Json.text(Json.parseOrNull(text), field)}.
 */
public final class FlatJson {
    private FlatJson() {}

    private static final JsonFactory FACTORY = new JsonFactory();

    /** Compact JSON of one object, keys sorted; values are strings, numbers, booleans or null. */
    public static String write(Map<String, ?> fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (var e : new TreeMap<>(fields).entrySet()) {
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v == null) g.writeNull();
                else if (v instanceof String s) g.writeString(s);
                else if (v instanceof Double d) g.writeNumber(d);
                else if (v instanceof Long l) g.writeNumber(l);
                else if (v instanceof Integer i) g.writeNumber(i);
                else if (v instanceof Boolean b) g.writeBoolean(b);
                else throw new IllegalArgumentException("not a flat JSON value: " + v.getClass());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to a String does no I/O
        }
        return out.toString();
    }

    /**
     * A string field of one JSON object, or null when the text is not exactly
     * one valid JSON value, or has no such field, or it is null. A field that
     * is not a string (rare: none of looop's own files write one) is read by
     * the tree parser, which prints it as JSON.
     */
    public static String text(String json, String field) {
        String last = null;
        boolean found = false;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return Json.text(Json.parseOrNull(json), field);
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                boolean wanted = field.equals(p.currentName());
                JsonToken v = p.nextToken();
                if (wanted && v == JsonToken.VALUE_STRING) {
                    last = p.getText();
                    found = true;
                } else if (wanted && v == JsonToken.VALUE_NULL) {
                    last = null;
                    found = true;
                } else if (wanted) {
                    return Json.text(Json.parseOrNull(json), field);
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) return null; // a second value: Json.parse refuses the whole text
        } catch (IOException e) {
            return null; // not valid JSON: Json.parseOrNull's null
        }
        return found ? last : null;
    }
}
