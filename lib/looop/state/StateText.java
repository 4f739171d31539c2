package looop.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import looop.gate.Budget;
import looop.io.Durations;

/** `looop state` without --json: the state document in a few lines, what a client needs first. */
public final class StateText {
    private StateText() {}

    public static String of(JsonNode d, Clock clock) {
        StringBuilder out = new StringBuilder();
        line(out, "pulse", pulse(d, clock));
        line(out, "last beat", lastBeat(d.path("last_beat"), clock));
        for (JsonNode w : d.path("workers")) line(out, "worker", worker(w));
        for (JsonNode a : d.path("asks")) line(out, "ask", a.path("id").asText() + " (" + Durations.human(a.path("age_s").asLong()) + "): " + a.path("question").asText());
        for (JsonNode s : d.path("schedules")) line(out, "schedule", s.path("name").asText() + " " + s.path("state").asText() + " · " + s.path("when").asText());
        JsonNode b = d.path("budget");
        line(out, "budget", Budget.usd(b.path("spent_today_usd").asDouble()) + " today"
                + (b.path("max_daily_usd").isNull() ? " (no max_daily_usd)" : " of " + Budget.usd(b.path("max_daily_usd").asDouble()))
                + (b.path("over").asBoolean() ? " · over: beats skip deciding until tomorrow" : ""));
        for (JsonNode s : d.path("sensors")) {
            if (!s.path("failing").isNull()) line(out, "sensor", s.path("name").asText() + " failing: " + s.path("failing").asText());
        }
        for (JsonNode f : d.path("flapping")) line(out, "sensor", f.asText() + " flapping");
        return out.toString();
    }

    private static String pulse(JsonNode d, Clock clock) {
        if (!d.path("pulse_running").asBoolean()) return "not running (start it with `looop run`)";
        String next = d.path("next_beat_at").asText(null);
        if (next == null) return "running (pid " + d.path("pid").asText() + ")";
        Instant at = Instant.parse(next);
        Duration in = Duration.between(clock.instant(), at);
        return "running (pid " + d.path("pid").asText() + ") · next beat " + Durations.at(at) + (in.isNegative() ? "" : " (in " + Durations.human(in) + ")")
                + (d.hasNonNull("next_beat_why") ? ": " + d.get("next_beat_why").asText() : "");
    }

    private static String lastBeat(JsonNode b, Clock clock) {
        if (b.isNull() || b.isMissingNode()) return "none yet";
        Instant at = Instant.parse(b.path("at").asText());
        String what = b.hasNonNull("move") ? b.get("move").asText() : b.path("detail").asText();
        String failure = b.path("failure").isObject() && !"failed".equals(b.path("verdict").asText())
                ? " · last failure: " + b.path("failure").path("message").asText() : "";
        return Durations.at(at) + " (" + Durations.human(Math.max(0, Duration.between(at, clock.instant()).toSeconds())) + " ago) "
                + b.path("verdict").asText() + (what.isEmpty() ? "" : ": " + what) + failure;
    }

    private static String worker(JsonNode w) {
        StringBuilder b = new StringBuilder(w.path("id").asText()).append(' ').append(w.path("state").asText());
        if (w.has("health")) b.append(", ").append(w.get("health").asText());
        if (w.has("blocked_on")) b.append(": ").append(w.get("blocked_on").asText());
        if (w.hasNonNull("asking")) b.append(" · asking: ").append(w.get("asking").asText());
        return b.append(" · ").append(Budget.usd(w.path("cost_usd").asDouble())).toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-10s %s%n", label + ":", value));
    }
}
