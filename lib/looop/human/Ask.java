package looop.human;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import looop.fast.Instants;
import looop.io.Json;

/**
 * One question an asker (a worker, or any name a script uses) put to a
 * person, as its file holds it (see {@link Asks}). answer and answeredAt are null
 * while it is pending; takenAt is set once the asker has read the answer,
 * which closes the ask.
 */
public record Ask(String id, String question, List<String> options, Instant created, long askerPid, String session,
        String answer, Instant answeredAt, Instant takenAt) implements Comparable<Ask> {

    public Ask {
        options = options == null ? List.of() : List.copyOf(options);
    }

    public boolean pending() {
        return answer == null && takenAt == null;
    }

    public boolean answered() {
        return answer != null && takenAt == null;
    }

    public boolean closed() {
        return takenAt != null;
    }

    /** The same question as other: what lets an asker that crashed ask again and find its answer. */
    public boolean sameQuestion(String otherQuestion, List<String> otherOptions) {
        return question.equals(otherQuestion) && options.equals(otherOptions == null ? List.of() : otherOptions);
    }

    /** This ask and no later one of the same id: answering with --force keeps created, a new ask does not. */
    public boolean sameAsk(Ask other) {
        return other != null && created.equals(other.created) && question.equals(other.question);
    }

    /** Identifies this ask among every ask the id will ever make: the notification's event id. */
    public String key() {
        return id + "-" + created.toEpochMilli();
    }

    public Duration age(Instant now) {
        Duration d = Duration.between(created, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Whether the process that asked still runs (an unknown pid counts as running: nothing proves otherwise). */
    public boolean askerAlive() {
        if (askerPid <= 0) return true;
        java.util.Optional<ProcessHandle> asker = ProcessHandle.of(askerPid);
        return asker.isPresent() && asker.get().isAlive();
    }

    /** Oldest first; asks made in the same instant by id. */
    @Override
    public int compareTo(Ask other) {
        int byAge = created.compareTo(other.created);
        return byAge != 0 ? byAge : id.compareTo(other.id);
    }

    Ask answered(String text, Instant at) {
        return new Ask(id, question, options, created, askerPid, session, text, at, null);
    }

    Ask taken(Instant at) {
        return new Ask(id, question, options, created, askerPid, session, answer, answeredAt, at);
    }

    public ObjectNode json() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("question", question);
        var opts = o.putArray("options");
        for (String option : options) opts.add(option);
        o.put("created", Instants.instant(created));
        o.put("asker_pid", askerPid);
        o.put("session", session);
        o.put("answer", answer);
        o.put("answered_at", answeredAt == null ? null : Instants.instant(answeredAt));
        o.put("taken_at", takenAt == null ? null : Instants.instant(takenAt));
        return o;
    }

    /** The ask a file holds, or null when it is not one (half a hand edit, say): such a file counts as no ask. */
    static Ask fromJson(JsonNode n) {
        if (n == null || !n.isObject()) return null;
        String id = Json.text(n, "id");
        String question = Json.text(n, "question");
        Instant created = instant(n, "created");
        if (id == null || question == null || created == null) return null;
        List<String> options = new ArrayList<>();
        for (JsonNode o : n.path("options")) options.add(o.asText());
        return new Ask(id, question, options, created, n.path("asker_pid").asLong(0), Json.text(n, "session"),
                Json.text(n, "answer"), instant(n, "answered_at"), instant(n, "taken_at"));
    }

    private static Instant instant(JsonNode n, String field) {
        String s = Json.text(n, field);
        try {
            return s == null ? null : Instants.parseInstant(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
