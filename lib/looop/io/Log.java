package looop.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import looop.fast.Instants;

/**
 * What the loop tells a person (or a program) as it works: human lines
 * `[HH:MM:SS] <glyph> <message>`, or one NDJSON object per line.
 */
public final class Log {
    public enum Level {
        STEP("▸", "36"), INFO("·", "2"), OK("✓", "32"), WARN("!", "33"), ERROR("✗", "31");

        final String glyph;
        final String ansi;

        Level(String glyph, String ansi) {
            this.glyph = glyph;
            this.ansi = ansi;
        }
    }

    private final PrintStream out;
    private final Clock clock;
    private final boolean json;
    private final boolean color;

    public Log(PrintStream out, Clock clock, boolean json, boolean color) {
        this.out = out;
        this.clock = clock;
        this.json = json;
        this.color = color && !json;
    }

    /** The process's own log: JSON with --json or LOOOP_LOG_FORMAT=json; colour by the SPEC rules. */
    public static Log forProcess(PrintStream out, boolean jsonFlag, Map<String, String> env) {
        boolean json = jsonFlag || "json".equalsIgnoreCase(env.getOrDefault("LOOOP_LOG_FORMAT", ""));
        return new Log(out, SystemClock.INSTANCE, json, wantsColor(env, System.console() != null));
    }

    /** Colour only on a tty, never with NO_COLOR; LOOOP_COLOR=1|0 overrides both. */
    public static boolean wantsColor(Map<String, String> env, boolean tty) {
        String forced = env.get("LOOOP_COLOR");
        if ("1".equals(forced)) return true;
        if ("0".equals(forced)) return false;
        if (env.containsKey("NO_COLOR")) return false;
        return tty;
    }

    public boolean isJson() {
        return json;
    }

    /**
     * HH:mm:ss of now in the clock's zone. The process's own clock takes its
     * offset from TimeZone and the digits are put by hand: java.time's zone
     * rules and a DateTimeFormatter are about 12 ms of a one-shot tick.
     */
    private String clockTime() {
        long now = clock.millis();
        long offset = clock instanceof SystemClock ? SystemClock.offsetMillis(now)
                : clock.getZone().getRules().getOffset(Instant.ofEpochMilli(now)).getTotalSeconds() * 1000L;
        long second = Math.floorMod(Math.floorDiv(now + offset, 1000), 86_400);
        StringBuilder b = new StringBuilder(8);
        Instants.twoDigits(b, second / 3600);
        Instants.twoDigits(b.append(':'), second / 60 % 60);
        Instants.twoDigits(b.append(':'), second % 60);
        return b.toString();
    }

    /** A silent log, for commands whose stdout is data. */
    public static Log quiet() {
        return new Log(new PrintStream(java.io.OutputStream.nullOutputStream()), Clock.systemUTC(), false, false);
    }

    public void line(Level level, String code, String message) {
        line(level, code, message, Json.object());
    }

    /**
     * What a terminal may be shown: a message can carry a sensor's file name,
     * a decider's text or a worker's output, and none of their control
     * characters reach the terminal (JSON lines escape them anyway).
     */
    static String printable(String message) {
        return Controls.replace(message == null ? "" : message.replace("\n", " ⏎ ").replace("\t", " "), "?");
    }

    public void line(Level level, String code, String message, ObjectNode fields) {
        if (json) {
            ObjectNode row = Json.object();
            row.put("ts", Instants.rfc3339(clock.instant()));
            row.put("level", level.name().toLowerCase());
            row.put("code", code);
            row.put("msg", message);
            row.setAll(fields);
            out.println(Json.canonical(row));
        } else {
            String stamp = "[" + clockTime() + "] ";
            String head = color ? "\u001b[" + level.ansi + "m" + level.glyph + "\u001b[0m" : level.glyph;
            out.println(stamp + head + " " + printable(message));
        }
        out.flush();
    }
}
