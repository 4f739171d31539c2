package looop.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The "sandbox" section of looop.json:
 * {"mode": "auto", "write": ["~/code/looop-worktrees"], "deny_read": ["~/.ssh", "~/.aws", "~/.gnupg", …], "network": true,
 *  "allow_unix_sockets": false, "max_processes": 1024, "max_memory_mb": 8192, "read": ["/tmp/inbox"]}.
 * Paths are absolute once parsed ("~" expanded against the given home);
 * nothing here touches the file system, so a path that does not exist yet is kept.
 * maxProcesses and maxMemoryMb bound each command's whole tree (0: no limit).
 * read lists paths shown read-only where the private /tmp would cover them
 * (see {@link ReadGrants} for what may not be granted).
 */
public record SandboxPolicy(Mode mode, List<Path> write, List<Path> denyRead, boolean network,
        boolean allowUnixSockets, int maxProcesses, long maxMemoryMb, List<Path> read) {
    private static final Set<String> KEYS = Set.of("mode", "write", "deny_read", "network",
            "allow_unix_sockets", "max_processes", "max_memory_mb", "read");
    /**
     * Keys, and every browser's profile: its history, session files and
     * cookies hold the web page's sign-in and whatever else the person is
     * signed in to (snap and flatpak builds keep theirs elsewhere).
     */
    public static final List<String> DEFAULT_DENY_READ = List.of("~/.ssh", "~/.aws", "~/.gnupg",
            "~/.config/chromium", "~/.config/google-chrome", "~/.config/BraveSoftware", "~/.mozilla",
            "~/snap/firefox", "~/snap/chromium",
            "~/.var/app/org.mozilla.firefox", "~/.var/app/org.chromium.Chromium", "~/.var/app/com.google.Chrome");
    /** Threads count too: node's ~11 per process, a JVM's dozens; a fork bomb stops here. */
    public static final int DEFAULT_MAX_PROCESSES = 1024;
    public static final long DEFAULT_MAX_MEMORY_MB = 8192;
    private static final long MAX_PROCESSES_CEILING = 1_000_000;
    private static final long MAX_MEMORY_CEILING = 1L << 24;

    public SandboxPolicy {
        write = List.copyOf(write);
        denyRead = List.copyOf(denyRead);
        read = List.copyOf(read);
    }

    /** Nothing extra readable. */
    public SandboxPolicy(Mode mode, List<Path> write, List<Path> denyRead, boolean network,
            boolean allowUnixSockets, int maxProcesses, long maxMemoryMb) {
        this(mode, write, denyRead, network, allowUnixSockets, maxProcesses, maxMemoryMb, List.of());
    }

    /** Unix sockets blocked, the default limits. */
    public SandboxPolicy(Mode mode, List<Path> write, List<Path> denyRead, boolean network) {
        this(mode, write, denyRead, network, false, DEFAULT_MAX_PROCESSES, DEFAULT_MAX_MEMORY_MB);
    }

    /** The same policy in another mode (LOOOP_SANDBOX). */
    public SandboxPolicy withMode(Mode m) {
        return new SandboxPolicy(m, write, denyRead, network, allowUnixSockets, maxProcesses, maxMemoryMb, read);
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
        boolean network = !node.has("network") || bool(node.get("network"), "sandbox.network");
        boolean unix = node.has("allow_unix_sockets") && bool(node.get("allow_unix_sockets"), "sandbox.allow_unix_sockets");
        long procs = number(node, "max_processes", DEFAULT_MAX_PROCESSES, MAX_PROCESSES_CEILING, "processes and threads of one command");
        long mb = number(node, "max_memory_mb", DEFAULT_MAX_MEMORY_MB, MAX_MEMORY_CEILING, "MiB of one command");
        List<Path> read = node.has("read") ? expand(strings(node.get("read"), "sandbox.read"), home) : List.of();
        return new SandboxPolicy(mode, write, deny, network, unix, (int) procs, mb, read);
    }

    // A typo such as "deny-read" would otherwise silently leave the secrets visible.
    private static void rejectUnknownKeys(JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new SandboxConfigError("sandbox." + key + " is not a sandbox key; allowed: mode, write, deny_read, network, "
                        + "allow_unix_sockets, max_processes, max_memory_mb, read");
            }
        }
    }

    private static String text(JsonNode v, String key) {
        if (!v.isTextual()) throw new SandboxConfigError(key + " must be \"auto\", \"required\" or \"off\"");
        return v.asText();
    }

    private static boolean bool(JsonNode v, String key) {
        if (!v.isBoolean()) throw new SandboxConfigError(key + " must be true or false, not " + v);
        return v.asBoolean();
    }

    private static long number(JsonNode node, String key, long fallback, long max, String unit) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0 || v.asLong() > max) {
            throw new SandboxConfigError("sandbox." + key + " must be a whole number from 0 to " + max + " (" + unit
                    + ", 0 = no limit), not " + v);
        }
        return v.asLong();
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
