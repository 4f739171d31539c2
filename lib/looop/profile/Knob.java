package looop.profile;

import com.fasterxml.jackson.databind.JsonNode;
import looop.io.UserError;

/**
 * Every number a person can set, in looop.json or the environment, with its
 * range. A value outside it is refused at load with one line naming the key
 * and the range, so no arithmetic on a user's number can overflow (a timeout
 * near Long.MAX_VALUE once wrapped around and skipped the metering of paid
 * calls). Ceilings are generous: a day for timeouts and intervals.
 */
public enum Knob {
    INTERVAL("interval", "LOOOP_INTERVAL", 1, Knob.DAY, "seconds"),
    BUSY_INTERVAL("busy_interval", "LOOOP_BUSY_INTERVAL", 1, Knob.DAY, "seconds"),
    ACTIVE_INTERVAL("active_interval", "LOOOP_ACTIVE_INTERVAL", 1, Knob.DAY, "seconds"),
    SESSION_TTL("session_ttl", "LOOOP_SESSION_TTL", 0, 3650 * Knob.DAY, "seconds"),
    STUCK_AFTER("stuck_after", "LOOOP_STUCK_AFTER", 1, Knob.DAY, "seconds"),
    TICK_TIMEOUT("tick_timeout_s", null, 0, Knob.DAY, "seconds, 0 = none"),
    SENSOR_CONCURRENCY("sensor_concurrency", null, 1, 256, "sensors at once"),
    SHELL_TIMEOUT("run_shell.timeout_s", "LOOOP_SHELL_TIMEOUT", 0, Knob.DAY, "seconds, 0 = none"),
    SHELL_MAX_OUTPUT("run_shell.max_output_bytes", null, 0, 1L << 30, "bytes, 0 = no cap"),
    SENSOR_TIMEOUT(null, "LOOOP_SENSOR_TIMEOUT", 0, 3600, "seconds, 0 = none"),
    SENSOR_MAX_BYTES(null, "LOOOP_SENSOR_MAX_BYTES", 0, 64L << 20, "bytes, 0 = no cap"),
    RUNS_KEEP(null, "LOOOP_RUNS_KEEP", 0, 100_000, "run archives, 0 = keep all"),
    LOCK_WAIT(null, "LOOOP_LOCK_WAIT", 0, 3600, "seconds"),
    STOP_GRACE(null, "LOOOP_STOP_GRACE", 0, 600, "seconds"),
    NOTIFY_FAILED_BEATS(null, "LOOOP_NOTIFY_FAILED_BEATS", 1, 1000, "failed beats in a row before a beat_failed notice"),
    NOOP_TTL("noop_ttl", "LOOOP_NOOP_TTL", 0, 365 * Knob.DAY, "seconds an unchanged world stays decided, 0 = forever"),
    FLAP_BEATS("flap_beats", null, 2, 1000, "beats in a row a signal changed before its sensor counts as flapping"),
    MAX_DECIDES_PER_HOUR("max_decides_per_hour", null, 0, 100_000, "runner calls in a rolling hour, 0 = no cap"),
    MAX_WORKERS("max_workers", null, 0, 10_000, "live workers, 0 = no cap"),
    ROTATE_BYTES("rotate_bytes", "LOOOP_ROTATE_BYTES", 0, 1L << 40, "bytes of events.jsonl or tick.log before it rotates, 0 = never"),
    RUNNER_RETRY_ATTEMPTS("runner_retry.attempts", null, 0, 10, "extra runner tries in a beat after a transient failure"),
    RUNNER_RETRY_BACKOFF("runner_retry.backoff_s", null, 0, 600, "seconds before the first retry, doubled for each next one");

    private static final long DAY = 86_400;

    /** The key in looop.json (dots for nested sections), or null for an environment-only knob. */
    public final String key;
    /** The environment variable that wins over the key, or null. */
    public final String env;
    public final long min;
    public final long max;
    public final String unit;

    Knob(String key, String env, long min, long max, String unit) {
        this.key = key;
        this.env = env;
        this.min = min;
        this.max = max;
        this.unit = unit;
    }

