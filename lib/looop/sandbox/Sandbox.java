package looop.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Confines the commands the AI can cause (a decider's tick command, run_shell,
 * user sensors, workers) to a policy plus a per-call {@link Grant}: the whole
 * file system read-only, the write list and the grant writable, a private
 * /tmp, secrets hidden, protected paths read-only whatever the rest says, no
 * Unix socket (see {@link SocketFilter}), a bound on processes and memory
 * (see {@link Limits}), and the process tree dying with looop.
 */
public final class Sandbox {
    private static final String HOW = "install bubblewrap (apt-get install bubblewrap)";
    /** The data dir's dir for what the sandbox hands bwrap (the seccomp filter): protected, so only looop writes it. */
    public static final String STATE_DIR = ".sandbox";

    private final SandboxPolicy policy;
    private final Backend backend;
    private final Path filter;
    private final Limits limits;

    private Sandbox(SandboxPolicy policy, Backend backend, Path filter, Limits limits) {
        this.policy = policy;
        this.backend = backend;
        this.filter = filter;
        this.limits = limits;
    }

    /** The sandbox for policy with bwrap from PATH. */
    public static Sandbox of(SandboxPolicy policy) {
        return of(policy, policy.mode() == Mode.OFF ? null : Bwrap.onPath());
    }

    /** The sandbox for policy with bwrap at bwrapBinary (null: none installed), its filter in a dir of this JVM's. */
    public static Sandbox of(SandboxPolicy policy, Path bwrapBinary) {
        return of(policy, bwrapBinary, null);
    }

    /**
     * The sandbox for policy with bwrap at bwrapBinary (null: none installed),
     * probed once per JVM; stateDir (null: a temp dir of this JVM's) holds the
     * seccomp filter and must be a dir no sandboxed command can write.
     */
    public static Sandbox of(SandboxPolicy policy, Path bwrapBinary, Path stateDir) {
        if (policy.mode() == Mode.OFF) return new Sandbox(policy, new None(null), null, null);
        Path filter;
        try {
            filter = Filters.ensure(stateDir, policy.allowUnixSockets());
        } catch (java.io.IOException | RuntimeException e) {
            return new Sandbox(policy, new None("cannot write the seccomp filter (" + e.getMessage() + ")"), null, null);
        }
        Bwrap bwrap = Bwrap.probe(bwrapBinary, policy.network(), filter);
        return new Sandbox(policy, bwrap, filter, bwrap.unavailableReason() == null ? Limits.of(policy) : null);
    }

    public SandboxPolicy policy() {
        return policy;
    }

    /** Whether commands are confined. */
    public boolean active() {
        return policy.mode() != Mode.OFF && backend.unavailableReason() == null;
    }

    /**
     * The one line to show once per pulse and in status/doctor, or null: in
     * mode auto without a working backend; or when sandboxed commands run
     * without a configured process or memory limit (nothing here can set it),
     * or with Unix sockets open on a host ABI the seccomp filter cannot read.
     */
    public String warning() {
        if (!active()) {
            return policy.mode() != Mode.AUTO ? null : "sandbox unavailable (" + backend.unavailableReason()
                    + "): commands run unsandboxed; " + HOW + " or set sandbox.mode to \"off\" in looop.json";
        }
        String sockets = filter != null || policy.allowUnixSockets() ? null
                : "Unix sockets are reachable from sandboxed commands (no seccomp filter for " + System.getProperty("os.arch") + " here)";
        String limitsGap = limits.gap();
        if (sockets == null && limitsGap == null) return null;
        if (limitsGap == null) return "sandbox: " + sockets + "; set sandbox.allow_unix_sockets to true to accept it";
        return "sandbox: " + (sockets == null ? "" : sockets + ", and ") + limitsGap;
    }

    /** One line for doctor and status. */
    public String describe() {
        if (policy.mode() == Mode.OFF) return "off (mode off)";
        if (active()) {
            return backend.name() + ": on" + (policy.network() ? "" : ", network off")
                    + (policy.allowUnixSockets() ? ", unix sockets allowed" : filter == null ? ", unix sockets NOT blocked"
                    : ", unix sockets blocked") + "; " + limits.describe();
        }
        String then = policy.mode() == Mode.REQUIRED ? "commands are refused (mode required)" : "commands run unsandboxed (mode auto)";
        return "unavailable: " + backend.unavailableReason() + "; " + then;
    }

    /**
     * The argv that runs argv confined. A leading `setsid [options]` (how
     * Proc gives a command a process group to kill) is dropped for a command
     * without a terminal: bwrap's --new-session gives the command its own
     * session inside, and killing the pid the caller started (bwrap) ends the
     * whole tree, as its child dies with it and takes its pid namespace along.
     * That saves a process start per command. An interactive command keeps
     * the prefix in front of bwrap.
     *
     * @throws SandboxUnavailable in mode required when nothing can confine it
     */
    public List<String> wrap(List<String> argv, Grant grant) {
        return wrap(argv, grant, null);
    }

    /**
     * What one sandbox is made of: the policy, whether it has a terminal, and
     * its mounts. Two sandboxes of one shape show the same files the same
     * way, as long as no mounted path was removed or replaced since.
     */
    public record Shape(SandboxPolicy policy, boolean interactive, List<Mount> plan) {}

    /** The shape a sandbox made now for grant would have; null when commands run unconfined. */
    public Shape shape(Grant grant) {
        return active() ? new Shape(policy, grant.interactive(), plan(grant)) : null;
    }

    /** {@link #wrap(List, Grant)}, handing made (when not null) the shape of the very sandbox it builds. */
    public List<String> wrap(List<String> argv, Grant grant, java.util.function.Consumer<Shape> made) {
        if (policy.mode() == Mode.OFF) return List.copyOf(argv);
        if (!active()) {
            if (policy.mode() == Mode.REQUIRED) {
                throw new SandboxUnavailable("sandbox required but unavailable (" + backend.unavailableReason() + "): "
                        + HOW + " or set sandbox.mode to \"auto\" or \"off\" in looop.json");
            }
            return List.copyOf(argv);
        }
        int split = setsidPrefix(argv);
        List<String> out = new ArrayList<>(grant.interactive() ? argv.subList(0, split) : List.of());
        Backend.Extra extra = new Backend.Extra(filter, limits.join(filter == null ? null : filter.resolveSibling("cgroup-sweep")),
                limits.inside());
        List<Mount> plan = plan(grant);
        out.addAll(backend.wrap(argv.subList(split, argv.size()), plan, policy.network(), grant.interactive(), extra));
        if (made != null) made.accept(new Shape(policy, grant.interactive(), plan));
        return out;
    }

    /** The mounts a command with this grant gets (for tests and `doctor --verbose`-style output). */
    public List<Mount> plan(Grant grant) {
        // the filter's dir, wherever it is (a command that rewrote it would set the next one's rules),
        // and the cgroup mounts, which a write list of "/" would open (a command could leave its cgroup)
        List<Path> mine = new ArrayList<>();
        if (filter != null) mine.add(filter.getParent());
        if (limits != null) mine.addAll(limits.mounts());
        return MountPlan.of(policy, grant.protect(mine));
    }

    private static int setsidPrefix(List<String> argv) {
        if (argv.isEmpty() || !Path.of(argv.get(0)).getFileName().toString().equals("setsid")) return 0;
        int i = 1;
        while (i < argv.size() && argv.get(i).startsWith("-")) i++;
        return i;
    }
}
