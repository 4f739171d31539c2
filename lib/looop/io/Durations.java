package looop.io;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them on a command line: `500ms`, `30s`, `5m`,
 * `1h`, `1.5s`; a bare number is seconds. Anything else is a usage error
 * (exit 2) that names the flag and shows the accepted forms.
 */
public final class Durations {
    private Durations() {}

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    /** Far past any sensible wait, and far below where millisecond arithmetic could overflow. */
    private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(366L * 24 * 3600 * 1000);

    /** Parses text given for flag (e.g. "--timeout"); a one-line UserError with exit 2 when malformed. */
    public static Duration parse(String flag, String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) throw bad(flag, text, "use e.g. 500ms, 30s, 5m or 1h (a bare number is seconds)");
        BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis(m.group(2))));
        if (millis.compareTo(MAX_MILLIS) > 0) throw bad(flag, text, "at most a year");
        return Duration.ofMillis(millis.longValue());
    }

    /** Like parse, but null text gives the fallback: for optional flags. */
    public static Duration parseOr(String flag, String text, Duration fallback) {
        return text == null ? fallback : parse(flag, text);
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

    private static UserError bad(String flag, String text, String fix) {
        String shown = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
        return new UserError("bad duration for " + flag + ": '" + shown + "'; " + fix, ExitCode.USAGE);
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
