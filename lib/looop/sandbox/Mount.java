package looop.sandbox;

import java.nio.file.Path;

/** One step of a mount plan: what the sandbox puts at a real (symlink-free) path (source: only for BIND). */
public record Mount(Kind kind, Path path, Path source) {
    public Mount(Kind kind, Path path) {
        this(kind, path, null);
    }

    /**
     * What goes at the path, in the order steps at the same path are applied:
     * a later kind covers an earlier one, so protection beats a write.
     */
    public enum Kind {
        /** The whole host file system, read-only. */
        ROOT(State.READ_ONLY),
        /** The host path, writable. */
        WRITE(State.WRITABLE),
        /**
         * A writable directory bound onto itself: a mount point cannot be
         * renamed or removed, so an ancestor of a protected path cannot be moved
         * away and replaced by a look-alike that looop would then read.
         */
        PIN(State.WRITABLE),
        /** A minimal /dev (null, zero, tty, urandom…; no disks). */
        DEV(State.SYSTEM),
        /** A /proc of the sandbox's own pid namespace. */
        PROC(State.SYSTEM),
        /** A private, empty, writable /tmp. */
        TMP(State.PRIVATE),
        /** The host path, read-only, where the private /tmp or a hidden dir would cover it. */
        READ(State.READ_ONLY),
        /** The host path, read-only, whatever covers it. */
        PROTECT(State.READ_ONLY),
        /**
         * The host path, writable, by looop's own per-call decision: after
         * PROTECT, so a grant at or under a protected path opens exactly that
         * hole (a worker's claims/ or its own sessions/<id>/).
         */
        GRANT(State.WRITABLE),
        /** Another directory of looop's (source), writable, in place of the path's own: the host path is not reachable there. */
        BIND(State.WRITABLE),
        /** An empty directory over a directory to hide. */
        HIDE_DIR(State.HIDDEN),
        /** An empty file over a file to hide. */
        HIDE_FILE(State.HIDDEN);

        final State state;

        Kind(State state) {
            this.state = state;
        }
    }

    /** What a path looks like inside once a step is applied. */
    enum State { READ_ONLY, WRITABLE, SYSTEM, PRIVATE, HIDDEN }

    int depth() {
        return path.getNameCount();
    }
}
