package looop.act.moves;

import com.fasterxml.jackson.databind.JsonNode;
import looop.io.Ids;
import looop.io.UserError;

/** One field of an action and how it is checked. label names an id in messages ("goal id"); only ID fields have one. */
public record Field(String name, Rule rule, String label) {
    /** Ten years: further off than any wake-up a loop means, and far inside what an Instant holds. */
    static final double MAX_SECONDS = 10 * 366 * 86_400.0;

    /** How a field is checked; `what` completes "must be …" in the error message. */
    public enum Rule {
        TEXT("a string"),
        NONBLANK("a non-empty string"),
        OPTIONAL("a string"),
        ID("a string"),
        WORKER("a string"),
        KEYS("a non-empty array of key names like [\"Enter\"]"),
        WORKERS("an array of worker ids like [\"w1\"]"),
        SECONDS("a positive number of seconds");

        final String what;

        Rule(String what) {
            this.what = what;
        }
    }

    public static Field text(String name) {
        return new Field(name, Rule.TEXT, null);
    }

    public static Field nonBlank(String name) {
        return new Field(name, Rule.NONBLANK, null);
    }

    public static Field optional(String name) {
        return new Field(name, Rule.OPTIONAL, null);
    }

    public static Field id(String name, String label) {
        return new Field(name, Rule.ID, label);
    }

    public static Field worker(String name) {
        return new Field(name, Rule.WORKER, null);
    }

    public static Field keys(String name) {
        return new Field(name, Rule.KEYS, null);
    }

    /** An optional array of worker ids (start_worker's "after"). */
    public static Field workers(String name) {
        return new Field(name, Rule.WORKERS, null);
    }

    /** An optional positive number of seconds (in_s, every_s). */
    public static Field seconds(String name) {
        return new Field(name, Rule.SECONDS, null);
    }

    /** As the action tables show it: optional fields end in ?, arrays in []. */
    String shown() {
        return name + (rule == Rule.OPTIONAL || rule == Rule.SECONDS ? "?" : rule == Rule.KEYS ? "[]" : rule == Rule.WORKERS ? "[]?" : "");
    }

    void check(String action, JsonNode root) {
        JsonNode v = root.get(name);
        if ((rule == Rule.OPTIONAL || rule == Rule.SECONDS || rule == Rule.WORKERS) && !present(v)) return;
        if (!present(v)) throw new UserError(action + " needs \"" + name + "\" (" + rule.what + ")");
        if (rule == Rule.KEYS) {
            checkKeys(action, v);
            return;
        }
        if (rule == Rule.WORKERS) {
            checkWorkers(action, v);
            return;
        }
        if (rule == Rule.SECONDS) {
            if (!v.isNumber() || !(v.doubleValue() > 0) || v.doubleValue() > MAX_SECONDS) throw wrong(action, v);
            return;
        }
        if (!v.isTextual() || (rule == Rule.NONBLANK && v.textValue().isBlank())) throw wrong(action, v);
        if (rule == Rule.ID) Ids.check(label, v.textValue());
        if (rule == Rule.WORKER) Ids.worker(v.textValue());
    }

    private void checkKeys(String action, JsonNode v) {
        if (!v.isArray() || v.isEmpty()) throw wrong(action, v);
        for (int i = 0; i < v.size(); i++) {
            JsonNode key = v.get(i);
            if (!key.isTextual() || key.textValue().isBlank()) {
                throw new UserError(action + ": \"" + name + "\"[" + i + "] must be a key name like \"Enter\" or \"C-c\", got " + kind(key));
            }
        }
    }

    private void checkWorkers(String action, JsonNode v) {
        if (!v.isArray()) throw wrong(action, v);
        for (int i = 0; i < v.size(); i++) {
            JsonNode id = v.get(i);
            if (!id.isTextual() || id.textValue().isBlank()) {
                throw new UserError(action + ": \"" + name + "\"[" + i + "] must be a worker id like \"w1\", got " + kind(id));
            }
            Ids.worker(id.textValue());
        }
    }

    private UserError wrong(String action, JsonNode v) {
        return new UserError(action + ": \"" + name + "\" must be " + rule.what + ", got " + kind(v));
    }

    public static boolean present(JsonNode v) {
        return v != null && !v.isNull();
    }

    /** What a value is, for "got …" in messages. */
    public static String kind(JsonNode v) {
        if (v.isTextual()) return v.textValue().isEmpty() ? "an empty string" : v.textValue().isBlank() ? "a blank string" : "a string";
        if (v.isArray()) return v.isEmpty() ? "an empty array" : "an array";
        if (v.isObject()) return "an object";
        if (v.isNumber()) return "a number";
        if (v.isBoolean()) return "a boolean";
        return "null";
    }
}
