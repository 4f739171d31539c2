package looop.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds each sandboxed command's processes (threads count: the kernel's
 * unit is the task) and memory, by the first mechanism that works here,
 * chosen once per JVM for each resource:
 *
 * <ol>
 * <li>A cgroup of its own per command, which the wrapper joins before bwrap
 *     starts: it bounds the whole tree, root's included, and memory across all
 *     its processes. cgroup v2 where looop may make one (root, or a subtree
 *     systemd delegates to the user), else v1's pids and memory controllers.</li>
 * <li>Else rlimits set inside the sandbox, by prlimit after bwrap made the
 *     user namespace: since Linux 5.14 RLIMIT_NPROC counts per user namespace,
 *     so there it counts this command's processes, not all of the person's
 *     (set before bwrap it would). Root is exempt from RLIMIT_NPROC, so for
 *     root this bounds nothing. RLIMIT_DATA bounds each process's writable
 *     memory (RLIMIT_AS would break node, whose V8 reserves far more address
 *     space than it uses).</li>
 * <li>Else nothing, and {@link #gap} says so for doctor, status and the pulse.</li>
 * </ol>
 */
final class Limits {
    private static final Path PROC_CGROUP = Path.of("/proc/self/cgroup");
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final String PREFIX = "looop-";
    /** An empty cgroup this old is a finished command's: nothing waits this long to join its own. */
    private static final long STALE_S = 300;
    private static final long SWEEP_EVERY_MS = 60_000;
    private static final Map<String, Limits> PROBED = new ConcurrentHashMap<>();
    private static final AtomicLong COUNTER = new AtomicLong();

    /** Where commands' cgroups are made (a v2 parent serves both resources, v1 has one per controller), in which mount. */
    record Hierarchy(Path base, boolean v2, String controller, Path mount) {}

    private final int maxProcesses;
    private final long maxMemoryMb;
    private final Hierarchy pids;
    private final Hierarchy memory;
    private final String prlimit;
    private final boolean root;
    private final AtomicLong lastSweep = new AtomicLong();

    private Limits(int maxProcesses, long maxMemoryMb, Hierarchy pids, Hierarchy memory, String prlimit, boolean root) {
        this.maxProcesses = maxProcesses;
        this.maxMemoryMb = maxMemoryMb;
        this.pids = pids;
        this.memory = memory;
        this.prlimit = prlimit;
        this.root = root;
    }

    /** The limits for policy here, probed once per JVM and setting. */
    static Limits of(SandboxPolicy policy) {
        String key = policy.maxProcesses() + "|" + policy.maxMemoryMb();
        Limits known = PROBED.get(key);
        if (known != null) return known;
        Limits l = probe(policy.maxProcesses(), policy.maxMemoryMb());
        Limits raced = PROBED.putIfAbsent(key, l); // no lambda on a one-shot command's path
        return raced != null ? raced : l;
    }

    private static Limits probe(int maxProcesses, long maxMemoryMb) {
        List<Hierarchy> found = hierarchies();
        Hierarchy pids = maxProcesses == 0 ? null : pick(found, "pids");
        Hierarchy memory = maxMemoryMb == 0 ? null : pick(found, "memory");
        return new Limits(maxProcesses, maxMemoryMb, pids, memory, looop.io.Proc.onPath("prlimit"), isRoot());
    }

    /** The way processes are bounded, for describe: "cgroup v2", "cgroup v1", "rlimit" or null. */
    private String processesVia() {
        if (maxProcesses == 0) return "off";
        if (pids != null) return pids.v2() ? "cgroup v2" : "cgroup v1";
        return nprocWorks() ? "rlimit" : null;
    }

    private String memoryVia() {
        if (maxMemoryMb == 0) return "off";
        if (memory != null) return memory.v2() ? "cgroup v2" : "cgroup v1";
        return prlimit != null ? "rlimit per process" : null;
    }

    private boolean nprocWorks() {
        return !root && prlimit != null;
    }

    /** One line for describe: what bounds a command. */
    String describe() {
        String p = processesVia(), m = memoryVia();
        return "limits " + (maxProcesses == 0 ? "no process limit" : maxProcesses + " processes (" + (p == null ? "none here" : p) + ")")
                + ", " + (maxMemoryMb == 0 ? "no memory limit" : maxMemoryMb + " MiB (" + (m == null ? "none here" : m) + ")");
    }

    /** Why a configured limit cannot hold here (one line), or null when every one does. */
    String gap() {
        List<String> missing = new ArrayList<>();
        if (processesVia() == null) missing.add("process");
        if (memoryVia() == null) missing.add("memory");
        if (missing.isEmpty()) return null;
        String why = root ? "root is exempt from RLIMIT_NPROC and no cgroup can be made here"
                : prlimit == null ? "prlimit (util-linux) is not on PATH and no cgroup can be made here"
                : "no cgroup can be made here";
        return "no " + String.join(" or ", missing) + " limit on sandboxed commands (" + why
                + "): a fork bomb can exhaust the machine; give looop a writable cgroup (v2 delegation, or v1 pids and memory)"
                + (root ? " or run it as a user" : "");
    }

    /**
     * Makes this command's cgroups and returns the cgroup.procs files the
     * wrapper writes its pid to before it becomes bwrap; empty when no cgroup bounds anything.
     */
    List<Path> join() {
        return join(null);
    }

    /**
     * The same; sweepStamp (null: none) is a file of looop's whose age says
     * when any looop of this profile last swept, so one-shot commands (each a
     * new JVM) do not each list every cgroup.
     */
    List<Path> join(Path sweepStamp) {
        // a list and ==, not a set: a record's hashCode and equals link method handles, cold in every one-shot command
        List<Hierarchy> wanted = new ArrayList<>(2);
        if (pids != null) wanted.add(pids);
        if (memory != null && memory != pids) wanted.add(memory);
        if (wanted.isEmpty()) return List.of();
        String name = PREFIX + System.currentTimeMillis() / 1000 + "-" + looop.io.Pid.own() + "-" + COUNTER.incrementAndGet();
        if (sweepDue(sweepStamp)) {
            for (Hierarchy h : wanted) sweep(h);
        }
        List<Path> procs = new ArrayList<>();
        for (Hierarchy h : wanted) {
            Path dir = h.base().resolve(name);
            try {
                Files.createDirectory(dir);
                if (h == pids) setPids(dir);
                if (h == memory) setMemory(dir, h.v2());
            } catch (IOException | RuntimeException e) {
                throw new SandboxUnavailable("cannot make the cgroup that limits a sandboxed command (" + dir + ": " + e
                        + "); fix its permissions or set sandbox.max_processes and sandbox.max_memory_mb to 0 in looop.json");
            }
            procs.add(dir.resolve("cgroup.procs"));
        }
        return procs;
    }

    private void setPids(Path dir) throws IOException {
        write(dir.resolve("pids.max"), String.valueOf(maxProcesses));
    }

    private void setMemory(Path dir, boolean v2) throws IOException {
        String bytes = String.valueOf(maxMemoryMb * 1024 * 1024);
        if (v2) {
            write(dir.resolve("memory.max"), bytes);
            // swap would let the tree go past the limit, only slower
            if (Files.exists(dir.resolve("memory.swap.max"))) write(dir.resolve("memory.swap.max"), "0");
        } else {
            write(dir.resolve("memory.limit_in_bytes"), bytes);
            if (Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) write(dir.resolve("memory.memsw.limit_in_bytes"), bytes);
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.write(file, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The argv prefix that sets rlimits inside the sandbox, after bwrap made its user namespace; empty when not needed. */
    List<String> inside() {
        List<String> out = new ArrayList<>();
        if (pids == null && maxProcesses > 0 && nprocWorks()) out.add("--nproc=" + maxProcesses);
        if (memory == null && maxMemoryMb > 0 && prlimit != null) out.add("--data=" + maxMemoryMb * 1024 * 1024);
        if (out.isEmpty()) return List.of();
        out.add(0, prlimit);
        out.add("--");
        return out;
    }

    private boolean sweepDue(Path stamp) {
        long now = System.currentTimeMillis();
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_MS || !lastSweep.compareAndSet(last, now)) return false;
        if (stamp == null) return true;
        try {
            if (Files.isRegularFile(stamp, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && now - Files.getLastModifiedTime(stamp, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis() < SWEEP_EVERY_MS) {
                return false;
            }
            looop.io.Fs.writeAtomic(stamp, new byte[0]);
        } catch (IOException | RuntimeException cannot) {
            // a looop inside a sandbox, or no state dir: sweep as before
        }
        return true;
    }

    /**
     * Removes finished commands' cgroups: an empty one past STALE_S (one that
     * still holds a process cannot be removed and stays). At most once a minute.
     */
    private static void sweep(Hierarchy h) {
        long nowS = System.currentTimeMillis() / 1000;
        try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(h.base())) {
            for (Path p : s) {
                if (!stale(p.getFileName().toString(), nowS)) continue;
                try {
                    Files.delete(p);
                } catch (IOException busy) {
                    // still running (or someone else's): left for a later sweep
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing to sweep here now
        }
    }

    private static boolean stale(String name, long nowS) {
        if (!name.startsWith(PREFIX)) return false;
        int dash = name.indexOf('-', PREFIX.length());
        try {
            return dash > 0 && nowS - Long.parseLong(name.substring(PREFIX.length(), dash)) > STALE_S;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    // --- finding a place for commands' cgroups ------------------------------------------

    /** The first usable place for controller: cgroup v2 first, then v1. */
    private static Hierarchy pick(List<Hierarchy> found, String controller) {
        for (Hierarchy h : found) {
            if (h.v2() && h.controller().contains(" " + controller + " ")) return h;
        }
        for (Hierarchy h : found) {
            if (!h.v2() && h.controller().equals(controller)) return h;
        }
        return null;
    }

    /**
     * Each place this process may make a child cgroup, proven by making and
     * removing one: a v2 parent (its own cgroup when that is the root, else
     * its parent, as a v2 cgroup with processes cannot have children with
     * controllers) with the controllers it hands down, and v1's pids and memory.
     */
    private static List<Hierarchy> hierarchies() {
        List<Hierarchy> out = new ArrayList<>();
        List<String> own, mounts;
        try {
            own = Files.readAllLines(PROC_CGROUP);
            mounts = Files.readAllLines(MOUNTINFO);
        } catch (IOException | RuntimeException e) {
            return out; // not Linux, or no cgroups
        }
        for (String line : own) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            if (f[1].isEmpty()) {
                Path dir = mounted(mounts, "cgroup2", null, f[2]);
                if (dir == null) continue;
                Path base = f[2].equals("/") ? dir : dir.getParent();
                String handed = " " + read(base.resolve("cgroup.subtree_control")) + " ";
                if (usable(base)) out.add(new Hierarchy(base, true, oneSpaced(handed), mounted(mounts, "cgroup2", null, null)));
            } else {
                for (String c : f[1].split(",")) {
                    if (!c.equals("pids") && !c.equals("memory")) continue;
                    Path dir = mounted(mounts, "cgroup", c, f[2]);
                    if (dir != null && usable(dir)) out.add(new Hierarchy(dir, false, c, mounted(mounts, "cgroup", c, null)));
                }
            }
        }
        return out;
    }

    /**
     * The cgroup mounts commands' cgroups live in: a write list naming "/"
     * would otherwise leave them writable inside, and a command that wrote its
     * pid to the root's cgroup.procs would leave its limits behind.
     */
    List<Path> mounts() {
        List<Path> out = new ArrayList<>();
        for (Hierarchy h : new Hierarchy[] {pids, memory}) {
            if (h != null && h.mount() != null && !out.contains(h.mount())) out.add(h.mount());
        }
        return out;
    }

    /** The directory of own cgroup path (null: the mount point itself) in the mount of this type (v1: holding controller), or null. */
    private static Path mounted(List<String> mountinfo, String type, String controller, String own) {
        for (String line : mountinfo) {
            int sep = line.indexOf(" - ");
            if (sep < 0) continue;
            String[] pre = line.substring(0, sep).split(" ");
            String[] post = line.substring(sep + 3).split(" ");
            if (pre.length < 5 || post.length < 3 || !post[0].equals(type)) continue;
            if (controller != null && !List.of(post[2].split(",")).contains(controller)) continue;
            String root = pre[3];
            if (own == null) return Path.of(pre[4].replace("\\040", " "));
            if (!own.startsWith(root)) continue;
            String rest = own.substring(root.length());
            if (rest.startsWith("/")) rest = rest.substring(1); // by hand: a regex compiles cold in every one-shot command
            return Path.of(pre[4].replace("\\040", " ")).resolve(rest).normalize();
        }
        return null;
    }

    /** Runs of whitespace as one space, by hand: a regex compiles cold in every one-shot command. */
    private static String oneSpaced(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean space = Character.isWhitespace(c);
            if (!space) b.append(c);
            else if (b.length() == 0 || b.charAt(b.length() - 1) != ' ') b.append(' ');
        }
        return b.toString();
    }

    private static boolean usable(Path base) {
        if (!Files.isWritable(base)) return false;
        Path probe = base.resolve(PREFIX + "probe-" + looop.io.Pid.own());
        try {
            Files.createDirectory(probe);
            Files.delete(probe);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
