package looop.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Confines the commands the AI can cause (a decider's tick command, run_shell,
 * user sensors, workers) to a policy plus a per-call {@link Grant}: the whole
 * file system read-only, the write list and the grant writable, a private
 * /tmp, secrets hidden, protected paths read-only whatever the rest says, and
 * the process tree dying with looop.
 */
public final class Sandbox {
    private static final String HOW = "install bubblewrap (apt-get install bubblewrap)";

    private final SandboxPolicy policy;
    private final Backend backend;

    private Sandbox(SandboxPolicy policy, Backend backend) {
        this.policy = policy;
        this.backend = backend;
    }

    /** The sandbox for policy with bwrap from PATH. */
    public static Sandbox of(SandboxPolicy policy) {
        return of(policy, policy.mode() == Mode.OFF ? null : Bwrap.onPath());
    }

    /** The sandbox for policy with bwrap at bwrapBinary (null: none installed); probed once per JVM. */
    public static Sandbox of(SandboxPolicy policy, Path bwrapBinary) {
        if (policy.mode() == Mode.OFF) return new Sandbox(policy, new None(null));
        return new Sandbox(policy, Bwrap.probe(bwrapBinary, policy.network()));
    }

    public SandboxPolicy policy() {
        return policy;
    }

    /** Whether commands are confined. */
    public boolean active() {
        return policy.mode() != Mode.OFF && backend.unavailableReason() == null;
    }

    /** In mode auto without a working backend: the one line to show once per pulse and in status/doctor; else null. */
    public String warning() {
        if (policy.mode() != Mode.AUTO || active()) return null;
        return "sandbox unavailable (" + backend.unavailableReason() + "): commands run unsandboxed; " + HOW
                + " or set sandbox.mode to \"off\" in looop.json";
    }

    /** One line for doctor and status. */
    public String describe() {
        if (policy.mode() == Mode.OFF) return "off (mode off)";
        if (active()) return backend.name() + ": on" + (policy.network() ? "" : ", network off");
        String then = policy.mode() == Mode.REQUIRED ? "commands are refused (mode required)" : "commands run unsandboxed (mode auto)";
        return "unavailable: " + backend.unavailableReason() + "; " + then;
    }

    /**
     * The argv that runs argv confined. A leading `setsid [options]` stays
     * outside, so the command's process group is still led by the pid the
     * caller started (and kills on a timeout): bwrap, whose death ends the rest.
     *
     * @throws SandboxUnavailable in mode required when nothing can confine it
     */
    public List<String> wrap(List<String> argv, Grant grant) {
        if (policy.mode() == Mode.OFF) return List.copyOf(argv);
        if (!active()) {
            if (policy.mode() == Mode.REQUIRED) {
                throw new SandboxUnavailable("sandbox required but unavailable (" + backend.unavailableReason() + "): "
                        + HOW + " or set sandbox.mode to \"auto\" or \"off\" in looop.json");
            }
            return List.copyOf(argv);
        }
        int split = setsidPrefix(argv);
        List<String> out = new ArrayList<>(argv.subList(0, split));
        out.addAll(backend.wrap(argv.subList(split, argv.size()), plan(grant), policy.network(), grant.interactive()));
        return out;
    }

    /** The mounts a command with this grant gets (for tests and `doctor --verbose`-style output). */
    public List<Mount> plan(Grant grant) {
        return MountPlan.of(policy, grant);
    }

    private static int setsidPrefix(List<String> argv) {
        if (argv.isEmpty() || !Path.of(argv.get(0)).getFileName().toString().equals("setsid")) return 0;
        int i = 1;
        while (i < argv.size() && argv.get(i).startsWith("-")) i++;
        return i;
    }
}
