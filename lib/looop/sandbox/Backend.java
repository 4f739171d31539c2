package looop.sandbox;

import java.util.List;

/**
 * A way to confine a command: bubblewrap on Linux, none where nothing works.
 * Room is left for others (macOS sandbox-exec would turn the same mount plan
 * into a Seatbelt profile).
 */
public interface Backend {
    /** What it is, for doctor and status, e.g. "bubblewrap 0.8.0". */
    String name();

    /** Why it cannot confine commands here (one line), or null when it can. */
    String unavailableReason();

    /** The argv that runs command confined to plan, under the seccomp filter and limits of extra. */
    List<String> wrap(List<String> command, List<Mount> plan, boolean network, boolean interactive, Extra extra);

    /**
     * What a command gets beyond its mounts: the seccomp filter's file, the
     * cgroup.procs files it joins before it starts, and an argv prefix run
     * inside (rlimits that must be set in its own user namespace).
     */
    record Extra(java.nio.file.Path seccompFilter, List<java.nio.file.Path> cgroups, List<String> inside) {
        public Extra {
            cgroups = List.copyOf(cgroups);
            inside = List.copyOf(inside);
        }
    }
}
