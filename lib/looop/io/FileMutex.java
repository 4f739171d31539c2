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
        ReentrantLock mine = new ReentrantLock();
        ReentrantLock theirs = THREAD_LOCKS.putIfAbsent(this.file, mine); // no computeIfAbsent lambda: see Held
        this.threads = theirs != null ? theirs : mine;
    }

    /**
     * The lock, held until closed: `try (FileMutex.Held held = mutex.hold()) { … }`.
     * The way for code every beat and one-shot command runs: a body passed as
     * a lambda costs a cold JVM a fraction of a millisecond to link
     * (bench/README.md), a try block nothing.
     */
    public final class Held implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Held(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try (FileChannel ch = channel; FileLock l = lock) {
                // closed in reverse order: the lock is released, then its channel closed
            } catch (IOException e) {
                throw Fs.failed(file, e);
            } finally {
                threads.unlock();
            }
        }
    }

    /** Takes the lock, waiting for it as long as it takes. */
    public Held hold() {
        threads.lock();
        FileChannel ch = null;
        Held held = null;
        try {
            ch = open();
            held = new Held(ch, ch.lock());
            return held;
        } catch (IOException e) {
            throw Fs.failed(file, e);
        } finally {
            if (held == null) {
                closeQuietly(ch);
                threads.unlock();
            }
        }
    }

    /** Runs body holding the lock, waiting for it as long as it takes. */
    public <T> T locked(Supplier<T> body) {
        try (Held held = hold()) {
            return body.get();
        }
    }

    public void locked(Runnable body) {
        try (Held held = hold()) {
            body.run();
        }
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

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // it is the lock we failed to take that matters
        }
    }
}
