package looop.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * bubblewrap (bwrap) on Linux. Whether it works is probed once per binary
 * and network setting per JVM, by running `true` under the very flags every
 * command gets: a kernel without user namespaces, a container without
 * CAP_SYS_ADMIN or an AppArmor rule all show up there, not in --version.
 */
public final class Bwrap implements Backend {
    private static final long PROBE_TIMEOUT_S = 10;
    private static final Map<String, Bwrap> PROBED = new ConcurrentHashMap<>();

    private final Path binary;
    private final String version;
    private final String reason;

    private Bwrap(Path binary, String version, String reason) {
        this.binary = binary;
        this.version = version;
        this.reason = reason;
    }

    /** bwrap as found on PATH, or null. */
    public static Path onPath() {
        String bwrap = looop.io.Proc.onPath("bwrap");
        return bwrap == null ? null : Path.of(bwrap);
    }

    /** The backend at binary (null: not installed) with this seccomp filter, probed on first use and then cached. */
    public static Bwrap probe(Path binary, boolean network, Path filter) {
        if (binary == null) return new Bwrap(null, null, "bwrap not found on PATH");
        // get and put, not computeIfAbsent: no lambda on a one-shot command's path (two racing probes agree)
        String key = binary + "|" + network + "|" + filter;
        Bwrap known = PROBED.get(key);
        if (known != null) return known;
        Bwrap b = remembered(binary, network, filter);
        Bwrap raced = PROBED.putIfAbsent(key, b);
        return raced != null ? raced : b;
    }

