package looop.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import looop.io.Json;

/**
 * One wake-up, as schedules/&lt;name&gt;.json holds it. A one-shot (kind "at")
 * is due from at on until a beat acted while it was due (done). A recurring
 * one (kind "every") has periods: period k begins at anchor + k × every; it
 * is due in period k ≥ 1 until a beat acted in it, which records k as
 * actedPeriod, so no period fires twice, however often the loop restarts.
 */
public record Schedule(String name, String kind, Instant at, Duration every, Instant anchor, String note, boolean done,
        long actedPeriod, Instant created) {
    public static final String AT = "at";
    public static final String EVERY = "every";

    public static Schedule once(String name, Instant at, String note, Instant now) {
        return new Schedule(name, AT, at, null, null, note, false, 0, now);
    }

    public static Schedule recurring(String name, Duration every, String note, Instant now) {
        return new Schedule(name, EVERY, null, every, now, note, false, 0, now);
    }

    public boolean recurring() {
        return kind.equals(EVERY);
    }

    /** The period now falls in: 0 before the first one begins (a recurring one first fires one interval after it is set). */
    public long period(Instant now) {
        if (!recurring() || now.isBefore(anchor)) return 0;
        return Duration.between(anchor, now).toMillis() / every.toMillis();
    }

    /** When the current due stretch began: at, or the start of the current period. */
    public Instant dueSince(Instant now) {
        return recurring() ? anchor.plus(every.multipliedBy(period(now))) : at;
    }

    /** Whether it reached its time: a one-shot's at passed, or a recurring one's first period began. */
    public boolean reached(Instant now) {
        return recurring() ? period(now) >= 1 : !now.isBefore(at);
    }

    /** Due: reached, and no beat has acted on it yet (in this period). */
    public boolean due(Instant now) {
        return recurring() ? period(now) > actedPeriod : reached(now) && !done;
    }

    /** The next instant its reading changes by itself, or null for a one-shot already reached. */
    public Instant nextChange(Instant now) {
        if (recurring()) return anchor.plus(every.multipliedBy(period(now) + 1));
        return now.isBefore(at) ? at : null;
    }

    /** The same schedule once a beat acted at senseTime (when the world it acted on was read). */
    public Schedule actedAt(Instant senseTime) {
        if (!due(senseTime)) return this;
        return recurring() ? new Schedule(name, kind, at, every, anchor, note, false, period(senseTime), created)
                : new Schedule(name, kind, at, every, anchor, note, true, actedPeriod, created);
    }

    /** "every 1h, next …" or "at … (in 30m)": how `schedule ls` and the page show when it fires. */
    public String describe(Instant now) {
        if (recurring()) return "every " + looop.io.Durations.show(every) + ", next " + looop.io.Durations.at(nextChange(now));
        return "at " + looop.io.Durations.at(at) + (now.isBefore(at) ? " (in " + looop.io.Durations.human(Duration.between(now, at)) + ")" : "");
    }

    public String state(Instant now) {
        if (due(now)) return "due";
        return !recurring() && done ? "done" : "waiting";
    }

    public ObjectNode json() {
        ObjectNode o = Json.object();
        o.put("name", name);
        o.put("kind", kind);
        if (recurring()) {
            o.put("every_s", every.toMillis() / 1000.0);
            o.put("anchor", anchor.toString());
            o.put("acted_period", actedPeriod);
        } else {
            o.put("at", at.toString());
            o.put("done", done);
        }
        o.put("note", note);
        o.put("created", created.toString());
        return o;
    }

    static Schedule fromJson(JsonNode n) {
        if (n == null || !n.isObject()) return null;
        try {
            String name = Json.text(n, "name");
            String kind = Json.text(n, "kind");
            Instant created = Instant.parse(Json.text(n, "created"));
            if (name == null) return null;
            if (EVERY.equals(kind)) {
                Duration every = Duration.ofMillis(Math.round(n.path("every_s").asDouble() * 1000));
                if (every.toMillis() <= 0) return null;
                return new Schedule(name, kind, null, every, Instant.parse(Json.text(n, "anchor")), Json.text(n, "note"), false,
                        n.path("acted_period").asLong(0), created);
            }
            if (AT.equals(kind)) {
                return new Schedule(name, kind, Instant.parse(Json.text(n, "at")), null, null, Json.text(n, "note"),
                        n.path("done").asBoolean(false), 0, created);
            }
            return null;
        } catch (RuntimeException e) {
            return null; // a hand-edited file that lost a field counts as no schedule, as a torn one would
        }
    }
}
