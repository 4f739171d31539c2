package looop.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import looop.io.Json;

/**
 * Whether an AI CLI says it hit its plan's usage limit, and until when: read
 * from its structured output line by line (as the meter reads cost), or from
 * a screen's text. Every word of it is the runner's, so hostile input: it
 * yields at most a limit and a reset instant, which looop then caps and
 * records itself ({@link UsageLimit}).
 *
 * <ul>
 * <li>Claude Code stream-json: a {@code rate_limit_event} whose
 * {@code rate_limit_info.status} is {@code rejected} (allowed and
 * allowed_warning are not limits), {@code resetsAt} in Unix seconds; or an
 * assistant/result message with {@code api_error: usage_limit_reached} and
 * {@code api_error_params.rate_limit_info}. Its text: "You've hit your
 * 5-hour limit · resets Mar 17, 2030, 5:46pm (UTC)".</li>
 * <li>codex --json: an {@code error} or {@code turn.failed} event "You've hit
 * your usage limit. … try again at Mar 17th, 2030 5:46 PM." (codex's local time).</li>
 * <li>pi --mode json: {@code errorMessage} / {@code finalError} with the
 * provider's words ("429 … usage limit …"): a limit with no reset time.</li>
 * </ul>
 * (tests/fixtures/*-usage-limit.jsonl are the real CLIs' output against a stand-in answering 429.)
 */
public final class LimitSigns {
    /** What one run said: limited, and when it resets (null: it did not say). */
    public record Sign(Instant resetsAt, String said) {}

    private Sign sign;
    private final ZoneId localZone;
    private final Instant now;

    /** now: to place a reset given as a time of day; localZone: the zone a CLI that names none means. */
    public LimitSigns(Instant now, ZoneId localZone) {
        this.now = now;
        this.localZone = localZone;
    }

    /** The limit the lines so far showed, the last one with a reset winning; null: none. */
    public Sign sign() {
        return sign;
    }

    /** One line of a runner's stdout. */
    public void accept(String line) {
        if (line == null || line.length() > 65536 || line.indexOf('{') < 0) return;
        if (!line.contains("limit")) return; // every sign below names a limit: most lines are parsed for nothing else
        JsonNode n = Json.parseOrNull(line.strip());
        if (n == null || !n.isObject()) return;
        String type = n.path("type").asText("");
        if (type.equals("rate_limit_event")) {
            rateLimitInfo(n.path("rate_limit_info"), null);
        } else if ("usage_limit_reached".equals(n.path("api_error").asText(null))
                || "usage_limit_reached".equals(n.path("message").path("api_error").asText(null))) {
            JsonNode info = n.path("api_error_params").path("rate_limit_info");
            String text = n.path("result").isTextual() ? n.path("result").asText() : firstText(n.path("message"));
            if (!rateLimitInfo(info, text)) note(fromText(text), text);
        } else if (type.equals("error") || type.equals("turn.failed")) {
            String text = type.equals("error") ? n.path("message").asText("") : n.path("error").path("message").asText("");
            if (saysUsageLimit(text)) note(fromText(text), text);
        } else {
            String text = n.path("finalError").isTextual() ? n.path("finalError").asText() : n.path("message").path("errorMessage").asText("");
            if (saysUsageLimit(text)) note(fromText(text), text);
        }
    }

    /** A rejected rate_limit_info: a limit, reset at resetsAt if it gives one. False when info is none or not a rejection. */
    private boolean rateLimitInfo(JsonNode info, String text) {
        if (!info.isObject() || !"rejected".equals(info.path("status").asText(null))) return false;
        JsonNode at = info.path("resetsAt");
        Instant reset = at.isIntegralNumber() && at.asLong() > 0 && at.asLong() < 100_000_000_000L ? Instant.ofEpochSecond(at.asLong()) : null;
        note(reset, text != null ? text : "usage limit (" + info.path("rateLimitType").asText("rejected") + ")", true);
        structured |= reset != null;
        return true;
    }

    /** Whether a structured reset (Unix seconds) was seen: a time read from text never overrides one. */
    private boolean structured;

    private void note(Instant reset, String said) {
        note(reset, said, false);
    }

