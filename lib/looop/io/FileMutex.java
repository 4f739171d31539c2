package looop.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A check-then-act section shared by every looop process on one directory:
 * an OS lock on a lock file (the kernel drops it when its holder dies), with
 * a JVM-wide lock first, since the JVM refuses a second lock on a file it
 * already holds.
 */
public final class FileMutex {
    private static final java.util.concurrent.ConcurrentHashMap<Path, ReentrantLock> THREAD_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock threads;

    public FileMutex(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.threads = THREAD_LOCKS.computeIfAbsent(this.file, f -> new ReentrantLock());
    }

    /** Runs body holding the lock, waiting for it as long as it takes. */
    public <T> T locked(Supplier<T> body) {
        threads.lock();
        try (FileChannel ch = open(); FileLock held = ch.lock()) {
            return body.get();
        } catch (IOException e) {
            throw Fs.failed(file, e);
        } finally {
            threads.unlock();
        }
    }

    public void locked(Runnable body) {
        locked(() -> {
            body.run();
            return null;
        });
    }

    /** Runs body only if nobody holds the lock now; false when someone does (it is doing the work). */
    public boolean tryLocked(Runnable body) {
        if (!threads.tryLock()) return false;
        try (FileChannel ch = open(); FileLock held = ch.tryLock()) {
            if (held == null) return false;
            body.run();
            return true;
        } catch (IOException e) {
            throw Fs.failed(file, e);
        } finally {
            threads.unlock();
        }
    }

    private FileChannel open() throws IOException {
        Fs.mkdirs(file.toAbsolutePath().getParent());
        return Fs.openPrivate(file);
    }
}
