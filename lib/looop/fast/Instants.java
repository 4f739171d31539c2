package looop.fast;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Instants written and read as Instant.toString and Instant.parse do, by hand
 * for the shapes looop's own rows carry: the ledger, the journal, asks and
 * tells are stamped on quick paths (see the package doc), where java.time's
 * formatter would start the JVM's lambda machinery on every start.
 */
public final class Instants {
    private Instants() {}

    /** A time as JSON rows carry it: UTC, whole seconds, 2026-11-23T23:53:56Z. */
    public static String rfc3339(Instant t) {
        return instant(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Exactly Instant.toString (ISO_INSTANT: the fraction in groups of three
     * digits, as many as it needs), built by hand for the years people live
     * in: java.time's formatter starts the JVM's lambda machinery and costs a
     * one-shot command milliseconds.
     */
    public static String instant(Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        if (d.getYear() < 1000 || d.getYear() > 9999) return t.toString();
        StringBuilder b = new StringBuilder(30).append(d.getYear());
        twoDigits(b.append('-'), d.getMonthValue());
        twoDigits(b.append('-'), d.getDayOfMonth());
        twoDigits(b.append('T'), d.getHour());
        twoDigits(b.append(':'), d.getMinute());
        twoDigits(b.append(':'), d.getSecond());
        int nano = t.getNano();
        if (nano != 0) {
            String digits = Integer.toString(1_000_000_000 + nano).substring(1); // nine, zero-padded
            int keep = nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
            b.append('.').append(digits, 0, keep);
        }
        return b.append('Z').toString();
    }

    /**
     * Instant.parse, the same result and the same exception, with the shape
     * instant() writes read by hand (yyyy-MM-ddTHH:mm:ss, an optional fraction,
     * Z); any other text goes to Instant.parse itself.
     */
    public static Instant parseInstant(String text) {
        Instant fast = text == null ? null : byHand(text);
        return fast != null ? fast : Instant.parse(text);
    }

    private static Instant byHand(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') return null;
        int year = digits(s, 0, 4), month = digits(s, 5, 7), day = digits(s, 8, 10);
        int hour = digits(s, 11, 13), minute = digits(s, 14, 16), second = digits(s, 17, 19);
        if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
        int nano = 0;
        if (n > 20) {
            int fraction = n - 21; // between '.' and 'Z'
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) return null;
            int f = digits(s, 20, n - 1);
            if (f < 0) return null;
            nano = f * (int) Math.pow(10, 9 - fraction);
        } else if (n != 20) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC), nano);
        } catch (java.time.DateTimeException e) {
            return null; // 31 April, say: Instant.parse gives the exception
        }
    }

    /** The number s[from, to) spells in ASCII digits, or -1. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** n (0–99) as two digits: also Log's clock time. */
    public static void twoDigits(StringBuilder b, long n) {
        b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }
}
