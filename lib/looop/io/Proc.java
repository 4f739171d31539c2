// A module of its own: a script can pull it in with //SOURCES <checkout>/lib/looop/io/Proc.java
//SOURCES UserError.java Pid.java
package looop.io;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Runs one user command the way SPEC.md says every command runs: `bash -c` in
 * looop's own environment plus the profile's exports, in a given directory,
 * with a timeout that kills the command and everything it started.
 *
 * Each command leads a process group of its own (through setsid(1) where
 * util-linux provides it), so "everything it started" is the group: a child
 * that bash left behind is re-parented to init and drops out of the process
 * tree, but it stays in the group, where a timeout still reaches it.
 */
public final class Proc {
    private Proc() {}

    /** Exit code used for a command killed at its timeout, as coreutils' timeout(1) does. */
    public static final int TIMED_OUT = ExitCode.TIMEOUT;

    /** How long a command's leftovers may hold its output pipe after it exited before they are killed. */
    private static final long LEFTOVER_GRACE_MS = 500;

    // Resolved once against looop's own PATH, as ProcessBuilder resolves a bare
    // "bash": the command's PATH (the profile's) need not hold either.
    private static final String BASH = Objects.requireNonNullElse(onPath("bash"), "bash");
    private static final String SETSID = onPath("setsid");
    private static final long OWN_PGID = processGroup(Pid.own());

    /** The bash every command runs in. */
    public static String bash() {
        return BASH;
    }

    /** What a captured run produced. stdout holds at most the cap; stdoutBytes counts all of it. */
    public record Result(int exitCode, boolean timedOut, byte[] stdout, long stdoutBytes, String stderrTail) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /**
     * A command to run: the shell text, its directory, extra environment and
     * limits, and what wraps its argv (a sandbox; identity when null). The
     * wrapper gets the whole argv, a leading `setsid --wait` included, and
     * must keep that prefix in front so the group kill still reaches the
     * command, unless killing the process it starts ends the whole tree by
     * itself (a sandbox's bwrap: its pid namespace dies with it).
     */
    public record Spec(String command, Path dir, Map<String, String> env, byte[] stdin, Duration timeout,
            UnaryOperator<List<String>> wrap) {
        public Spec {
            env = env == null ? Map.of() : env;
            wrap = wrap == null ? UNWRAPPED : wrap;
        }

        public Spec(String command, Path dir, Map<String, String> env, byte[] stdin, Duration timeout) {
            this(command, dir, env, stdin, timeout, null);
        }

        /** This spec with its argv wrapped by wrap. */
        public Spec wrapped(UnaryOperator<List<String>> wrap) {
            return new Spec(command, dir, env, stdin, timeout, wrap);
        }
    }

    /** The argv as it is: no sandbox. A class rather than UnaryOperator.identity(), a lambda to link (Fs.inNameOrder). */
    private static final UnaryOperator<List<String>> UNWRAPPED = new UnaryOperator<>() {
        @Override
        public List<String> apply(List<String> argv) {
            return argv;
        }
    };

