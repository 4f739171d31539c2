package looop.human;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import looop.fast.Instants;
import looop.io.Json;

/** A message a person queued for a live worker: workers/&lt;worker&gt;/tells/&lt;tellId&gt;.json. */
public record Tell(String worker, String tellId, String text, Instant created) {

    public ObjectNode json() {
        ObjectNode o = Json.object();
        o.put("worker", worker);
        o.put("tell_id", tellId);
        o.put("text", text);
        o.put("created", Instants.instant(created));
        return o;
    }

    static Tell fromJson(JsonNode n) {
        if (n == null || !n.isObject()) return null;
        String worker = Json.text(n, "worker");
        String id = Json.text(n, "tell_id");
        String text = Json.text(n, "text");
        String created = Json.text(n, "created");
        if (worker == null || id == null || text == null || created == null) return null;
        try {
            return new Tell(worker, id, text, Instants.parseInstant(created));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
