package looop.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import looop.io.UserError;

/**
 * The "mcp" section of looop.json: {"allow": ["merge", "discard"]}. `looop
 * mcp` offers a person's verbs to whatever agent the person connects; the
 * ones a person must approve in person (landing or throwing away a worker's
 * change) are offered only when named here. Checked where looop.json is
 * loaded, so a typo fails in one line instead of leaving a verb silently off
 * (or on).
 */
public final class McpSection {
    private McpSection() {}

    /** The verbs "allow" may name: the ones `looop mcp` keeps off by default. */
    public static final List<String> ALLOWABLE = List.of("merge", "discard");

    /** The verbs allowed; none when the section is absent or null. where names the file in errors. */
    public static Set<String> allow(JsonNode mcp, String where) {
        if (mcp == null || mcp.isNull() || mcp.isMissingNode()) return Set.of();
        String form = "{\"mcp\": {\"allow\": [\"merge\", \"discard\"]}}";
        if (!mcp.isObject()) throw new UserError(where + ": \"mcp\" must be an object such as " + form);
        for (Iterator<String> it = mcp.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!key.equals("allow")) throw new UserError(where + ": unknown key \"mcp\"." + key + "; the section takes only \"allow\", e.g. " + form);
        }
        JsonNode allow = mcp.get("allow");
        if (allow == null || allow.isNull()) return Set.of();
        if (!allow.isArray()) throw new UserError(where + ": \"mcp\".allow must be a list drawn from " + String.join(", ", ALLOWABLE) + ", e.g. " + form);
        Set<String> out = new TreeSet<>();
        for (JsonNode v : allow) {
            String verb = v.isTextual() ? v.textValue() : null;
            if (verb == null || !ALLOWABLE.contains(verb)) {
                throw new UserError(where + ": \"mcp\".allow may name only " + String.join(", ", ALLOWABLE) + ", got " + v
                        + "; every other verb is on already");
            }
            out.add(verb);
        }
        return Set.copyOf(out);
    }
}