    /** "from 1 to 86400 (seconds)", for messages and the docs. */
    public String range() {
        return "a whole number from " + min + " to " + max + " (" + unit + ")";
    }

    /** What the knob sets, for the manual and the reference; a new knob does not compile without one. */
    public String meaning() {
        return switch (this) {
            case INTERVAL -> "sleep after an idle beat";
            case BUSY_INTERVAL -> "sleep after a beat that acted";
            case ACTIVE_INTERVAL -> "sleep while a worker is alive";
            case SESSION_TTL -> "how long finished sessions are kept";
            case STUCK_AFTER -> "how long a live worker's screen may stay unchanged before it is stuck";
            case TICK_TIMEOUT -> "how long the runner may take to decide a beat";
            case SENSOR_CONCURRENCY -> "how many sensors run at once (default 4 per core, at least 4)";
            case SHELL_TIMEOUT -> "how long a run_shell move may run";
            case SHELL_MAX_OUTPUT -> "the most output of a run_shell move kept";
            case SENSOR_TIMEOUT -> "how long a sensor may run";
            case SENSOR_MAX_BYTES -> "the largest sensor reading kept";
            case RUNS_KEEP -> "run archives (runs/) kept";
            case LOCK_WAIT -> "how long a command waits for the profile's lock";
            case STOP_GRACE -> "how long a stopping pulse gets to finish its beat";
            case NOTIFY_FAILED_BEATS -> "when a failing pulse notifies";
            case NOOP_TTL -> "an unchanged world is decided again once the last decision is this old";
            case FLAP_BEATS -> "a sensor whose signal keeps changing is named as flapping";
            case MAX_DECIDES_PER_HOUR -> "past this, a beat skips (decide_capped)";
            case MAX_WORKERS -> "a start_worker beyond this fails";
            case ROTATE_BYTES -> "events.jsonl and tick.log rotate to .1";
            case RUNNER_RETRY_ATTEMPTS -> "a runner failure matching runner_retry is retried in the beat";
            case RUNNER_RETRY_BACKOFF -> "the wait before a runner retry";
        };
    }

    /** A knob in seconds also takes a duration as people write it: "1d", "30m", "1h30m". */
    private boolean seconds() {
        return unit.startsWith("seconds");
    }

    /** Digits, perhaps after a minus; by hand, as a regex compiles cold on a quick path. */
    private static boolean wholeNumber(String s) {
        int start = s.startsWith("-") ? 1 : 0;
        if (s.length() == start) return false;
        for (int i = start; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    /** text as whole seconds, or invalid (out of every range) when it is no duration. */
    private static long asSeconds(String text, long invalid) {
        try {
            return looop.io.Durations.parse(text).toSeconds();
        } catch (IllegalArgumentException e) {
            return invalid;
        }
    }

    /** The value of this knob's key in a config section, or fallback when absent; where names the file. */
    public long fromConfig(JsonNode section, long fallback, String where) {
        String field = key.substring(key.lastIndexOf('.') + 1);
        JsonNode v = section == null ? null : section.get(field);
        if (v == null || v.isNull()) return fallback;
        if (v.isTextual() && seconds()) v = com.fasterxml.jackson.databind.node.LongNode.valueOf(asSeconds(v.textValue(), -1));
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new UserError(where + ": \"" + key + "\" must be " + range() + ", got " + section.get(field));
        }
        return v.asLong();
    }

    /** The environment's value, or fallback when unset; a value out of range (or not a number) is refused, never ignored. */
    public long fromEnv(java.util.Map<String, String> environment, long fallback) {
        String raw = environment.get(env);
        if (raw == null || raw.isBlank()) return fallback;
        try {
            long v = seconds() && !wholeNumber(raw.trim()) ? asSeconds(raw.trim(), min - 1) : Long.parseLong(raw.trim());
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException e) {
            // refused below, like a value out of range
        }
        throw new UserError(env + " must be " + range() + ", got '" + raw.strip() + "'; fix or unset it");
    }
}
