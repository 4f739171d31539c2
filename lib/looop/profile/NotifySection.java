package looop.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import looop.io.UserError;

/**
 * The "notify" section as written: a list of channels, each
 * {"type": command|ntfy|webhook|desktop, …, "on": [events]} ("on" defaults
 * to every event). Checked here, where looop.json is loaded, so a mistake
 * fails the load in one line naming the file and the key, e.g.
 * `private/secrets.json: "notify"[1].url: …`; notify.Channels builds the
 * channels from it. A URL is never quoted back: it may hold a secret.
 */
public final class NotifySection {
    private NotifySection() {}

    /** The kinds of event a channel can be "on" (notify.Event's kinds). */
    public static final List<String> EVENTS = List.of("ask", "worker_exit", "worker_blocked", "beat_failed", "budget", "notification", "usage_limit");
    public static final Set<String> WEBHOOK_FORMATS = Set.of("json", "slack", "discord");

    private static final Map<String, Set<String>> KEYS = Map.of(
            "command", Set.of("type", "on", "command"),
            "ntfy", Set.of("type", "on", "url", "token"),
            "webhook", Set.of("type", "on", "url", "format"),
            "desktop", Set.of("type", "on"));

    /** One channel as checked: its type, the events it is on, and its object as written. */
    public record Channel(String type, Set<String> on, JsonNode node) {}

    /** The channels notify lists; none when it is absent or null. where names the file in errors. */
    public static List<Channel> parse(JsonNode notify, String where) {
        if (notify == null || notify.isNull() || notify.isMissingNode()) return List.of();
        if (!notify.isArray()) throw new UserError(where + ": \"notify\" must be a list of channels, e.g. [{\"type\": \"ntfy\", \"url\": \"https://ntfy.sh/<topic>\"}]");
        List<Channel> out = new ArrayList<>();
        for (int i = 0; i < notify.size(); i++) out.add(one(notify.get(i), where + ": \"notify\"[" + i + "]"));
        return out;
    }

    private static Channel one(JsonNode c, String at) {
        if (!c.isObject()) throw new UserError(at + ": must be an object with a \"type\" (command, ntfy, webhook or desktop)");
        JsonNode typeNode = c.get("type");
        String type = typeNode == null || !typeNode.isTextual() ? null : typeNode.textValue();
        if (type == null || !KEYS.containsKey(type)) {
            throw new UserError(at + ".type: must be one of command, ntfy, webhook, desktop" + (type == null ? "" : ", got '" + type + "'"));
        }
        for (Iterator<String> it = c.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!KEYS.get(type).contains(key)) {
                throw new UserError(at + ": unknown key \"" + key + "\" for a " + type + " channel; it takes " + String.join(", ", KEYS.get(type).stream().sorted().toList()));
            }
        }
        Set<String> on = events(c.get("on"), at + ".on");
        switch (type) {
            case "command" -> text(c, "command", at, true);
            case "ntfy" -> {
                url(c, at);
                text(c, "token", at, false);
            }
            case "webhook" -> {
                url(c, at);
                String f = text(c, "format", at, false);
                if (f != null && !WEBHOOK_FORMATS.contains(f)) throw new UserError(at + ".format: must be json, slack or discord, got '" + f + "'");
            }
            default -> { }
        }
        return new Channel(type, on, c);
    }

    private static Set<String> events(JsonNode on, String at) {
        if (on == null || on.isNull()) return Set.copyOf(EVENTS);
        if (!on.isArray() || on.isEmpty()) throw new UserError(at + ": must be a non-empty list of events from " + String.join(", ", EVENTS));
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : on) {
            if (!e.isTextual() || !EVENTS.contains(e.textValue())) {
                throw new UserError(at + ": unknown event " + e + "; known: " + String.join(", ", EVENTS));
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static void url(JsonNode c, String at) {
        String url = text(c, "url", at, true);
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || !List.of("http", "https").contains(u.getScheme()) || u.getHost() == null) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw new UserError(at + ".url: must be an http:// or https:// URL");
        }
    }

    private static String text(JsonNode c, String key, String at, boolean required) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) {
            if (required) throw new UserError(at + ": missing \"" + key + "\"");
            return null;
        }
        if (!v.isTextual() || v.textValue().isBlank()) throw new UserError(at + "." + key + ": must be a non-empty string");
        return v.textValue();
    }
}
