package looop.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import looop.io.Fs;
import looop.io.Json;

/**
 * The decider's runner hit its plan's usage limit: no decide until resetsAt.
 * Kept in .usage-limit.json in the data dir, written only by looop from what
 * {@link LimitSigns} parsed (never a file a sandboxed process wrote: no grant
 * reaches the data dir's top). A reset the CLI put further away than
 * {@link #CAP} is capped there (capped true, said keeps the CLI's own), so
 * hostile output cannot park the loop for good; a reset in the past is no
 * limit. The record stays after its reset until the next decide starts, so
 * the first beat past the reset decides at once ({@link #lifted}).
 *
 * @param runner   the runner's name in looop.json
 * @param resetsAt when deciding may start again (capped)
 * @param saidAt   the reset the CLI named, before the cap
 * @param since    when looop saw the limit: one episode, one event, one notification
 * @param said     the CLI's own line, shortened
 */
public record UsageLimit(String runner, Instant resetsAt, Instant saidAt, Instant since, String said) {
    /** The longest a limit parks the loop: a plan's weekly limit is the longest real one, a day bounds the harm of a lie. */
    public static final Duration CAP = Duration.ofHours(24);

    public boolean capped() {
        return !resetsAt.equals(saidAt);
    }

    /** Whether it still holds at now. */
    public boolean holdsAt(Instant now) {
        return resetsAt.isAfter(now);
    }

    /** Seconds from now to the reset, at least 1. */
    public long secondsLeft(Instant now) {
        return Math.max(1, (Duration.between(now, resetsAt).toMillis() + 999) / 1000);
    }

    /** "limited until 17:46 (claude)", in zone; a capped one says so. */
    public String until(ZoneId zone) {
        LocalTime t = LocalTime.ofInstant(resetsAt, zone);
        String hhmm = (t.getHour() < 10 ? "0" : "") + t.getHour() + ":" + (t.getMinute() < 10 ? "0" : "") + t.getMinute();
        return "limited until " + hhmm + " (" + runner + ")" + (capped() ? " — capped at 24 h; the CLI said " + saidAt : "");
    }

    /** A new episode from a parsed sign; null when the sign has no reset, or one already past (then: not limited). */
    public static UsageLimit of(String runner, LimitSigns.Sign sign, Instant now) {
        if (sign == null || sign.resetsAt() == null || !sign.resetsAt().isAfter(now)) return null;
        Instant cap = now.plus(CAP);
        Instant at = sign.resetsAt().isAfter(cap) ? cap : sign.resetsAt();
        return new UsageLimit(runner, at, sign.resetsAt(), now, sign.said());
    }

    public ObjectNode json() {
        ObjectNode n = Json.object();
        n.put("runner", runner).put("resets_at", resetsAt.toString()).put("said_resets_at", saidAt.toString())
                .put("since", since.toString()).put("said", said).put("capped", capped());
        return n;
    }

    // -- the record ------------------------------------------------------------

    public static void write(Paths paths, UsageLimit limit) {
        Fs.writeAtomic(paths.usageLimit(), Json.canonical(limit.json()) + "\n");
    }

    /** The record on file, held or lifted; null when none (or not one looop wrote). */
    public static UsageLimit read(Paths paths) {
        String text = Fs.readOr(paths.usageLimit(), "");
        if (text.isEmpty()) return null; // the common case: no file, nothing parsed
        JsonNode n = Json.parseOrNull(text);
        if (n == null || !n.path("runner").isTextual()) return null;
        try {
            return new UsageLimit(n.get("runner").asText(), Instant.parse(n.path("resets_at").asText()),
                    Instant.parse(n.path("said_resets_at").asText()), Instant.parse(n.path("since").asText()), n.path("said").asText(""));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** The limit in force now, or null: what status, the page and the gate show. */
    public static UsageLimit current(Paths paths, Clock clock) {
        UsageLimit l = read(paths);
        return l != null && l.holdsAt(clock.instant()) ? l : null;
    }

    /** A limit whose reset has come, not yet followed by a decide: the next beat decides even an unchanged world. */
    public static UsageLimit lifted(Paths paths, Clock clock) {
        UsageLimit l = read(paths);
        return l != null && !l.holdsAt(clock.instant()) ? l : null;
    }

    /** A decide started: the episode is over. */
    public static void clear(Paths paths) {
        Fs.delete(paths.usageLimit());
    }
}
