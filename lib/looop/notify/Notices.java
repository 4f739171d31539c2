package looop.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import looop.io.Json;

/**
 * The events looop raises, each with an id that names the occurrence and
 * nothing else, so recording it twice sends it once: an ask's key, a
 * worker's run, a failure streak's start, the day the budget ran out.
 */
public final class Notices {
    private Notices() {}

    public static Event ask(String askId, String key, String question, List<String> options, Instant ts) {
        ObjectNode f = Json.object().put("ask_id", askId).put("question", question);
        var opts = f.putArray("options");
        options.forEach(opts::add);
        String choices = options.isEmpty() ? "" : " [" + String.join(" / ", options) + "]";
        return new Event("ask-" + key, Event.ASK, askId + " asks", question + choices
                + "\nAnswer: looop answer " + askId + " <text>", ts, f);
    }

    /** A worker's run ended; startedUnix tells one run of an id from the next. */
    public static Event workerExit(String worker, String state, Integer exitCode, long startedUnix, Instant ts) {
        ObjectNode f = Json.object().put("worker", worker).put("state", state);
        if (exitCode == null) f.putNull("exit_code");
        else f.put("exit_code", exitCode);
        String how = exitCode == null ? state : state + " with code " + exitCode;
        String verb = exitCode != null && exitCode != 0 ? " failed" : " ended";
        return new Event("worker_exit-" + worker + "-" + startedUnix, Event.WORKER_EXIT, "worker " + worker + verb, worker + " " + how
                + "; its output: looop log " + worker, ts, f);
    }

    /** A worker's screen waits on a person; sinceMillis, when looop first saw it so, names the episode. */
    public static Event workerBlocked(String worker, String on, long sinceMillis, Instant ts) {
        ObjectNode f = Json.object().put("worker", worker).put("blocked_on", on);
        return new Event("worker_blocked-" + worker + "-" + sinceMillis, Event.WORKER_BLOCKED, "worker " + worker + " is blocked", on
                + "\nSee its screen: looop shot " + worker + "; answer it: looop attach " + worker, ts, f);
    }

    /** The streak that started with the failed beat at streakStart has reached count failures. */
    public static Event beatFailed(int count, String reason, Instant streakStart, Instant ts) {
        ObjectNode f = Json.object().put("count", count).put("reason", reason);
        return new Event("beat_failed-" + streakStart.toEpochMilli(), Event.BEAT_FAILED, "looop: " + count + " beats failed in a row",
                reason + "\nSee: looop status, looop journal", ts, f);
    }

    /** Once per UTC day at most: the budget is a daily one. */
    public static Event budget(String what, Instant ts) {
        String day = ts.atZone(ZoneOffset.UTC).toLocalDate().toString();
        return new Event("budget-" + day, Event.BUDGET, "looop: budget reached", what, ts, Json.object().put("day", day));
    }

    /** The decider's runner hit its usage limit; the episode's start (since) names the event, so it is sent once. */
    public static Event usageLimit(looop.profile.UsageLimit limit, String until, Instant ts) {
        return new Event("usage_limit-" + limit.runner() + "-" + limit.since().getEpochSecond(), Event.USAGE_LIMIT, "looop: " + until,
                limit.said() + "\nNo decide until the reset; looop decides again then by itself. See: looop status", ts, limit.json());
    }

    /** A send_notification move; beatId names the beat, so the same move replayed is the same event. */
    public static Event notification(String message, String beatId, Instant ts) {
        return new Event("notification-" + beatId, Event.NOTIFICATION, "looop", message, ts, Json.object());
    }
}
