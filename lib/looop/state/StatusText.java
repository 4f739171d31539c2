package looop.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import looop.gate.Budget;
import looop.io.Durations;

/** `looop status`: the state document (StateDocument) as a person reads it, one labelled line each. */
public final class StatusText {
    private final Clock clock;

    private StatusText(Clock clock) {
        this.clock = clock;
    }

    public static String of(ObjectNode state, Clock clock) {
        return new StatusText(clock).text(state);
    }

    /** When the last beat ran, as a person reads it: local time to the minute and how long ago. */
    private String lastTick(String rfc3339) {
        if (rfc3339 == null) return "never";
        java.time.Instant at = java.time.Instant.parse(rfc3339);
        java.time.Duration ago = java.time.Duration.between(at, clock.instant());
        return Durations.at(at) + (ago.isNegative() ? "" : " (" + Durations.human(ago.toSeconds()) + " ago)");
    }

    private String text(ObjectNode j) {
        StringBuilder out = new StringBuilder();
        line(out, "data dir", j.get("data_dir").asText() + (j.get("profile_exists").asBoolean() ? "" : " (not created yet: run `looop tick`)"));
        line(out, "pulse", j.get("pulse_running").asBoolean() ? "running (pid " + j.get("pid").asText() + ")" : "not running (start it with `looop run`)");
        line(out, "cadence", "idle " + Durations.human(j.get("interval").asLong()) + " · busy " + Durations.human(j.get("busy_interval").asLong())
                + " · active " + Durations.human(j.get("active_interval").asLong()) + cadenceSource(j));
        line(out, "backoff", backoffText(j.get("backoff")));
        if (j.hasNonNull("usage_limit")) line(out, "usage limit", j.get("usage_limit").get("text").asText());
        if (j.hasNonNull("last_failure")) line(out, "last failure", j.get("last_failure").get("message").asText());
        line(out, "sandbox", j.get("sandbox").asText());
        line(out, "last tick", lastTick(j.path("last_tick").asText(null)));
        line(out, "last hash", j.path("last_hash").asText("none committed yet"));
        JsonNode workers = j.get("workers");
        line(out, "workers", workers.isEmpty() ? "none" : workers.size() + "");
        for (JsonNode w : workers) {
            out.append("  - ").append(w.get("id").asText()).append(' ').append(w.get("state").asText());
            if (w.has("health")) out.append(", ").append(w.get("health").asText());
            if (w.has("blocked_on")) out.append(": ").append(w.get("blocked_on").asText());
            if (w.has("after") && w.get("state").asText().equals("waiting")) out.append(" after ").append(joined(w.get("after")));
            if (w.has("reason")) out.append(": ").append(w.get("reason").asText());
            if (!w.path("exit_code").isNull()) out.append(" (exit ").append(w.get("exit_code").asInt()).append(')');
            if (w.has("note")) out.append(" ⚑ ").append(w.get("note").asText());
            out.append('\n');
        }
        for (JsonNode c : j.get("conflicts")) line(out, "conflicts", conflictText(c));
        line(out, "cost today", Budget.usd(j.get("cost_today_usd").asDouble()));
        sensorLines(out, j);
        for (JsonNode a : j.get("asks")) {
            line(out, "ask", a.get("id").asText() + " (" + a.get("age_s").asLong() + "s) " + a.get("question").asText());
        }
        JsonNode tells = j.get("tells_undelivered");
        if (!tells.isEmpty()) {
            StringBuilder b = new StringBuilder();
            tells.properties().forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue().asInt()));
            line(out, "tells", b + " undelivered");
        }
        JsonNode n = j.get("notifications");
        line(out, "notify", n.get("undelivered").asInt() == 0 ? "all delivered"
                : n.get("undelivered").asInt() + " undelivered" + (n.hasNonNull("last_error") ? "; last error: " + n.get("last_error").asText() : ""));
        if (n.has("warning")) line(out, "notify", "warning: " + n.get("warning").asText());
        return out.toString();
    }

    private static String conflictText(JsonNode c) {
        java.util.List<String> files = new java.util.ArrayList<>();
        c.get("files").forEach(f -> files.add(f.asText()));
        return c.get("a").asText() + " ↔ " + c.path(c.has("b") ? "b" : "base").asText() + " in " + String.join(", ", files);
    }

    private static String joined(JsonNode ids) {
        StringBuilder b = new StringBuilder();
        for (JsonNode id : ids) b.append(b.length() == 0 ? "" : ", ").append(id.asText());
        return b.toString();
    }

    private static void sensorLines(StringBuilder out, JsonNode j) {
        StringBuilder b = new StringBuilder();
        for (JsonNode n : j.get("sensors")) {
            b.append(b.length() == 0 ? "" : " · ").append(n.get("name").asText()).append(' ');
            b.append(n.get("age_s").isNull() ? "never read" : Durations.human(n.get("age_s").asLong()) + " ago");
            if (!n.get("interval_s").isNull()) b.append(" (every ").append(Durations.human(n.get("interval_s").asLong())).append(")");
            if (!n.get("failing").isNull()) b.append(" ✗ ").append(n.get("failing").asText());
        }
        line(out, "sensors", b.length() == 0 ? "none" : b.toString());
        for (JsonNode f : j.get("flapping")) {
            line(out, "flapping", f.asText() + ": its signal changed on every recent beat; move the volatile part of its reading to \"detail\"");
        }
    }

    private String cadenceSource(JsonNode j) {
        StringBuilder b = new StringBuilder();
        JsonNode env = j.path("env_overrides");
        if (env.size() > 0) {
            b.append(" (env ");
            for (int i = 0; i < env.size(); i++) b.append(i == 0 ? "" : ", ").append(env.get(i).asText());
            b.append(')');
        }
        if ("pulse".equals(j.path("cadence_source").asText())) {
            b.append(" · as the running pulse uses it");
            if (j.hasNonNull("next_beat_at")) b.append(", next beat ").append(nextBeat(j.get("next_beat_at").asText()));
        }
        return b.toString();
    }

    /** "at 05:59 (in 8h07m)" for the pulse's next beat; the JSON keeps the instant as it was written. */
    private String nextBeat(String iso) {
        try {
            java.time.Instant at = java.time.Instant.parse(iso);
            return looop.io.Durations.at(at) + (clock.instant().isBefore(at) ? " (in " + looop.io.Durations.human(java.time.Duration.between(clock.instant(), at)) + ")" : "");
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    private static String backoffText(JsonNode b) {
        if (b.isNull()) return "none";
        int fails = b.get("fails").asInt();
        long wait = b.get("retry_in_s").asLong();
        return fails + " failed beat" + (fails == 1 ? "" : "s") + " at world " + shortHash(b.get("hash").asText()) + "; "
                + (wait > 0 ? "next try in " + looop.io.Durations.human(wait) : "free to retry") + " (a changed world retries at once; `looop tick --now` retries now)";
    }

    private static String shortHash(String h) {
        return h.length() > 8 ? h.substring(0, 8) : h;
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-11s %s%n", label + ":", value));
    }
}
