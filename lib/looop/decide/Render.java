package looop.decide;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import looop.io.Json;

/**
 * Turns a runner's stream into lines a person can read in the archive: tool
 * calls, failed tools and the assistant's text, from claude's stream-json or
 * pi's json mode. Other events (init, deltas, turn bookkeeping) are noise in a
 * replay and are dropped; lines that are not JSON pass through.
 */
public final class Render {
    public static final int MAX_ARGS_CHARS = 100;
    /** A plain line longer than this is cut: a runner that prints a binary blob must not bury the archive. */
    public static final int MAX_PLAIN_CHARS = 4000;

    // terminal escapes (CSI colours, OSC titles, two-byte ESC forms) mean nothing in a file
    private static final Pattern ESCAPES = Pattern.compile("\u001B(\\[[0-?]*[ -/]*[@-~]|\\][^\u0007\u001B]*(\u0007|\u001B\\\\)?|[@-Z\\\\-_])");

    // claude reports a failed tool by its call id only
    private final Map<String, String> toolNames = new HashMap<>();

    /** The archive lines for one stream line (often none). Stateful: remembers tool names by call id. */
    public List<String> render(String line) {
        List<String> out = new ArrayList<>();
        for (String l : lines(line)) out.add(readable(l));
        return out;
    }

    private List<String> lines(String line) {
        if (line.isBlank()) return List.of();
        JsonNode event = Meter.event(line);
        if (event == null) return List.of(cut(line, MAX_PLAIN_CHARS));
        List<String> out = new ArrayList<>();
        switch (String.valueOf(Json.text(event, "type"))) {
            case "assistant" -> claudeAssistant(event.path("message"), out);
            case "user" -> claudeToolFailures(event.path("message"), out);
            case "result" -> claudeRunFailure(event, out);
            // pi: message_end carries the whole message once; message_update repeats partials
            case "message_end" -> piMessage(event.path("message"), out);
            case "tool_execution_end" -> {
                if (event.path("isError").asBoolean()) out.add(failed(Json.text(event, "toolName")));
            }
            default -> { }
        }
        return out;
    }

    private void claudeAssistant(JsonNode message, List<String> out) {
        for (JsonNode item : message.path("content")) {
            switch (String.valueOf(Json.text(item, "type"))) {
                case "tool_use" -> {
                    toolNames.put(Json.text(item, "id"), Json.text(item, "name"));
                    out.add(call(Json.text(item, "name"), item.get("input")));
                }
                case "text" -> text(Json.text(item, "text"), out);
                default -> { }
            }
        }
    }

    private void claudeToolFailures(JsonNode message, List<String> out) {
        for (JsonNode item : message.path("content")) {
            if ("tool_result".equals(Json.text(item, "type")) && item.path("is_error").asBoolean()) {
                out.add(failed(toolNames.get(Json.text(item, "tool_use_id"))));
            }
        }
    }

    /** A run that ended in error (no API key, out of credit) says why only here. */
    private static void claudeRunFailure(JsonNode event, List<String> out) {
        if (!event.path("is_error").asBoolean()) return;
        String why = Json.text(event, "result");
        out.add("✗ run failed: " + collapse(why != null ? why : String.valueOf(Json.text(event, "subtype"))));
    }

    private static void piMessage(JsonNode message, List<String> out) {
        if (!"assistant".equals(Json.text(message, "role"))) return;
        for (JsonNode item : message.path("content")) {
            switch (String.valueOf(Json.text(item, "type"))) {
                case "toolCall" -> out.add(call(Json.text(item, "name"), item.get("arguments")));
                case "text" -> text(Json.text(item, "text"), out);
                default -> { }
            }
        }
        String error = Json.text(message, "errorMessage");
        if (error != null && !error.isBlank()) out.add("✗ model error: " + collapse(error));
    }

    private static String call(String tool, JsonNode args) {
        String head = "→ " + (tool == null ? "tool" : tool);
        if (args == null || args.isNull()) return head;
        return head + ": " + cut(collapse(Json.canonical(args)), MAX_ARGS_CHARS);
    }

    private static String failed(String tool) {
        return "✗ " + (tool == null ? "tool" : tool) + " failed";
    }

    /** Assistant text line by line; blank lines dropped like blank stream lines. */
    private static void text(String text, List<String> out) {
        if (text == null) return;
        for (String l : text.split("\\R")) {
            if (!l.isBlank()) out.add(l);
        }
    }

    /**
     * The line as text a person (and grep) can read: terminal escapes dropped,
     * other control characters (NUL, stray CR, …) shown as U+FFFD like the
     * bytes that were not UTF-8. Tabs stay.
     */
    static String readable(String line) {
        String s = ESCAPES.matcher(line).replaceAll("");
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t' || !Character.isISOControl(c)) continue;
            if (b == null) b = new StringBuilder(s);
            b.setCharAt(i, '\uFFFD');
        }
        return b == null ? s : b.toString();
    }

    private static String collapse(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    /** At most max characters (code points, so an emoji is never split), the last one … when cut. */
    public static String cut(String s, int max) {
        if (s.codePointCount(0, s.length()) <= max) return s;
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }
}
