package looop.io;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them on a command line: `500ms`, `30s`, `5m`,
 * `1h`, `1d`, `1.5s`, `1h30m`; a bare number is seconds. Anything else is
 * refused with a message that shows the accepted forms. And durations and
 * times as people read them: `in 8h07m`, `2026-12-08 05:59` (local time).
 */
public final class Durations {
    private Durations() {}

    private static final Pattern FORM = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+|\\d+(?:\\.\\d+)?");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");
    private static final String FORMS = "use e.g. 500ms, 30s, 5m, 1h, 1d or 1h30m (a bare number is seconds)";
    /** Far past any sensible wait, and far below where millisecond arithmetic could overflow. */
    private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(366L * 24 * 3600 * 1000);

    /**
     * The duration text stands for; an IllegalArgumentException whose message
     * says what is wrong and which forms work (the command line's converter
     * turns it into a usage error naming the option).
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        if (!FORM.matcher(t).matches()) throw new IllegalArgumentException(quoted(text) + " is not a duration; " + FORMS);
        BigDecimal millis = BigDecimal.ZERO;
        for (Matcher m = PART.matcher(t); m.find();) {
            millis = millis.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis(m.group(2)))));
        }
        if (millis.compareTo(MAX_MILLIS) > 0) throw new IllegalArgumentException(quoted(text) + " is too long; at most a year");
        return Duration.ofMillis(millis.longValue());
    }

    /** The same for text that came from somewhere named (a flag, a variable): a one-line UserError with exit 2. */
    public static Duration parse(String flag, String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserError("bad value for " + flag + ": " + e.getMessage(), ExitCode.USAGE);
        }
    }

    private static long unitMillis(String unit) {
        if (unit == null) return 1000;
        return switch (unit) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
    }

    private static String quoted(String text) {
        return "'" + (text == null ? "" : text.replaceAll("\\p{Cntrl}", "?")) + "'";
    }

    /** The short form a person would type back: 500ms, 30s, 1.5s, 5m. */
    public static String show(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        if (ms < 1000) return ms + "ms";
        return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
    }

    /**
     * How long, as a person reads it, to the minute once it is an hour or
     * more: 45s, 5m30s, 8h07m, 2d03h. For "in …" and "next beat in …".
     */
    public static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) return s + "s";
        if (s < 3600) return s / 60 + "m" + (s % 60 == 0 ? "" : String.format("%02ds", s % 60));
        if (s < 86_400) return s / 3600 + "h" + String.format("%02dm", s % 3600 / 60);
        return s / 86_400 + "d" + (s % 86_400 / 3600 == 0 ? "" : String.format("%02dh", s % 86_400 / 3600));
    }

    /** Seconds, the same way. */
    public static String human(long seconds) {
        return human(Duration.ofSeconds(seconds));
    }

    private static final java.time.format.DateTimeFormatter LOCAL = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /** A moment as a person reads it: local time to the minute, 2026-12-08 05:59. */
    public static String at(java.time.Instant when) {
        return LOCAL.format(when.atZone(java.time.ZoneId.systemDefault()));
    }
}
