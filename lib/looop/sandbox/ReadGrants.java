package looop.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a read grant (sandbox.read, or a sensor's `# looop:read=` header) may
 * show: a path the private /tmp covers, read-only, and nothing the sandbox
 * hides. A grant is resolved to its real path first (the mount is made there,
 * so a link cannot carry a hidden path in under another name) and refused,
 * in one line, when it is:
 *
 * <ul>
 * <li>`/` or `/tmp` itself: all of /tmp, its sockets and other users' files with it;</li>
 * <li>under /proc or /dev, which the sandbox makes fresh (/proc/1/root is the host's whole tree);</li>
 * <li>at or under a hidden path (deny_read, the data dir's private/, outbox/, the tmux socket's dir):
 *     a grant never re-exposes what the deny list hides;</li>
 * <li>at or under a path on sandbox.write: sandboxed commands could swap it for a link to a hidden
 *     path before the next start (it is visible there anyway).</li>
 * </ul>
 *
 * A grant that does not exist is no refusal: it shows nothing (a sensor that
 * reads it meets "No such file", and the beat line says so).
 */
public final class ReadGrants {
    private ReadGrants() {}

    private static final Path ROOT = Path.of("/");
    private static final Path TMP = Path.of("/tmp");
    private static final Path PROC = Path.of("/proc");
    private static final Path DEV = Path.of("/dev");

    /** Why grant may not be shown, with the fix, or null when it may; hidden and writable as configured (links resolved here). */
    public static String refusal(Path grant, List<Path> hidden, List<Path> writable) {
        Path lexical = grant.toAbsolutePath().normalize();
        if (lexical.startsWith(PROC) || lexical.startsWith(DEV)) {
            return "read grant " + lexical + " is under /proc or /dev, which the sandbox makes its own; remove it";
        }
        Path real = realOrNull(lexical);
        if (real == null) return null;
        String shown = lexical.equals(real) ? lexical.toString() : lexical + " (a link to " + real + ")";
        if (real.equals(ROOT) || real.equals(TMP)) {
            return "read grant " + shown + " would show all of /tmp, sockets included; name the directory under /tmp to read";
        }
        if (real.startsWith(PROC) || real.startsWith(DEV)) return "read grant " + shown + " is under /proc or /dev, which the sandbox makes its own; remove it";
        Path h = covering(real, lexical, hidden);
        if (h != null) return "read grant " + shown + " is hidden by the sandbox (" + h + "); a read grant never shows what it hides, remove it";
        Path w = covering(real, lexical, writable);
        if (w != null) {
            return "read grant " + shown + " is under sandbox.write " + w
                    + ", which sandboxed commands can change under it; it is readable there already, remove it";
        }
        return null;
    }

    /** The first refusal among grants, or null. */
    public static String refusal(List<Path> grants, List<Path> hidden, List<Path> writable) {
        for (Path g : grants) {
            String r = refusal(g, hidden, writable);
            if (r != null) return r;
        }
        return null;
    }

    /** The root (as given or as resolved) at or above p, lexically or really, or null. */
    private static Path covering(Path real, Path lexical, List<Path> roots) {
        for (Path r : roots) {
            Path n = r.toAbsolutePath().normalize();
            Path rr = realOrNull(n);
            if (real.startsWith(n) || lexical.startsWith(n) || (rr != null && real.startsWith(rr))) return n;
        }
        return null;
    }

    private static Path realOrNull(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
