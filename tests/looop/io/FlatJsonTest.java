package looop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FlatJson is a cheaper road to the same bytes and values as the tree mapper. */
class FlatJsonTest {
    @Test
    void writesTheBytesTheMapperWrites() {
        for (String s : List.of("plain", "quote \" and \\ back", "tab\tnew\nline\u0001", "ünï ⚑ 😀", "/slash", "")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("z", s);
            m.put("a", 0.1 + 0.2);
            m.put("m", 12L);
            m.put("b", true);
            m.put("n", null);
            var node = Json.object().put("z", s).put("a", 0.1 + 0.2).put("m", 12L).put("b", true).putNull("n");
            assertEquals(Json.canonical(node), FlatJson.write(m), s);
        }
        assertEquals(Json.canonical(Json.object().put("usd", 1e-7)), FlatJson.write(Map.of("usd", 1e-7)));
    }

    @Test
    void readsAFieldAsTheTreeParserDoes() {
        for (String text : List.of("{\"session\":\"w1\"}", "{\"name\":\"x\",\"session\":\"w\\u00e9 \\\"q\\\"\"}", "{\"session\":null}",
                "{\"session\":12}", "{\"session\":{\"a\":[1,2]}}", "{\"other\":[{\"session\":\"no\"}],\"session\":\"yes\"}", "{}",
                "{\"session\":\"a\",\"session\":\"b\"}", "{\"session\":\"w1\"} {}", "{\"session\":\"w1\"", "[\"session\"]", "\"w1\"",
                "", "  ", "garbage", "{\"session\":\"w1\"}\n", "null")) {
            assertEquals(Json.text(Json.parseOrNull(text), "session"), FlatJson.text(text, "session"), text);
        }
    }
}
