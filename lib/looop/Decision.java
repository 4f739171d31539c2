package looop;

import com.fasterxml.jackson.databind.JsonNode;

/** The AI's one move, parsed and validated; nothing is executed here. */
public record Decision(String action, JsonNode raw, String journal, Integer nextIntervalS) {

    /** Parses and validates decision text; a one-line UserError for anything unusable. */
    public static Decision parse(String text) {
        throw new UnsupportedOperationException("todo");
    }

    /** Reads .decision.json and deletes it whatever its content; null when there is none. */
    public static String take(Paths paths) {
        throw new UnsupportedOperationException("todo");
    }
}