    /** Single-quotes a word for bash, so any path or text passes through as one argument. */
    public static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static ProcessBuilder builder(Spec spec) {
        List<String> argv = new ArrayList<>();
        // A child of the JVM never leads a group, so setsid makes the new session
        // in place and execs bash under the same pid: pid == pgid. --wait only
        // matters if it ever had to fork instead: the exit code still comes through.
        if (SETSID != null) argv.addAll(List.of(SETSID, "--wait"));
        argv.addAll(List.of(BASH, "-c", spec.command()));
        ProcessBuilder pb = new ProcessBuilder(spec.wrap().apply(argv));
        pb.directory(spec.dir().toFile());
        pb.environment().putAll(spec.env());
        if (spec.stdin() == null) pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    /** Runs and captures stdout (up to maxStdout bytes, 0 = no cap) and the last 1 KiB of stderr. */
    public static Result capture(Spec spec, long maxStdout) {
        return capture(start(builder(spec), spec.command()), spec, maxStdout);
    }

    /**
     * Starts spec's command with a pipe for its stdin and returns at once:
     * a command made to wait for its work there (a spare sandbox), which
     * {@link #capture(Process, Spec, long)} then hands its stdin and watches.
     */
    public static Process startWaiting(Spec spec) {
        // some stdin, even none, is what leaves the command's stdin a pipe rather than /dev/null
        return start(builder(spec.stdin() != null ? spec : new Spec(spec.command(), spec.dir(), spec.env(), new byte[0],
                spec.timeout(), spec.wrap())), spec.command());
    }

    /**
     * Captures what p, already started, does from now on as {@link #capture(Spec, long)}
     * would: spec's stdin is written to it, and spec's timeout counts from here.
     */
    public static Result capture(Process p, Spec spec, long maxStdout) {
        feedStdin(p, spec.stdin());
        CappedSink out = new CappedSink(maxStdout);
        TailSink err = new TailSink(1024);
        Pump outReader = pump(p, p.getInputStream(), out);
        Pump errReader = pump(p, p.getErrorStream(), err);
        boolean timedOut = !waitFor(p, spec.timeout());
        finish(p, timedOut, outReader, errReader);
        int code = timedOut ? TIMED_OUT : p.exitValue();
        return new Result(code, timedOut, out.bytes(), out.total, err.text());
    }

    /** Runs with stdout and stderr merged into one stream, handing each line to onLine as it comes. */
    public static Result stream(Spec spec, Consumer<String> onLine) {
        ProcessBuilder pb = builder(spec).redirectErrorStream(true);
        Process p = start(pb, spec.command());
        feedStdin(p, spec.stdin());
        LineSink lines = new LineSink(onLine);
        Pump reader = pump(p, p.getInputStream(), lines);
        boolean timedOut = !waitFor(p, spec.timeout());
        finish(p, timedOut, reader);
        lines.flush();
        int code = timedOut ? TIMED_OUT : p.exitValue();
        return new Result(code, timedOut, new byte[0], lines.total, "");
    }

    private static Process start(ProcessBuilder pb, String command) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UserError("cannot start `" + String.join(" ", pb.command().subList(0, pb.command().size() - 1))
                    + " " + command + "`: " + e.getMessage() + " (is bash installed?)");
        }
    }

    private static void feedStdin(Process p, byte[] stdin) {
        if (stdin == null) return;
        Thread t = new Thread(() -> {
            try (OutputStream os = p.getOutputStream()) {
                os.write(stdin);
            } catch (IOException ignored) {
                // the command did not read all of its input; that is its choice
            }
        }, "looop-stdin");
        t.setDaemon(true);
        t.start();
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            if (timeout == null || timeout.isZero()) {
                p.waitFor();
                return true;
            }
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(p);
            throw new UncheckedIOException(new IOException("interrupted while running a command"));
        }
    }

    /**
     * After a timeout, kill the command's whole group. After a normal exit,
     * kill what it left behind still writing to a pipe, as its output was:
     * such a leftover must not keep the caller waiting (nor live on in the
     * background), while a daemon that redirected its output (run_shell may
     * start one on purpose) is left alone.
     *
     * Looking for such leftovers means reading every /proc/<pid>/stat, a few
     * milliseconds per command (bench/README.md), so it is skipped when the
     * readers prove there is none: each saw its pipe's own end of file, which
     * the kernel gives only once every process has closed the pipe's write end.
     */
    private static void finish(Process p, boolean timedOut, Pump... readers) {
        if (timedOut || p.isAlive()) killTree(p);
        joinQuietly(readers, LEFTOVER_GRACE_MS);
        // still blocked: someone in the group holds the pipe, whichever fd it is on
        if (anyAlive(readers)) killOwnGroup(p);
        // not blocked proves little when the JVM closed its end itself, as it may once the command exits
        else if (SETSID != null && !allSawTheirPipesEnd(readers)) killPipeWriters(p.pid());
        joinQuietly(readers, 1000);
        if (!anyAlive(readers)) return;
        // no group to kill (no setsid here) or the holder left it: stop reading
        closeQuietly(p.getInputStream());
        closeQuietly(p.getErrorStream());
        joinQuietly(readers, 1000);
    }

    private static boolean allSawTheirPipesEnd(Pump[] readers) {
        for (Pump r : readers) {
            if (!r.sawPipeEnd) return false;
        }
        return true;
    }

    private static boolean anyAlive(Pump[] pumps) {
        for (Pump t : pumps) {
            if (t.done.getCount() > 0) return true;
        }
        return false;
    }

    /**
     * The group of a command this class started. Its leader may be gone, but
     * the group outlives it, and the kernel does not reuse its id while any
     * member lives (nor soon after: Linux hands out pids cyclically), so
     * killing it after the command exited is safe.
     */
    private static void killOwnGroup(Process p) {
        if (SETSID != null) killGroup(p.pid());
    }

    /** Kills a process, its process group when it leads one, and whatever of its tree is still attached. */
    public static void killTree(Process p) {
        if (processGroup(p.pid()) == p.pid()) killGroup(p.pid());
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL to every process of a group (never looop's own), then a short wait until none of it runs. */
    private static void killGroup(long pgid) {
        if (pgid <= 1 || pgid == OWN_PGID) return;
        try {
            // one kill(2) for the whole group: nothing can fork away between a listing and the signal
            Process kill = new ProcessBuilder(BASH, "-c", "kill -KILL -- -" + pgid + " 2>/dev/null")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        awaitGroupGone(pgid, 1000);
    }

    /** SIGKILL is delivered, not awaited: wait until the group has no running member (Linux's /proc tells). */
    private static void awaitGroupGone(long pgid, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline && !members(pgid).isEmpty()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Kills the members of a group whose stdout or stderr is still a pipe; a few rounds, in case one forked. */
    private static void killPipeWriters(long pgid) {
        for (int round = 0; round < 3; round++) {
            List<Long> writers = new ArrayList<>();
            for (long pid : members(pgid)) if (writesToAPipe(pid)) writers.add(pid);
            if (writers.isEmpty()) return;
            writers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            awaitGone(writers, 1000);
        }
    }

    private static boolean writesToAPipe(long pid) {
        for (String fd : new String[] {"1", "2"}) {
            try {
                if (Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", fd)).toString().startsWith("pipe:")) return true;
            } catch (IOException | UnsupportedOperationException e) {
                // gone, or not ours to look at
            }
        }
        return false;
    }

    private static void awaitGone(List<Long> pids, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline && pids.stream().anyMatch(Proc::running)) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The running (not zombie) processes of group pgid; none where there is
     * no /proc. A plain loop over bytes: a one-shot command runs it cold (when
     * the JDK drained a quick command's pipe first), where a stream of
     * Files.readString calls cost ten times as much (30 ms against 3 here).
     */
    private static List<Long> members(long pgid) {
        List<Long> out = new ArrayList<>();
        String[] names = new File("/proc").list();
        if (names == null) return out;
        for (String name : names) {
            long pid = pidOf(name);
            if (pid < 0) continue;
            Stat st = stat(pid);
            if (st != null && st.live() && st.group() == pgid) out.add(pid);
        }
        return out;
    }

    /** A /proc entry's pid, or -1 when it names no process. */
    private static long pidOf(String name) {
        if (name.isEmpty() || name.length() > 18) return -1;
        long pid = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') return -1;
            pid = pid * 10 + (c - '0');
        }
        return pid;
    }

    /** Whether pid exists and is not a zombie. */
    private static boolean running(long pid) {
        Stat st = stat(pid);
        return st != null && st.live();
    }

    /** A process's group from /proc, or -1 when it is gone or there is no /proc. */
    private static long processGroup(long pid) {
        Stat st = stat(pid);
        return st == null ? -1 : st.group();
    }

    /** What /proc/pid/stat says of a process that looop needs: its state letter and its group. */
    private record Stat(char state, long group) {
        boolean live() {
            return state != 'Z' && state != 'X';
        }
    }

    /** /proc/pid/stat read, or null when pid is gone or there is no /proc. */
    private static Stat stat(long pid) {
        byte[] b = new byte[1024];
        int n;
        try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
            n = in.readNBytes(b, 0, b.length);
        } catch (IOException e) {
            return null;
        }
        // "pid (name) S ppid pgrp …": the name may itself hold spaces or parentheses, so from the last ')'
        int i = n - 1;
        while (i >= 0 && b[i] != ')') i--;
        if (i < 0 || i + 2 >= n) return null;
        char state = (char) b[i + 2];
        i += 4;
        while (i < n && b[i] != ' ') i++; // ppid
        long group = 0;
        boolean any = false;
        for (i++; i < n && b[i] >= '0' && b[i] <= '9'; i++, any = true) group = group * 10 + (b[i] - '0');
        return any ? new Stat(state, group) : null;
    }

    /** The first executable name on looop's own PATH, or null. */
    public static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (isExecutableFile(p)) return p.toString();
        }
        return null;
    }

    /**
     * A regular file (through links) that we may execute. Through java.io.File,
     * whose checks answer false where Files.isRegularFile builds an exception
     * with its stack trace first: PATH scans ask for names that are mostly
     * absent, and every beat scans.
     */
    public static boolean isExecutableFile(Path p) {
        File f = p.toFile();
        return f.isFile() && f.canExecute();
    }

    private static void joinQuietly(Pump[] pumps, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        for (Pump t : pumps) {
            try {
                t.done.await(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private interface Sink {
        void accept(byte[] buf, int len);
    }

    /** The stream class of a child's pipe on Linux, whose exit hook (drain and close) is synchronized on the stream. */
    private static final String PIPE_STREAM = "java.lang.ProcessImpl$ProcessPipeInputStream";

    /**
     * Pump threads are kept for reuse: a pulse pumps two pipes per sensor
     * every beat, and handing a pump to an idle thread costs a fraction of
     * starting one. Daemons, so they never keep a finishing JVM alive.
     */
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(new ThreadFactory() {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "looop-pump");
            t.setDaemon(true);
            return t;
        }
    });

    /**
     * Copies a pipe into a sink until its end. Once the command exits, the JDK
     * drains what is left in the pipe into memory and closes its end (a hook
     * synchronized on the stream; JDK 17 to 25 on Linux), and the end of that
     * copy says nothing about who else still holds the pipe. Holding the
     * stream's lock from before the command exited until the end keeps that
     * hook out, so the end seen is the kernel's, and the pump says so.
     */
    private static Pump pump(Process p, InputStream in, Sink sink) {
        Pump pump = new Pump(p, in, sink);
        PUMPS.execute(pump);
        return pump;
    }

    /** One of a command's pipes being copied into a sink. */
    private static final class Pump implements Runnable {
        final CountDownLatch done = new CountDownLatch(1);
        /** Whether the end of the stream was the pipe's own: no process holds its write end any more. */
        volatile boolean sawPipeEnd;
        private final Process p;
        private final InputStream in;
        private final Sink sink;

        Pump(Process p, InputStream in, Sink sink) {
            this.p = p;
            this.in = in;
            this.sink = sink;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                synchronized (in) {
                    boolean own = PIPE_STREAM.equals(in.getClass().getName()) && p.isAlive();
                    try (in) {
                        int n;
                        while ((n = in.read(buf)) > 0) sink.accept(buf, n);
                        sawPipeEnd = own && n < 0;
                    } catch (IOException ignored) {
                        // stream closed under us after the command ended
                    }
                }
            } finally {
                done.countDown();
            }
        }
    }

    /** Keeps the first cap bytes (0 = all) and counts the rest. */
    private static final class CappedSink implements Sink {
        private final long cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        volatile long total;

        CappedSink(long cap) {
            this.cap = cap;
        }

        public synchronized void accept(byte[] buf, int len) {
            total += len;
            long room = cap == 0 ? len : Math.max(0, cap + 1 - kept.size());
            kept.write(buf, 0, (int) Math.min(room, len));
        }

        synchronized byte[] bytes() {
            return kept.toByteArray();
        }
    }

    /** Keeps the last max bytes. */
    private static final class TailSink implements Sink {
        private final int max;
        private byte[] tail = new byte[0];

        TailSink(int max) {
            this.max = max;
        }

        public synchronized void accept(byte[] buf, int len) {
            int keep = Math.min(max, tail.length + len);
            byte[] next = new byte[keep];
            int fromOld = keep - Math.min(len, keep);
            System.arraycopy(tail, tail.length - fromOld, next, 0, fromOld);
            System.arraycopy(buf, len - (keep - fromOld), next, fromOld, keep - fromOld);
            tail = next;
        }

        synchronized String text() {
            return new String(tail, StandardCharsets.UTF_8);
        }
    }

    /** Longest line a stream keeps; the rest of a longer one is dropped, so binary output cannot exhaust memory. */
    public static final int MAX_LINE_BYTES = 8 << 20;

    /** Splits bytes into UTF-8 lines for a consumer (bytes that are not UTF-8 become U+FFFD). */
    private static final class LineSink implements Sink {
        private final Consumer<String> onLine;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        volatile long total;

        LineSink(Consumer<String> onLine) {
            this.onLine = onLine;
        }

        public synchronized void accept(byte[] buf, int len) {
            total += len;
            for (int i = 0; i < len; i++) {
                if (buf[i] == '\n') emit();
                else if (line.size() < MAX_LINE_BYTES) line.write(buf[i]);
            }
        }

        synchronized void flush() {
            if (line.size() > 0) emit();
        }

        private void emit() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            onLine.accept(s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
        }
    }
}
