package looop.act.moves;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import looop.io.Proc;
import looop.profile.Confinement;
import looop.profile.Paths;
import looop.sandbox.Sandbox;

/**
 * run_shell's sandbox, started while the AI decides. Starting bwrap (its
 * namespaces, mounts, filter and cgroups) is most of what the sandbox adds
 * to a command, and a beat that decides waits seconds for its runner: so the
 * beat starts the sandbox a run_shell would need beside the runner, and if
 * the move is a run_shell, only its command runs on the beat's time. The
 * processor time per command is the same; the wait is not. The beat stops
 * the spare when it ends, used or not: an idle loop holds none.
 *
 * A spare is a whole sandbox of its own, made for one command and never
 * reused, so the boundary is the one a command started at that moment gets.
 * It is used only while it is still that: the same policy and the same mounts
 * (a changed config, a write list, a hidden path that appeared since: the
 * outside's look, {@link Sandbox.Shape}); no mounted path removed or replaced
 * since (the inside's look: Linux unmounts such a path in the spare's view,
 * and a new host mount shows up there too, so its mount table would differ);
 * and the same directory and environment. Otherwise the spare is stopped
 * unused and the command gets a sandbox of its own, as without a spare.
 */
public final class SpareShell implements AutoCloseable {
    /**
     * The spare's fixed launcher: it notes its mount table, says R, reads its
     * command (up to a NUL) from stdin, and says G and becomes `bash -c` with
     * it, as Proc runs any command, only when the mount table is the same.
     */
    private static final String LAUNCHER = "mapfile -t a </proc/self/mountinfo; printf R; IFS= read -r -d '' c;"
            + " mapfile -t b </proc/self/mountinfo; [ \"${a[*]}\" = \"${b[*]}\" ] || exit 125; printf G;"
            + " exec " + Proc.shellQuote(Proc.bash()) + " -c \"$c\" </dev/null";
    /** How long a move waits for a spare still starting: past that, its own sandbox would be no quicker. */
    private static final long MAKING_WAIT_MS = 10_000;

    /** A ready sandbox: its launcher said R. */
    private record Spare(Process process, Sandbox.Shape shape, Path dir, Map<String, String> env) {
        boolean fits(Sandbox.Shape now, Proc.Spec spec) {
            return process.isAlive() && shape.equals(now) && dir.equals(spec.dir()) && env.equals(spec.env());
        }
    }

    private final Object lock = new Object();
    /**
     * The one thread that starts spares, kept for the shell's life: bwrap
     * dies with the thread that started it (--die-with-parent is the
     * kernel's parent-death signal, which follows the thread), so a spare
     * started by a thread that then ends would be killed at once.
     */
    private final ExecutorService maker = Executors.newSingleThreadExecutor(new ThreadFactory() {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "looop-spare-shell");
            t.setDaemon(true);
            return t;
        }
    });
    private Spare spare;
    /** The spare being started, until it says R: close() stops it too, so a start that hangs holds nothing. */
    private Process starting;
    private Future<?> making;
    private boolean closed;
    private int handedOver;

    /**
     * Starts, in the background, the sandbox a run_shell would get now (its
     * directory the data dir, its environment the profile's), replacing any
     * unused one; nothing when commands run unconfined or after close.
     */
    public SpareShell prepare(Paths paths, Confinement c) {
        if (!c.sandbox().active()) return this;
        synchronized (lock) {
            if (closed || making != null && !making.isDone()) return this;
            Proc.Spec like = new Proc.Spec("", paths.data, paths.childEnv(), null, null);
            making = maker.submit(() -> make(c, like));
        }
        return this;
    }

    /**
     * Runs spec, a run_shell command in c's sandbox, as Proc.capture would:
     * in the spare when it fits (waiting for one still starting), else in a
     * sandbox of its own.
     */
    public Proc.Result capture(Confinement c, Proc.Spec spec, long maxStdout) {
        Sandbox.Shape now = c.runShellShape();
        // a NUL ends the command for the launcher; Proc refuses such a command itself
        if (now == null || spec.command().indexOf('\0') >= 0) return Proc.capture(spec, maxStdout);
        Spare s = take();
        Proc.Result r = s != null && s.fits(now, spec) ? handOver(s.process(), spec, maxStdout) : null;
        if (r != null) return r;
        if (s != null) Proc.killTree(s.process());
        return Proc.capture(spec, maxStdout);
    }

    /** How many commands ran in a spare so far. */
    public int handedOver() {
        synchronized (lock) {
            return handedOver;
        }
    }

    /** Waits until the spare being made (if any) is ready or given up; for measuring a move apart from it. */
    public void awaitSpare() {
        Future<?> f;
        synchronized (lock) {
            f = making;
        }
        if (f == null) return;
        try {
            f.get(MAKING_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // no spare then: the next command starts its own sandbox
        }
    }

    /** Stops the spare, if unused; none is made after. */
    @Override
    public void close() {
        Spare s;
        Process half;
        synchronized (lock) {
            closed = true;
            s = spare;
            spare = null;
            half = starting;
        }
        maker.shutdown();
        if (s != null) Proc.killTree(s.process());
        if (half != null) Proc.killTree(half);
    }

    private Spare take() {
        awaitSpare();
        synchronized (lock) {
            Spare s = spare;
            spare = null;
            return s;
        }
    }

    /** spec's command run in spare p; null when the spare would not run it (its mounts changed) or is gone. */
    private Proc.Result handOver(Process p, Proc.Spec spec, long maxStdout) {
        try (OutputStream in = p.getOutputStream()) {
            in.write((spec.command() + "\0").getBytes(StandardCharsets.UTF_8));
        } catch (IOException gone) {
            return null;
        }
        try {
            if (p.getInputStream().read() != 'G') return null;
        } catch (IOException gone) {
            return null;
        }
        synchronized (lock) {
            handedOver++;
        }
        return Proc.capture(p, spec, maxStdout);
    }

    private void make(Confinement c, Proc.Spec like) {
        AtomicReference<Sandbox.Shape> shape = new AtomicReference<>();
        Process p;
        synchronized (lock) {
            if (closed) return;
            try {
                p = Proc.startWaiting(new Proc.Spec(LAUNCHER, like.dir(), like.env(), null, null, c.runShell(shape::set)));
            } catch (RuntimeException cannot) {
                return; // the run_shell starts a sandbox of its own and says what is wrong
            }
            starting = p;
        }
        boolean ready = ready(p) && shape.get() != null;
        synchronized (lock) {
            starting = null;
        }
        if (!ready) {
            Proc.killTree(p);
            return;
        }
        Process unused;
        synchronized (lock) {
            if (closed) {
                unused = p;
            } else {
                unused = spare == null ? null : spare.process();
                spare = new Spare(p, shape.get(), like.dir(), like.env());
            }
        }
        if (unused != null) Proc.killTree(unused);
    }

    private static boolean ready(Process p) {
        try {
            return p.getInputStream().read() == 'R';
        } catch (IOException e) {
            return false;
        }
    }
}
