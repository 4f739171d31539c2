package looop.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns configured paths into the real paths a mount plan may use. Mounts act
 * on real paths, so every symlink is resolved here: otherwise a link on the
 * write list could smuggle a protected path in.
 */
final class RealPaths {
    private RealPaths() {}

    /** Linux's own limit on links followed in one lookup; past it the path is a loop. */
    private static final int MAX_HOPS = 40;

    /** The real paths of those that exist; the rest are dropped (there is nothing to bind). */
    static List<Path> existing(List<Path> paths) {
        Set<Path> out = new LinkedHashSet<>();
        for (Path p : paths) {
            try {
                out.add(p.toAbsolutePath().normalize().toRealPath());
            } catch (IOException missing) {
                // a write or hide entry that does not exist has nothing to mount
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The real paths that must be read-only so that a protected path can be
     * neither changed nor created nor swapped, even when it does not exist yet
     * or is reached through links: the path itself; for a path that does not
     * exist, its nearest existing ancestor (a bind needs something to bind to,
     * and binding there is what stops the file being created); and the
     * directory holding each link on the way (a writable one could replace the link).
     */
    static Set<Path> protectedTargets(List<Path> paths) {
        Set<Path> out = new LinkedHashSet<>();
        // the protected paths share their ancestors (the data dir's above all): each is looked at once per call
        Map<Path, Entry> seen = new HashMap<>();
        for (Path p : paths) walk(p.toAbsolutePath().normalize(), out, 0, seen);
        return out;
    }

    /** What is at a path, not following a link there. */
    private enum Entry { PRESENT, LINK, MISSING }

    private static void walk(Path p, Set<Path> out, int hops, Map<Path, Entry> seen) {
        Path cur = p.getRoot();
        for (int i = 0; i < p.getNameCount(); i++) {
            Path next = cur.resolve(p.getName(i));
            Entry e = entry(next, seen);
            if (e == Entry.LINK) {
                out.add(cur);
                if (hops < MAX_HOPS) walk(rest(linkTarget(cur, next), p, i + 1), out, hops + 1, seen);
                return;
            }
            if (e == Entry.MISSING) {
                out.add(cur);
                return;
            }
            cur = next;
        }
        out.add(cur);
    }

    /** One lstat per path and call. */
    private static Entry entry(Path p, Map<Path, Entry> seen) {
        Entry e = seen.get(p);
        if (e != null) return e;
        try {
            e = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isSymbolicLink() ? Entry.LINK : Entry.PRESENT;
        } catch (IOException | SecurityException missing) {
            e = Entry.MISSING;
        }
        seen.put(p, e);
        return e;
    }

    private static Path linkTarget(Path dir, Path link) {
        try {
            // cur holds no links, so ".." in the target normalizes lexically without lying
            return dir.resolve(Files.readSymbolicLink(link)).normalize();
        } catch (IOException e) {
            return dir;
        }
    }

    private static Path rest(Path base, Path p, int from) {
        Path out = base;
        for (int j = from; j < p.getNameCount(); j++) out = out.resolve(p.getName(j));
        return out.normalize();
    }

    /** Whether p is at or under any of the roots. */
    static boolean under(Path p, Iterable<Path> roots) {
        for (Path r : roots) {
            if (p.startsWith(r)) return true;
        }
        return false;
    }
}
