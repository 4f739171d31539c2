//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//SOURCES FlatJson.java
package looop.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The one JSON toolkit: trees (Jackson's JsonNode) parsed and printed with
 * Jackson's streaming parser and generator, and the canonical form the world
 * hash needs. No ObjectMapper: starting one (its type factory, serializer
 * caches, date formats) costs a one-shot command 40–80 ms, more than all its
 * own work (docs/performance.md). The trees and bytes are exactly what
 * a default ObjectMapper reads and (with sorted keys) writes; JsonTest holds
 * the two side by side.
 */
public final class Json {
    private Json() {}

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** A list of strings as a JSON array. */
    public static ArrayNode array(Collection<String> texts) {
        ArrayNode a = array();
        for (String t : texts) a.add(t);
        return a;
    }

    /**
     * Parses exactly one JSON value; throws JsonProcessingException with the
     * parse position on bad input. A second value after the first is refused:
     * silently keeping only the first would hide half of what was written.
     */
    public static JsonNode parse(String text) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) throw new JsonParseException(p, "no JSON value (empty input)");
            JsonNode node = read(p);
            if (p.nextToken() != null) throw new JsonParseException(p, "more than one JSON value", p.currentTokenLocation());
            return node;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does no I/O
        }
    }

    /**
     * The value at the parser's current token, as ObjectMapper.readTree builds
     * it: ints as int, long or big nodes by size, other numbers as doubles, a
     * repeated key's last value. Depth is bounded by the parser's own nesting
     * limit (StreamReadConstraints), so the recursion is too.
     */
    private static JsonNode read(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = object();
                // nextFieldName, as the mapper reads objects: a bad value after a colon then fails with the mapper's words
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    p.nextToken();
                    o.set(name, read(p));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = array();
                while (p.nextToken() != JsonToken.END_ARRAY) a.add(read(p));
                return a;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return integer(p);
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new JsonParseException(p, "unexpected " + p.currentToken());
        }
    }

    /**
     * An integer token as the mapper types it: int, long, else big. One that
     * fits a long is read from its text here: Jackson's own number reading
     * (NumberInput) compiles two regexes in its static init, milliseconds of
     * every one-shot command that reads a number.
     */
    private static JsonNode integer(JsonParser p) throws IOException {
        String digits = p.getText();
        if (fitsLong(digits)) {
            long v = Long.parseLong(digits);
            return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
        }
        return switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
        };
    }

    /** Whether a JSON integer's text (an optional '-', then digits, no leading zero) is within a long's range. */
    private static boolean fitsLong(String digits) {
        boolean negative = digits.startsWith("-");
        int n = digits.length() - (negative ? 1 : 0);
        if (n != 19) return n < 19;
        // as many digits as the limit: digit strings of one length compare as their numbers do
        return digits.substring(negative ? 1 : 0).compareTo(negative ? "9223372036854775808" : "9223372036854775807") <= 0;
    }

    /** Parses text or returns null: for readers that treat bad JSON as absent. */
    public static JsonNode parseOrNull(String text) {
        // an absent file reads as "": no parser, and no exception built to say so
        if (text.isBlank()) return null;
        try {
            return parse(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Compact JSON with object keys sorted and no spaces. */
    public static String canonical(JsonNode node) {
        return print(node, false);
    }

    /** text as a JSON string literal, quotes and escapes included. */
    public static String quote(String text) {
        return canonical(NODES.textNode(text));
    }

    /** Indented as ObjectMapper's default pretty printer indents, keys sorted. */
    public static String pretty(JsonNode node) {
        return print(node, true);
    }

    private static String print(JsonNode node, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) g.setPrettyPrinter(new DefaultPrettyPrinter());
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing a String does no I/O
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                List<String> names = new ArrayList<>(node.size());
                for (java.util.Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
                Collections.sort(names); // String order, as WRITE_PROPERTIES_SORTED's TreeMap
                for (String name : names) {
                    g.writeFieldName(name);
                    write(g, node.get(name));
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode item : node) write(g, item);
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case NUMBER -> writeNumber(g, node);
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL, MISSING -> g.writeNull();
            case BINARY -> g.writeBinary(node.binaryValue());
            case POJO -> throw new IllegalArgumentException("a JSON tree of looop's holds no Java objects");
        }
    }

    private static void writeNumber(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.numberType()) {
            case INT -> g.writeNumber(n.intValue());
            case LONG -> g.writeNumber(n.longValue());
            case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
            case FLOAT -> g.writeNumber(n.floatValue());
            case DOUBLE -> g.writeNumber(n.doubleValue());
            case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
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
        return v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : canonical(v);
    }
}
