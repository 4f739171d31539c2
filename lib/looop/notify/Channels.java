package looop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import looop.io.UserError;
import looop.profile.Paths;
import looop.profile.Secrets;

/**
 * Reads "notify": a list of channels, each
 * {"type": command|ntfy|webhook|desktop, …, "on": [events]} ("on" defaults
 * to every event), from private/secrets.json (see Secrets: no sandboxed
 * command can read it) and, as before, from looop.json (which every one
 * can: `warning` says so). Every mistake is one line naming the file and the
 * key, e.g. `private/secrets.json: "notify"[1].url: …`. A URL is never quoted
 * back: it may hold a secret.
 */
public final class Channels {
    private Channels() {}

    private static final Map<String, Set<String>> KEYS = Map.of(
            "command", Set.of("type", "on", "command"),
            "ntfy", Set.of("type", "on", "url", "token"),
            "webhook", Set.of("type", "on", "url", "format"),
            "desktop", Set.of("type", "on"));

    /** Checks "notify" as the config loader reads looop.json: a mistake fails the load in one line. */
    public static void check(JsonNode notify, String where) {
        parse(notify, where, java.nio.file.Path.of("."), Map.of());
    }

    /**
     * The profile's channels: looop.json's list, then secrets.json's (none
     * when neither lists any). A channel in both (copied, not yet removed
     * from looop.json) counts once: its key is its config's.
     */
    public static List<Channel> load(Paths paths) {
        JsonNode configured = inConfig(paths);
        List<Channel> out = new ArrayList<>(parse(configured, paths.config.getFileName().toString(), paths.data, paths.childEnv()));
        JsonNode secrets = Secrets.read(paths);
        JsonNode list = secrets == null ? null : secrets.get("notify");
        List<Channel> more = parse(list, Secrets.SHOWN, paths.data, paths.childEnv());
        Set<String> seen = new java.util.HashSet<>();
        if (configured != null && configured.isArray()) configured.forEach(c -> seen.add(looop.io.Json.canonical(c)));
        for (int i = 0; i < more.size(); i++) {
            if (!seen.contains(looop.io.Json.canonical(list.get(i)))) out.add(more.get(i));
        }
        return out;
    }

    /** looop.json's "notify", or null. */
    private static JsonNode inConfig(Paths paths) {
        String text = looop.io.Fs.readOrNull(paths.config);
        if (text == null) return null;
        JsonNode root = looop.io.Json.parseOrNull(text);
        if (root == null) throw new UserError(paths.config + ": not valid JSON; `looop doctor` shows where");
        return root.get("notify");
    }

    /**
     * One line when looop.json lists a channel with a secret (every type but
     * desktop: an ntfy topic or token, a webhook URL, a command line), which
     * any sandboxed command could read and use; null otherwise.
     */
    public static String warning(Paths paths) {
        JsonNode notify = inConfig(paths);
        if (notify == null || !notify.isArray()) return null;
        Set<String> exposed = new java.util.TreeSet<>();
        for (JsonNode c : notify) {
            String type = c.path("type").asText("");
            if (!type.equals("desktop")) exposed.add(type.isEmpty() ? "a channel" : type);
        }
        if (exposed.isEmpty()) return null;
        return paths.config.getFileName() + " holds notify secrets (" + String.join(", ", exposed) + ") that every sandboxed command can read:"
                + " move the \"notify\" list into " + Secrets.file(paths) + " as {\"notify\": [...]}, which no sandbox sees";
    }

    public static List<Channel> parse(JsonNode notify, String where, Paths paths) {
        return parse(notify, where, paths.data, paths.childEnv());
    }

    /** The channels notify lists; none when it is absent or null. where names the file in errors. */
    static List<Channel> parse(JsonNode notify, String where, java.nio.file.Path dir, Map<String, String> env) {
        if (notify == null || notify.isNull() || notify.isMissingNode()) return List.of();
        if (!notify.isArray()) throw new UserError(where + ": \"notify\" must be a list of channels, e.g. [{\"type\": \"ntfy\", \"url\": \"https://ntfy.sh/<topic>\"}]");
        List<Channel> out = new ArrayList<>();
        for (int i = 0; i < notify.size(); i++) out.add(one(notify.get(i), where + ": \"notify\"[" + i + "]", dir, env));
        return out;
    }

    private static Channel one(JsonNode c, String at, java.nio.file.Path dir, Map<String, String> env) {
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
        return switch (type) {
            case "command" -> {
                text(c, "command", at, true);
                yield new CommandChannel(c, on, dir, env);
            }
            case "ntfy" -> {
                url(c, at);
                text(c, "token", at, false);
                yield new NtfyChannel(c, on);
            }
            case "webhook" -> {
                url(c, at);
                String f = text(c, "format", at, false);
                if (f != null && !WebhookChannel.FORMATS.contains(f)) throw new UserError(at + ".format: must be json, slack or discord, got '" + f + "'");
                yield new WebhookChannel(c, on);
            }
            default -> new DesktopChannel(c, on, dir, env);
        };
    }

    private static Set<String> events(JsonNode on, String at) {
        if (on == null || on.isNull()) return Set.copyOf(Event.KINDS);
        if (!on.isArray() || on.isEmpty()) throw new UserError(at + ": must be a non-empty list of events from " + String.join(", ", Event.KINDS));
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : on) {
            if (!e.isTextual() || !Event.KINDS.contains(e.textValue())) {
                throw new UserError(at + ": unknown event " + e + "; known: " + String.join(", ", Event.KINDS));
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
