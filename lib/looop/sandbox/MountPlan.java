package looop.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import looop.sandbox.Mount.Kind;
import looop.sandbox.Mount.State;

/**
 * The mounts that make one command's view of the file system, backend-neutral.
 *
 * Steps are sorted shallow to deep (and, at one path, in {@link Kind} order):
 * a mount covers only its own subtree, so after this sort each path ends up
 * with the rule of its nearest enclosing step. Steps that change nothing are
 * dropped, so a command pays only for the mounts that matter.
 */
public final class MountPlan {
    private MountPlan() {}

    private static final Path ROOT = Path.of("/");
    private static final Path DEV = Path.of("/dev");
    private static final Path PROC = Path.of("/proc");
    private static final Path TMP = Path.of("/tmp");

    /**
     * Shallow to deep, then by kind, then by path. A class, not
     * Comparator.comparing…: those lambdas are serializable, so a one-shot
     * JVM spins them at run time instead of taking them from the archive.
     */
    private static final Comparator<Mount> ORDER = new Comparator<>() {
        @Override
        public int compare(Mount a, Mount b) {
            int c = Integer.compare(a.depth(), b.depth());
            if (c == 0) c = a.kind().compareTo(b.kind());
            return c != 0 ? c : a.path().compareTo(b.path());
        }
    };

    public static List<Mount> of(SandboxPolicy policy, Grant grant) {
        Set<Path> protectedTargets = RealPaths.protectedTargets(grant.protectedPaths());
        List<Mount> steps = new ArrayList<>(List.of(
                new Mount(Kind.ROOT, ROOT), new Mount(Kind.DEV, DEV), new Mount(Kind.PROC, PROC), new Mount(Kind.TMP, TMP)));
        // protection beats the config's write list, even a list naming "/" or the data dir itself
        for (Path w : RealPaths.existing(policy.write())) {
            if (!RealPaths.under(w, protectedTargets)) addWrite(steps, Kind.WRITE, w);
        }
        for (Path w : RealPaths.existing(grant.writable())) addWrite(steps, Kind.GRANT, w);
        for (Path p : protectedTargets) steps.add(new Mount(Kind.PROTECT, p));
        for (java.util.Map.Entry<Path, Path> b : grant.bound().entrySet()) bind(steps, b.getKey(), b.getValue());
        List<Path> readable = new ArrayList<>(grant.readable());
        readable.addAll(policy.read()); // vetted by ReadGrants before any command runs
        for (Path r : RealPaths.existing(readable)) steps.add(new Mount(Kind.READ, r));
        List<Path> hidden = new ArrayList<>(policy.denyRead());
        hidden.addAll(grant.hidden());
        for (Path h : RealPaths.existing(hidden)) steps.add(new Mount(Files.isDirectory(h) ? Kind.HIDE_DIR : Kind.HIDE_FILE, h));
        steps.sort(ORDER);
        List<Mount> kept = prune(steps);
        kept.addAll(pins(kept));
        kept.sort(ORDER);
        return kept;
    }

    // /dev and /proc are made fresh for the sandbox; a host bind there would undo that
    private static void addWrite(List<Mount> steps, Kind kind, Path w) {
        if (!w.startsWith(DEV) && !w.startsWith(PROC)) steps.add(new Mount(kind, w));
    }

    // both must exist (looop makes them); a bind that cannot be made leaves the target as it is around it
    private static void bind(List<Mount> steps, Path target, Path source) {
        List<Path> t = RealPaths.existing(List.of(target));
        List<Path> s = RealPaths.existing(List.of(source));
        if (!t.isEmpty() && !s.isEmpty() && Files.isDirectory(s.get(0))) steps.add(new Mount(Kind.BIND, t.get(0), s.get(0)));
    }

    private static List<Mount> prune(List<Mount> sorted) {
        List<Mount> kept = new ArrayList<>();
        for (Mount m : sorted) {
            if (m.kind() == Kind.ROOT || needed(m, enclosing(kept, m.path()).kind().state)) kept.add(m);
        }
        return kept;
    }

    private static boolean needed(Mount m, State around) {
        switch (m.kind()) {
            case DEV: case PROC: case TMP: case BIND:
                return true;
            case WRITE: case GRANT:
                return around != State.WRITABLE;
            case PROTECT:
                // elsewhere the path is read-only already, or not the host's at all
                return around == State.WRITABLE;
            case READ:
                return around == State.PRIVATE || around == State.HIDDEN;
            default: // HIDE_*: only host paths that can be seen need covering
                return around == State.READ_ONLY || around == State.WRITABLE;
        }
    }

    /** The nearest kept step at or above path: the last one in sorted order, as it was applied last. */
    private static Mount enclosing(List<Mount> kept, Path path) {
        for (int i = kept.size() - 1; i >= 0; i--) {
            if (path.startsWith(kept.get(i).path())) return kept.get(i);
        }
        throw new IllegalStateException("no root step");
    }

    /**
     * A pin for every directory between a protected path and the writable
     * step around it: renaming any of them would carry the protected path
     * away (mounts move with their directory) and leave room for a look-alike.
     */
    private static List<Mount> pins(List<Mount> kept) {
        Set<Path> mounted = new LinkedHashSet<>();
        for (Mount m : kept) mounted.add(m.path());
        Set<Path> pins = new LinkedHashSet<>();
        for (int i = 0; i < kept.size(); i++) {
            Mount m = kept.get(i);
            if (m.kind() != Kind.PROTECT) continue;
            // by position, not indexOf: a record's equals links method handles, cold in a one-shot command
            Path top = enclosing(kept.subList(0, i), m.path()).path();
            for (Path d = m.path().getParent(); d != null && d.startsWith(top) && !d.equals(top); d = d.getParent()) {
                if (!mounted.contains(d)) pins.add(d);
            }
        }
        List<Mount> out = new ArrayList<>();
        for (Path p : pins) out.add(new Mount(Kind.PIN, p));
        return out;
    }
}
