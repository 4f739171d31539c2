package looop.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import looop.io.Fs;
import looop.io.Pid;
import looop.io.UserError;

/**
 * One beat at a time per profile: an OS lock on .lock/lock, held by the pulse
 * for its whole life and by a one-shot `looop tick` or `looop act` for one
 * beat. The kernel drops it when the process dies, so a lock file left by a
 * killed process never blocks. The stage commands sense, hash and decide run
 * without it (they run side by side in a pipe, and write nothing a beat
 * depends on); act, which moves, takes it.
 */
public final class Lock implements AutoCloseable {
    /** Seconds a one-shot command waits for the lock: LOOOP_LOCK_WAIT, default 10. */
    public static final long DEFAULT_WAIT_S = 10;
    private static final long POLL_MS = 100;
    /** The winner writes its pid just after locking; a loser gives it this long to appear. */
    private static final long PID_GRACE_MS = 1000;

    private final FileChannel channel;
    private final FileLock lock;
    private final Paths paths;
    /** The identity (device, inode) of the file this lock is on: the path must go on naming it. */
    private final Object fileKey;

    private Lock(Paths paths, FileChannel channel, FileLock lock, Object fileKey) {
        this.paths = paths;
        this.channel = channel;
        this.lock = lock;
        this.fileKey = fileKey;
    }

    /** Takes the profile's lock or fails at once with `already running (pid N)`: how the pulse starts. */
    public static Lock acquire(Paths paths) {
        return acquire(paths, Duration.ZERO);
    }

    /** For `looop tick` and `looop act`: wait up to LOOOP_LOCK_WAIT seconds for a beat in progress. */
    public static Lock acquireOneShot(Paths paths) {
        return acquire(paths, Duration.ofSeconds(paths.knob(Knob.LOCK_WAIT, DEFAULT_WAIT_S)));
    }

    /**
     * Takes the lock, waiting up to wait for its holder to let go: a one-shot
     * command queues behind a beat rather than overlap it, but not for hours
     * behind a pulse. Fails in one line naming the holder's pid.
     */
    public static Lock acquire(Paths paths, Duration wait) {
        Seed.requireWritable(paths.data);
        Fs.mkdirs(paths.lockDir());
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            FileChannel ch = Fs.openPrivate(lockFile(paths));
            Object key = Fs.fileKey(lockFile(paths));
            for (;;) {
                FileLock l = tryLock(ch);
                if (l != null && key != null && key.equals(Fs.fileKey(lockFile(paths)))) return held(paths, ch, l, key);
                if (l != null) {
                    // the file was removed or replaced between the open and the lock: this lock guards nothing
                    ch.close();
                    ch = Fs.openPrivate(lockFile(paths));
                    key = Fs.fileKey(lockFile(paths));
                    continue;
                }
                if (System.nanoTime() >= deadline) {
                    ch.close();
                    throw new UserError("already running (pid " + holderPid(paths) + ") on " + paths.data
                            + (wait.isZero() ? "" : " — waited " + wait.toSeconds() + " s (LOOOP_LOCK_WAIT)")
                            + "; watch it with `looop status`, or stop that process first");
                }
                sleep(POLL_MS);
            }
        } catch (IOException e) {
            throw new UserError("cannot take the lock " + lockFile(paths) + " (" + e.getMessage() + "); check the data dir's permissions and free space");
        }
    }

    /** The lock is ours: say who holds it, or let go again if even that cannot be written. */
    private static Lock held(Paths paths, FileChannel ch, FileLock l, Object key) throws IOException {
        try {
            Fs.writeScratch(pidFile(paths), (Pid.own() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            ch.close();
            throw e.getCause();
        }
        return new Lock(paths, ch, l, key);
    }

    /**
     * Fails in one line when .lock/lock is no longer the file this lock is on
     * (deleted or replaced, say by a command the decider ran): a second looop
     * may then have taken a lock of its own, and two beats must never overlap.
     * The pulse checks before every beat.
     */
    public void verify() {
        if (!fileKey.equals(Fs.fileKey(lockFile(paths)))) {
            throw new UserError("the lock file " + lockFile(paths) + " was removed or replaced while this looop held it; another looop may"
                    + " be running on " + paths.data + " — stopping so that two beats never overlap (start it again when only one runs)");
        }
    }

    /** null when someone holds it, this JVM included (which the JVM reports by throwing). */
    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** The pid written by the holder, or "?" when unknown. */
    public static String holder(Paths paths) {
        return Fs.readOr(pidFile(paths), "?").trim();
    }

    /**
     * The live holder's pid for a message. Right after a race the winner may not
     * have written it yet, and a killed holder leaves a stale one: wait briefly
     * for a pid that names a live process.
     */
    private static String holderPid(Paths paths) {
        long until = System.nanoTime() + PID_GRACE_MS * 1_000_000;
        while (true) {
            String pid = holder(paths);
            if (alive(pid) || System.nanoTime() > until) return pid.isEmpty() ? "?" : pid;
            sleep(20);
        }
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether some process holds the lock now (tries it and lets go). */
    public static boolean isHeld(Paths paths) {
        if (Fs.fileKey(lockFile(paths)) == null) return false;
        try (FileChannel ch = Fs.openPrivate(lockFile(paths))) {
            FileLock l = ch.tryLock();
            if (l == null) return true;
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very JVM
        } catch (IOException e) {
            return false;
        }
    }

    private static Path lockFile(Paths paths) {
        return paths.lockDir().resolve("lock");
    }

    private static Path pidFile(Paths paths) {
        return paths.lockDir().resolve("pid");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting for the profile's lock");
        }
    }

    @Override
    public void close() {
        try {
            Fs.delete(pidFile(paths)); // before letting go: after, it may already be the next holder's
        } finally {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