    /** fromData: the reset came as data (Unix seconds), which a reset read from text never overrides. */
    private void note(Instant reset, String said, boolean fromData) {
        String words = said == null ? "usage limit" : oneLine(said);
        // a later line without a time does not erase one; its words (the CLI's message) are the better line
        boolean keep = sign != null && sign.resetsAt() != null && (reset == null || structured && !fromData);
        sign = new Sign(keep ? sign.resetsAt() : reset, words);
    }

    private static String firstText(JsonNode message) {
        for (JsonNode c : message.path("content")) if (c.path("text").isTextual()) return c.path("text").asText();
        return null;
    }

    /** Whether a CLI's error text is its usage-limit one (each CLI's own words), not a passing rate limit. */
    public static boolean saysUsageLimit(String text) {
        if (text == null) return false;
        String t = CliScreens.normalised(text);
        return t.contains("usage limit") || t.contains("you've hit your") && t.contains("limit");
    }

    // -- reset times in text -------------------------------------------------

    /** "resets Mar 17, 2030, 5:46pm (UTC)", "resets 3pm (Europe/Paris)": Claude Code's. */
    private static final Pattern CLAUDE = Pattern.compile(
            "resets\\s+(?:([A-Z][a-z]{2})\\s+(\\d{1,2}),\\s+(\\d{4}),?\\s+)?(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm)(?:\\s*\\(([A-Za-z_/+\\-0-9]{1,40})\\))?",
            Pattern.CASE_INSENSITIVE);
    /** "try again at Mar 17th, 2030 5:46 PM", "try again at 5:46 PM": codex's, in its local time. */
    private static final Pattern CODEX = Pattern.compile(
            "try again at\\s+(?:([A-Z][a-z]{2})\\s+(\\d{1,2})(?:st|nd|rd|th)?,\\s+(\\d{4}),?\\s+)?(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm)()",
            Pattern.CASE_INSENSITIVE);

    /** The reset a CLI's limit text (or screen) names, or null when it names none this can read. */
    public Instant fromText(String text) {
        if (text == null) return null;
        String flat = text.replace('\u202f', ' ').replace('\u00a0', ' ');
        for (Pattern p : new Pattern[] {CLAUDE, CODEX}) {
            Matcher m = p.matcher(flat);
            Instant at = null;
            while (m.find()) at = at(m); // the last one on a screen is the newest
            if (at != null) return at;
        }
        return null;
    }

    private Instant at(Matcher m) {
        try {
            ZoneId zone = m.group(7) == null || m.group(7).isEmpty() ? localZone : ZoneId.of(m.group(7));
            int hour = Integer.parseInt(m.group(4)) % 12 + (m.group(6).equalsIgnoreCase("pm") ? 12 : 0);
            LocalTime time = LocalTime.of(hour, m.group(5) == null ? 0 : Integer.parseInt(m.group(5)));
            if (m.group(1) != null) {
                int month = java.time.Month.valueOf(monthName(m.group(1))).getValue();
                LocalDate day = LocalDate.of(Integer.parseInt(m.group(3)), month, Integer.parseInt(m.group(2)));
                return ZonedDateTime.of(LocalDateTime.of(day, time), zone).toInstant();
            }
            ZonedDateTime today = ZonedDateTime.of(LocalDateTime.of(LocalDate.ofInstant(now, zone), time), zone);
            return today.toInstant().isAfter(now) ? today.toInstant() : today.plusDays(1).toInstant(); // a time of day: its next one
        } catch (RuntimeException unreadable) { // a zone, month or day that is none
            return null;
        }
    }

    private static String monthName(String abbrev) {
        for (java.time.Month mo : java.time.Month.values()) {
            if (mo.name().startsWith(abbrev.toUpperCase(Locale.ROOT))) return mo.name();
        }
        throw new IllegalArgumentException("no month " + abbrev);
    }

    /** The CLI's words as one short printable line: they reach the journal (so the next prompt), status and notifications. */
    private static String oneLine(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 201));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? ' ' : c);
        }
        String one = b.toString().strip();
        return s.length() > 200 ? one + "…" : one;
    }
}