    /**
     * A probe that passed is remembered beside the filter (looop's own dir,
     * which no sandboxed command can write), keyed on the binary, the boot and
     * the filter: a one-shot `looop tick` then starts no probe processes (two,
     * one of them a whole bwrap). A failed probe is never kept, so a fix shows
     * at once; a reboot, a new bwrap or a new filter probes again.
     */
    private static Bwrap remembered(Path binary, boolean network, Path filter) {
        Path mark = filter == null ? null : filter.resolveSibling(MARK);
        String stamp = mark == null ? null : stamp(binary, network, filter);
        if (stamp != null) {
            String kept = looop.io.Fs.readOr(mark, "");
            if (kept.startsWith(stamp + "\n") && Files.isExecutable(binary)) {
                return new Bwrap(binary, kept.substring(stamp.length() + 1).strip(), null);
            }
        }
        Bwrap b = check(binary, network, filter);
        if (stamp != null && b.reason == null) {
            try {
                looop.io.Fs.writeAtomic(mark, (stamp + "\n" + b.version + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException readOnly) {
                // a looop inside a sandbox cannot write here: it probes each time
            }
        }
        return b;
    }

    private static final String MARK = "bwrap-works";

    /** What the probe's verdict depends on, or null when it cannot be told (then nothing is remembered). */
    private static String stamp(Path binary, boolean network, Path filter) {
        try {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(binary.toRealPath(),
                    java.nio.file.attribute.BasicFileAttributes.class);
            String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            return binary.toRealPath() + " " + a.size() + " " + a.lastModifiedTime().toMillis() + " boot " + boot
                    + " network " + network + " filter " + filter + " " + Files.size(filter);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Bwrap check(Path binary, boolean network, Path filter) {
        if (!Files.isExecutable(binary)) return new Bwrap(binary, null, binary + " is not an executable");
        Bwrap b = new Bwrap(binary, null, null);
        Run v = run(List.of(binary.toString(), "--version"));
        if (v.code != 0) return new Bwrap(binary, null, "`bwrap --version` failed: " + v.out);
        List<Mount> minimal = MountPlan.of(new SandboxPolicy(Mode.REQUIRED, List.of(), List.of(), network), Grant.none());
        Run t = run(b.wrap(List.of("true"), minimal, network, false, new Extra(filter, List.of(), List.of())));
        if (t.code != 0) return new Bwrap(binary, v.out, "bwrap cannot run here: " + t.out);
        return new Bwrap(binary, v.out, null);
    }

    @Override
    public String name() {
        return version != null ? version : "bubblewrap";
    }

    @Override
    public String unavailableReason() {
        return reason;
    }

    /**
     * Java hands a child no descriptor past stderr, and bwrap reads its filter
     * from one: this fixed script opens it as fd 3, writes its own pid to the
     * command's cgroups, then becomes bwrap (the same pid: the one the caller
     * kills to end the tree). Its arguments: the filter ("-": none), the cgroup.procs files, "--", bwrap's argv.
     */
    private static final String ENTER = "[ \"$1\" = - ] || exec 3<\"$1\" || exit 125; shift; "
            + "while [ \"$1\" != -- ]; do echo $$ >\"$1\" || exit 125; shift; done; shift; exec \"$@\"";

    @Override
    public List<String> wrap(List<String> command, List<Mount> plan, boolean network, boolean interactive, Extra extra) {
        Path filter = extra.seccompFilter();
        List<String> a = new ArrayList<>(List.of("/bin/sh", "-c", ENTER, "looop-sandbox", filter == null ? "-" : filter.toString()));
        for (Path c : extra.cgroups()) a.add(c.toString());
        a.addAll(List.of("--", binary.toString(),
                // the whole tree dies with looop: bwrap's child gets SIGKILL when bwrap goes,
                // and as pid 1 of its own namespace it takes every descendant with it
                "--die-with-parent", "--unshare-pid", "--unshare-ipc",
                // as root, bwrap keeps every capability by default: enough to remount the
                // read-only binds writable again or write host sysctls
                "--cap-drop", "ALL",
                // looop's verbs inside take the worker's channel (see Inside)
                "--setenv", Inside.ENV, "1"));
        // Unix sockets, io_uring and foreign ABIs (see SocketFilter)
        if (filter != null) a.addAll(List.of("--seccomp", "3"));
        if (!network) a.add("--unshare-net");
        // no controlling terminal: a command cannot push keystrokes into looop's (TIOCSTI)
        if (!interactive) a.add("--new-session");
        for (int i = 0; i < plan.size(); i++) addMount(a, plan.get(i), lastUnder(plan, i));
        a.add("--");
        a.addAll(extra.inside());
        a.addAll(command);
        return a;
    }

    private static void addMount(List<String> a, Mount m, boolean leaf) {
        String p = m.path().toString();
        switch (m.kind()) {
            case ROOT: case READ: case PROTECT:
                a.addAll(List.of("--ro-bind", p, p));
                break;
            case WRITE: case GRANT: case PIN:
                a.addAll(List.of("--bind", p, p));
                break;
            case BIND:
                a.addAll(List.of("--bind", m.source().toString(), p));
                break;
            case DEV:
                a.addAll(List.of("--dev", p));
                break;
            case PROC:
                // uid 0 without capabilities still passes the permission bits on
                // /proc/sys (kernel.core_pattern runs a program as real root); bwrap 0.8 leaves it writable
                a.addAll(List.of("--proc", p, "--ro-bind", "/proc/sys", p + "/sys"));
                break;
            case TMP:
                a.addAll(List.of("--tmpfs", p));
                break;
            case HIDE_DIR:
                a.addAll(List.of("--tmpfs", p));
                // read-only unless a later step must create its mount point inside
                if (leaf) a.addAll(List.of("--remount-ro", p));
                break;
            case HIDE_FILE:
                a.addAll(List.of("--ro-bind", "/dev/null", p));
                break;
            default:
                throw new IllegalStateException("unknown mount " + m.kind());
        }
    }

    private static boolean lastUnder(List<Mount> plan, int i) {
        Path p = plan.get(i).path();
        for (int j = i + 1; j < plan.size(); j++) {
            if (plan.get(j).path().startsWith(p)) return false;
        }
        return true;
    }

    private record Run(int code, String out) {}

    /** Runs a probe; its output's first line is what a person needs to see. */
    private static Run run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(PROBE_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out after " + PROBE_TIMEOUT_S + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return new Run(p.exitValue(), out.isEmpty() ? "exit " + p.exitValue() : out.lines().findFirst().orElse(""));
        } catch (IOException e) {
            return new Run(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        }
    }
}
