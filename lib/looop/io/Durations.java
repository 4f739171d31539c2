package looop.io;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them on a command line: `500ms`, `30s`, `5m`,
 * `1h`, `1.5s`; a bare number is seconds. Anything else is refused with a
 * message that shows the accepted forms.
 */
public final class Durations {
    private Durations() {}

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    /** Far past any sensible wait, and far below where millisecond arithmetic could overflow. */
    private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(366L * 24 * 3600 * 1000);

    /**
     * The duration text stands for; an IllegalArgumentException whose message
     * says what is wrong and which forms work (the command line's converter
     * turns it into a usage error naming the option).
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) throw new IllegalArgumentException(quoted(text) + " is not a duration; use e.g. 500ms, 30s, 5m or 1h (a bare number is seconds)");
        BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis(m.group(2))));
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
            default -> 3_600_000;
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
}
