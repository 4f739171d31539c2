package looop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;

/**
 * One pulse per profile: an OS lock on .lock/lock. The kernel drops it when
 * the process dies, so a lock file left by a killed pulse never blocks.
 */
public final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final Paths paths;

    private Lock(Paths paths, FileChannel channel, FileLock lock) {
        this.paths = paths;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the profile's lock or fails with `already running (pid N)`. */
    public static Lock acquire(Paths paths) {
        Fs.mkdirs(paths.lockDir());
        try {
            FileChannel ch = FileChannel.open(paths.lockDir().resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                throw new UserError("already running (pid " + holder(paths) + ") on " + paths.data
                        + "; watch it with `looop status`, or stop that process first");
            }
            Fs.writeAtomic(paths.lockDir().resolve("pid"), ProcessHandle.current().pid() + "\n");
            return new Lock(paths, ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pid written by the holder, or "?" when unknown. */
    public static String holder(Paths paths) {
        return Fs.readOr(paths.lockDir().resolve("pid"), "?").trim();
    }

    /** Whether some process holds the lock now (tries it and lets go). */
    public static boolean isHeld(Paths paths) {
        if (!java.nio.file.Files.exists(paths.lockDir().resolve("lock"))) return false;
        try (FileChannel ch = FileChannel.open(paths.lockDir().resolve("lock"), StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return true;
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true; // held by this very JVM
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            Fs.delete(paths.lockDir().resolve("pid"));
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
