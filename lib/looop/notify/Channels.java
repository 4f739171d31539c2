package looop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import looop.profile.Config;
import looop.io.UserError;
import looop.profile.NotifySection;
import looop.profile.Paths;
import looop.profile.Secrets;

/**
 * Reads "notify" (its form and its checks: profile.NotifySection) from
 * private/secrets.json (see Secrets: no sandboxed command can read it) and,
 * as before, from looop.json (which every one can: `warning` says so).
 */
public final class Channels {
    private Channels() {}

    /**
     * The profile's channels: looop.json's list, then secrets.json's (none
     * when neither lists any). A channel in both (copied, not yet removed
     * from looop.json) counts once: its key is its config's.
     */
    public static List<Channel> load(Paths paths, Config config) {
        JsonNode configured = config.notifyList();
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

    /**
     * One line when looop.json lists a channel with a secret (every type but
     * desktop: an ntfy topic or token, a webhook URL, a command line), which
     * any sandboxed command could read and use; null otherwise.
     */
    public static String warning(Paths paths, Config config) {
        JsonNode notify = config.notifyList();
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

    /** The channels notify lists (checked by NotifySection); none when it is absent or null. where names the file in errors. */
    static List<Channel> parse(JsonNode notify, String where, java.nio.file.Path dir, Map<String, String> env) {
        List<Channel> out = new ArrayList<>();
        for (NotifySection.Channel spec : NotifySection.parse(notify, where)) out.add(one(spec, dir, env));
        return out;
    }

    private static Channel one(NotifySection.Channel spec, java.nio.file.Path dir, Map<String, String> env) {
        JsonNode c = spec.node();
        Set<String> on = spec.on();
        return switch (spec.type()) {
            case "command" -> new CommandChannel(c, on, dir, env);
            case "ntfy" -> new NtfyChannel(c, on);
            case "webhook" -> new WebhookChannel(c, on);
            default -> new DesktopChannel(c, on, dir, env);
        };
    }
}
