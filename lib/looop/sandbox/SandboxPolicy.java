package looop.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The "sandbox" section of looop.json:
 * {"mode": "auto", "write": ["~/code/looop-worktrees"], "deny_read": ["~/.ssh", "~/.aws", "~/.gnupg", …], "network": true}.
 * Paths are absolute once parsed ("~" expanded against the given home);
 * nothing here touches the file system, so a path that does not exist yet is kept.
 */
public record SandboxPolicy(Mode mode, List<Path> write, List<Path> denyRead, boolean network) {
    private static final Set<String> KEYS = Set.of("mode", "write", "deny_read", "network");
    /**
     * Keys, and every browser's profile: its history, session files and
     * cookies hold the web page's sign-in and whatever else the person is
     * signed in to (snap and flatpak builds keep theirs elsewhere).
     */
    public static final List<String> DEFAULT_DENY_READ = List.of("~/.ssh", "~/.aws", "~/.gnupg",
            "~/.config/chromium", "~/.config/google-chrome", "~/.config/BraveSoftware", "~/.mozilla",
            "~/snap/firefox", "~/snap/chromium",
            "~/.var/app/org.mozilla.firefox", "~/.var/app/org.chromium.Chromium", "~/.var/app/com.google.Chrome");

    public SandboxPolicy {
        write = List.copyOf(write);
        denyRead = List.copyOf(denyRead);
    }

    /** The defaults: mode auto, nothing extra writable, the usual secrets hidden, network on. */
    public static SandboxPolicy defaults(Path home) {
        return new SandboxPolicy(Mode.AUTO, List.of(), expand(DEFAULT_DENY_READ, home), true);
    }

    /** Parses the section; null or a JSON null means the defaults. */
    public static SandboxPolicy parse(JsonNode node, Path home) {
        if (node == null || node.isNull() || node.isMissingNode()) return defaults(home);
        if (!node.isObject()) throw new SandboxConfigError("sandbox must be an object like {\"mode\": \"auto\"}");
        rejectUnknownKeys(node);
        Mode mode = node.has("mode") ? Mode.parse(text(node.get("mode"), "sandbox.mode")) : Mode.AUTO;
        List<Path> write = node.has("write") ? expand(strings(node.get("write"), "sandbox.write"), home) : List.of();
        List<Path> deny = node.has("deny_read")
                ? expand(strings(node.get("deny_read"), "sandbox.deny_read"), home)
                : expand(DEFAULT_DENY_READ, home);
        boolean network = !node.has("network") || bool(node.get("network"));
        return new SandboxPolicy(mode, write, deny, network);
    }

    // A typo such as "deny-read" would otherwise silently leave the secrets visible.
    private static void rejectUnknownKeys(JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new SandboxConfigError("sandbox." + key + " is not a sandbox key; allowed: mode, write, deny_read, network");
            }
        }
    }

    private static String text(JsonNode v, String key) {
        if (!v.isTextual()) throw new SandboxConfigError(key + " must be \"auto\", \"required\" or \"off\"");
        return v.asText();
    }

    private static boolean bool(JsonNode v) {
        if (!v.isBoolean()) throw new SandboxConfigError("sandbox.network must be true or false, not " + v);
        return v.asBoolean();
    }

    private static List<String> strings(JsonNode v, String key) {
        String shape = key + " must be a list of paths like [\"~/code\"]";
        if (!v.isArray()) throw new SandboxConfigError(shape);
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isBlank()) throw new SandboxConfigError(shape + ", not " + v);
            out.add(e.asText());
        }
        return out;
    }

    private static List<Path> expand(List<String> paths, Path home) {
        List<Path> out = new ArrayList<>();
        for (String p : paths) out.add(expand(p, home));
        return out;
    }

    /** "~" and "~/x" against home; anything else must already be absolute (a relative path has no fixed meaning here). */
    static Path expand(String p, Path home) {
        Path path;
        if (p.equals("~")) path = home;
        else if (p.startsWith("~/")) path = home.resolve(p.substring(2));
        else path = Path.of(p);
        if (!path.isAbsolute()) {
            throw new SandboxConfigError("sandbox paths must be absolute or start with ~/, not \"" + p + "\"");
        }
        return path.normalize();
    }
}
