package looop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Json builds and prints trees with the streaming API instead of an
 * ObjectMapper (start-up cost): here the two sit side by side on the same
 * texts, and must give equal trees (node types included), equal bytes and
 * equal error lines.
 */
class JsonTest {
    /** The mapper Json used to be: keys sorted on write. */
    static final ObjectMapper MAPPER = JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

    static final List<String> TEXTS = List.of(
            "{}", "[]", "{ }", "[ ]", "null", "true", "false", "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "999999999999999999",
            "1000000000000000000", "-999999999999999999", "9999999999999999999", "123456789012345678901234567890",
            "0.1", "-0.0", "1e3", "1E-7", "1.5e300", "2.5e-300", "3.0", "0.30000000000000004", "1e400",
            "\"\"", "\"plain\"", "\"quote \\\" back \\\\ slash \\/ tab \\t nl \\n \\u0001 \\u00e9 \\ud83d\\ude00\"", "\"ünï ⚑ 😀\"",
            "{\"b\":1,\"a\":2,\"B\":3,\"_\":4,\"é\":5,\"aa\":6,\"\":7}", "{\"k\":1,\"k\":2}", "{\"k\":{\"x\":1},\"k\":[2]}",
            "{\"nested\":{\"z\":[1,{\"y\":null,\"x\":[true,false,[]]}],\"a\":{}}}", "[1,\"two\",3.0,null,[[[]]],{\"k\":\"v\"}]",
            "  {\"spaces\" :  [ 1 , 2 ]  }  ", "{\"action\":\"noop\",\"reason\":\"nothing changed\"}");

    @Test
    void readsTheTreeTheMapperReads() throws Exception {
        for (String text : corpus()) {
            JsonNode mine = Json.parse(text), theirs = MAPPER.readTree(text);
            assertEquals(theirs, mine, text);
            assertEquals(shape(theirs), shape(mine), text);
        }
    }

    @Test
    void writesTheBytesTheMapperWrites() throws Exception {
        for (String text : corpus()) {
            JsonNode node = MAPPER.readTree(text);
            assertEquals(MAPPER.writeValueAsString(node), Json.canonical(node), text);
            assertEquals(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node), Json.pretty(node), text);
        }
        var built = Json.object().put("f", 1.5f).put("d", new java.math.BigDecimal("1.50")).put("l", 5L).put("s", (short) 3);
        built.putArray("a").add(1).add("x");
        assertEquals(MAPPER.writeValueAsString(built), Json.canonical(built));
        assertEquals(MAPPER.writeValueAsString(MAPPER.getNodeFactory().textNode("a \"q\" \u0007")), Json.quote("a \"q\" \u0007"));
    }

    @Test
    void refusesWhatItRefusedWithTheSameLine() {
        for (String bad : List.of("", "   ", "{", "[1,", "{\"a\"}", "{\"a\":}", "[1 2]", "tru", "01", "\"open", "{\"a\":1} {}", "1 2", "{} x",
                "NaN", "'single'", "{a:1}", "[1,]", "\"\\x\"", "[" + "[".repeat(3000) + "]".repeat(3001))) {
            String expected = describe(() -> mapperParse(bad));
            assertEquals(expected, describe(() -> Json.parse(bad)), bad);
        }
        assertThrows(JsonProcessingException.class, () -> Json.parse("{\"a\":1}\n{\"b\":2}"));
    }

    @Test
    void textOfAScalarIsItsJson() {
        JsonNode n = Json.parseOrNull("{\"s\":\"x\",\"i\":3,\"d\":0.5,\"b\":true,\"n\":null,\"big\":12345678901234567890}");
        assertEquals("x", Json.text(n, "s"));
        assertEquals("3", Json.text(n, "i"));
        assertEquals("0.5", Json.text(n, "d"));
        assertEquals("true", Json.text(n, "b"));
        assertEquals(null, Json.text(n, "n"));
        assertEquals("12345678901234567890", Json.text(n, "big"));
        for (String absent : List.of("", " ", "\n\t ", "{", "nope")) assertEquals(null, Json.parseOrNull(absent), absent);
    }

    /** The texts above and every line of the real runner CLIs' output in tests/fixtures. */
    static List<String> corpus() throws Exception {
        List<String> all = new ArrayList<>(TEXTS);
        try (var files = Files.list(Path.of("tests", "fixtures"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                Files.readAllLines(f).stream().filter(l -> !l.isBlank()).forEach(all::add);
            }
        }
        return all;
    }

    /** Node types all the way down: IntNode and LongNode of one value are not equal, but make sure. */
    static String shape(JsonNode n) {
        StringBuilder b = new StringBuilder(n.getClass().getSimpleName());
        if (n.isContainerNode()) {
            b.append('(');
            n.properties().forEach(e -> b.append(e.getKey()).append('=').append(shape(e.getValue())).append(','));
            if (n.isArray()) n.forEach(item -> b.append(shape(item)).append(','));
            b.append(')');
        }
        return b.toString();
    }

    /** What Json.parse did with the mapper: one value, nothing after it. */
    static JsonNode mapperParse(String text) throws Exception {
        try (JsonParser p = MAPPER.createParser(text)) {
            JsonNode node = MAPPER.readTree(p);
            if (node == null) throw new JsonParseException(p, "no JSON value (empty input)");
            if (p.nextToken() != null) throw new JsonParseException(p, "more than one JSON value", p.currentTokenLocation());
            return node;
        }
    }

    interface Parse {
        Object run() throws Exception;
    }

    static String describe(Parse parse) {
        try {
            parse.run();
            return "parsed";
        } catch (JsonProcessingException e) {
            return Json.describe(e);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
