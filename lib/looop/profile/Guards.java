package looop.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import looop.io.UserError;

/**
 * The numbers that cap and pace the decider (looop.json, top level): how long
 * an unchanged world stays decided, when a sensor counts as flapping, how
 * many runner calls an hour and live workers are allowed, when the logs
 * rotate, and how a transient runner failure is retried within the beat.
 */
public record Guards(long noopTtl, int flapBeats, long maxDecidesPerHour, long maxWorkers, long rotateBytes, RunnerRetry retry) {
    public static final long DEFAULT_NOOP_TTL = 6 * 3600;
    public static final int DEFAULT_FLAP_BEATS = 5;
    public static final long DEFAULT_MAX_DECIDES_PER_HOUR = 120;
    public static final long DEFAULT_MAX_WORKERS = 8;
    public static final long DEFAULT_ROTATE_BYTES = 5L << 20;

    /**
     * What counts as a passing failure of the runner (rate limit, overload, the
     * network) rather than a broken one: an exit code, or a pattern found in
     * what the run printed. The defaults match the messages claude's
     * stream-json ("API Error: 529 … overloaded_error", "rate_limit_error") and
     * pi's json mode (an assistant message's errorMessage, "Connection error.")
     * end with, and the errors Node prints when the network drops.
     */
    public record RunnerRetry(int attempts, long backoffS, Set<Integer> exitCodes, List<Pattern> patterns) {
        public static final int DEFAULT_ATTEMPTS = 2;
        public static final long DEFAULT_BACKOFF_S = 5;
        /** EX_TEMPFAIL (sysexits.h): "try again later", the one exit code that says so. */
        public static final Set<Integer> DEFAULT_EXIT_CODES = Set.of(75);
        public static final List<String> DEFAULT_PATTERNS = List.of("rate[ _-]?limit", "overloaded", "too many requests",
                "usage limit", "API Error: (429|5\\d\\d)", "\\b(429|503|529)\\b.*error", "Connection error", "network error",
                "fetch failed", "socket hang up", "ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN");

        /**
         * The patterns; null in the record stands for the defaults, compiled
         * at their first use: fifteen regexes cost every one-shot beat
         * milliseconds, and only a failed run is matched against them.
         */
        @Override
        public List<Pattern> patterns() {
            return patterns != null ? patterns : DefaultPatterns.COMPILED;
        }

        /** Whether a run that exited exitCode and printed output failed in passing. */
        public boolean isTransient(int exitCode, String output) {
            if (exitCodes.contains(exitCode)) return true;
            return patterns().stream().anyMatch(p -> p.matcher(output).find());
        }

        /** Seconds before retry n (1-based): backoff_s, doubled each time. */
        public long waitBefore(int retry) {
            return backoffS << Math.min(retry - 1, 20);
        }
    }

    private static final class DefaultPatterns {
        static final List<Pattern> COMPILED = RunnerRetry.DEFAULT_PATTERNS.stream()
                .map(t -> Pattern.compile(t, Pattern.CASE_INSENSITIVE)).toList();
    }

    public static Guards defaults() {
        return parse(null, "looop.json");
    }

    static Guards parse(JsonNode root, String where) {
        return new Guards(Knob.NOOP_TTL.fromConfig(root, DEFAULT_NOOP_TTL, where),
                (int) Knob.FLAP_BEATS.fromConfig(root, DEFAULT_FLAP_BEATS, where),
                Knob.MAX_DECIDES_PER_HOUR.fromConfig(root, DEFAULT_MAX_DECIDES_PER_HOUR, where),
                Knob.MAX_WORKERS.fromConfig(root, DEFAULT_MAX_WORKERS, where),
                Knob.ROTATE_BYTES.fromConfig(root, DEFAULT_ROTATE_BYTES, where),
                retry(root == null ? null : root.get("runner_retry"), where));
    }

    private static RunnerRetry retry(JsonNode n, String where) {
        if (n != null && !n.isNull() && !n.isObject()) {
            throw new UserError(where + ": \"runner_retry\" must be an object like {\"attempts\":2,\"backoff_s\":5,\"exit_codes\":[75],\"patterns\":[\"overloaded\"]}");
        }
        JsonNode section = n == null || n.isNull() ? null : n;
        return new RunnerRetry((int) Knob.RUNNER_RETRY_ATTEMPTS.fromConfig(section, RunnerRetry.DEFAULT_ATTEMPTS, where),
                Knob.RUNNER_RETRY_BACKOFF.fromConfig(section, RunnerRetry.DEFAULT_BACKOFF_S, where),
                exitCodes(section == null ? null : section.get("exit_codes"), where),
                patterns(section == null ? null : section.get("patterns"), where));
    }

    private static Set<Integer> exitCodes(JsonNode n, String where) {
        if (n == null || n.isNull()) return RunnerRetry.DEFAULT_EXIT_CODES;
        String shape = where + ": \"runner_retry.exit_codes\" must be a list of exit codes from 1 to 255, got " + n;
        if (!n.isArray()) throw new UserError(shape);
        Set<Integer> out = new TreeSet<>();
        for (JsonNode c : n) {
            if (!c.isInt() || c.asInt() < 1 || c.asInt() > 255) throw new UserError(shape);
            out.add(c.asInt());
        }
        return Set.copyOf(out);
    }

    private static List<Pattern> patterns(JsonNode n, String where) {
        if (n == null || n.isNull()) return null; // the defaults (RunnerRetry.patterns)
        if (!n.isArray()) throw new UserError(where + ": \"runner_retry.patterns\" must be a list of regular expressions, got " + n);
        List<String> texts = new ArrayList<>();
        for (JsonNode p : n) {
            if (!p.isTextual() || p.asText().isEmpty()) {
                throw new UserError(where + ": \"runner_retry.patterns\" holds " + p + "; each must be a non-empty regular expression");
            }
            texts.add(p.asText());
        }
        List<Pattern> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(Pattern.compile(t, Pattern.CASE_INSENSITIVE));
            } catch (PatternSyntaxException e) {
                throw new UserError(where + ": \"runner_retry.patterns\" has '" + t + "', not a regular expression (" + e.getDescription() + ")");
            }
        }
        return List.copyOf(out);
    }
}
