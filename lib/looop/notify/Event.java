package looop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import looop.io.Json;

/**
 * Something a person should hear of. id identifies it for good: the outbox
 * keeps one copy per id, so an event recorded twice (by two processes, or
 * again after a crash) goes out once. fields carries what a kind adds (an
 * ask's question and options, a worker's exit code).
 */
public record Event(String id, String kind, String title, String text, Instant ts, ObjectNode fields) {
    public static final String ASK = "ask";
    public static final String WORKER_EXIT = "worker_exit";
    public static final String WORKER_BLOCKED = "worker_blocked";
    public static final String BEAT_FAILED = "beat_failed";
    public static final String BUDGET = "budget";
    public static final String NOTIFICATION = "notification";
    public static final String USAGE_LIMIT = "usage_limit";
    /** Every kind, in this order: the list a channel's "on" is checked against, where looop.json is loaded. */
    public static final List<String> KINDS = looop.profile.NotifySection.EVENTS;

    public Event {
        fields = fields == null ? Json.object() : fields;
    }

    /** The one JSON object every channel starts from: event, id, title, text, ts, then the kind's fields. */
    public ObjectNode json() {
        ObjectNode o = fields.deepCopy();
        o.put("event", kind);
        o.put("id", id);
        o.put("title", title);
        o.put("text", text);
        o.put("ts", ts.toString());
        return o;
    }

    static Event fromJson(JsonNode n) {
        if (n == null || !n.isObject()) return null;
        String id = Json.text(n, "id");
        String kind = Json.text(n, "event");
        String ts = Json.text(n, "ts");
        if (id == null || kind == null || ts == null) return null;
        ObjectNode fields = ((ObjectNode) n).deepCopy();
        fields.remove(List.of("event", "id", "title", "text", "ts"));
        try {
            return new Event(id, kind, Json.text(n, "title"), Json.text(n, "text"), Instant.parse(ts), fields);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
