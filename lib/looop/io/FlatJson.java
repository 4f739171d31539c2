package looop.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small flat JSON objects (a lease, a ledger row) read and written with
 * Jackson's streaming parser and generator, without starting an ObjectMapper:
 * that start costs a one-shot verb such as `_ claim` or `_ cost` about 80 ms
 * of CPU (bench/README.md), more than the rest of its work. The bytes are
 * exactly those of {@link Json#canonical} for the same object, and a field
 * reads exactly as {@code Json.text(Json.parseOrNull(text), field)}.
 */
public final class FlatJson {
    private FlatJson() {}

    private static final JsonFactory FACTORY = new JsonFactory();

    /** Compact JSON of one object, keys sorted; values are strings, numbers, booleans or null. */
    public static String write(Map<String, ?> fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (var e : new TreeMap<>(fields).entrySet()) {
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v == null) g.writeNull();
                else if (v instanceof String s) g.writeString(s);
                else if (v instanceof Double d) g.writeNumber(d);
                else if (v instanceof Long l) g.writeNumber(l);
                else if (v instanceof Integer i) g.writeNumber(i);
                else if (v instanceof Boolean b) g.writeBoolean(b);
                else throw new IllegalArgumentException("not a flat JSON value: " + v.getClass());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to a String does no I/O
        }
        return out.toString();
    }

    /**
     * A string field of one JSON object, or null when the text is not exactly
     * one valid JSON value, or has no such field, or it is null. A field that
     * is not a string (rare: none of looop's own files write one) is read by
     * the tree parser, which prints it as JSON.
     */
    public static String text(String json, String field) {
        String last = null;
        boolean found = false;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return Json.text(Json.parseOrNull(json), field);
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                boolean wanted = field.equals(p.currentName());
                JsonToken v = p.nextToken();
                if (wanted && v == JsonToken.VALUE_STRING) {
                    last = p.getText();
                    found = true;
                } else if (wanted && v == JsonToken.VALUE_NULL) {
                    last = null;
                    found = true;
                } else if (wanted) {
                    return Json.text(Json.parseOrNull(json), field);
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) return null; // a second value: Json.parse refuses the whole text
        } catch (IOException e) {
            return null; // not valid JSON: Json.parseOrNull's null
        }
        return found ? last : null;
    }

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

    /** n (0–99) as two digits: shared with Log's clock time. */
    static void twoDigits(StringBuilder b, long n) {
        b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }
}
