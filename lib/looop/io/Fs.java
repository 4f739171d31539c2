package looop.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * File primitives with the durability rules of DESIGN.md: atomic replace,
 * whole-line append, and privacy (everything looop creates is the user's
 * alone: directories 0700, files 0600, scripts 0700).
 */
public final class Fs {
    private Fs() {}

    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> PRIVATE_SCRIPT = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    /**
     * Appends from threads of one JVM take turns here before taking the OS lock:
     * the JVM refuses a second lock on a file it already locks (OverlappingFileLockException).
     */
    private static final ReentrantLock APPENDS = new ReentrantLock();

    /** Replaces path with text: temp file in the same dir, fsync, rename, fsync the dir. A reader never sees half a file. */
    public static void writeAtomic(Path path, String text) {
        writeAtomic(path, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeAtomic(Path path, byte[] bytes) {
        writeAtomic(path, bytes, PRIVATE_FILE);
    }

    /**
     * The same with the file's mode set before the rename, so a script is never
     * seen without its execute bit: the mode and the bytes arrive together.
     */
    public static void writeAtomic(Path path, byte[] bytes, Set<PosixFilePermission> mode) {
        write(path, bytes, mode, true);
    }

    /**
     * Atomic replace without the syncs, for scratch a beat rebuilds anyway
     * (snapshots, a run's prompt, the lock's pid): a reader still never sees
     * half a file, and a crash still leaves the old file or the new one, but a
     * power cut may bring the old one back. Syncing the directory costs a
     * journal commit (milliseconds on a real disk) per file; scratch is not
     * worth it.
     */
    public static void writeScratch(Path path, byte[] bytes) {
        write(path, bytes, PRIVATE_FILE, false);
    }

    private static void write(Path path, byte[] bytes, Set<PosixFilePermission> mode, boolean durable) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            createDirs(dir);
            Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    writeFully(ch, bytes);
                    if (durable) ch.force(true);
                }
                chmod(tmp, mode);
                try {
                    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                }
                if (durable) syncDir(dir);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw failed(path, e);
        }
    }

    /**
     * Makes a rename or a new name durable: the name lives in the directory, and
     * without this a power cut can bring back the old file after the new one was
     * reported written. Best effort: some file systems refuse to sync a directory.
     */
    public static void syncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // nothing better to do: the data itself is already synced
        }
    }

    /**
     * Appends one line to a scratch log (events.jsonl, the rendered runner
     * output): whole or not at all, never synced, and a failure is dropped. A
     * full disk must not kill a beat in the middle of a diagnostic line (least
     * of all on a reader thread); the durable writes that follow report it.
     */
    public static void appendLine(Path path, String line) {
        try {
            appendLine(path, line, false);
        } catch (UncheckedIOException e) {
            // see above: the next durable write fails in one line if the disk is really full
        }
    }

    /**
     * Appends one whole line or nothing. Under an exclusive lock on the file
     * (and a JVM-wide one, see APPENDS) the line goes out in one O_APPEND write;
     * if the disk fills half way, the half line is cut off again, so a reader
     * never meets a torn line and concurrent writers never interleave. durable
     * syncs the line to disk before returning (the journal and the cost ledger).
     */
    public static void appendLine(Path path, String line, boolean durable) {
        byte[] bytes = (line.endsWith("\n") ? line : line + "\n").getBytes(StandardCharsets.UTF_8);
        APPENDS.lock();
        try (FileChannel ch = openForAppend(path); FileLock lock = ch.lock()) {
            long start = ch.size();
            try {
                writeFully(ch, bytes);
                if (durable) ch.force(false);
            } catch (IOException e) {
                truncateQuietly(ch, start);
                throw e;
            }
        } catch (IOException e) {
            throw failed(path, e);
        } finally {
            APPENDS.unlock();
        }
    }

    /**
     * The error with the file it was about: a bare write error ("No space left
     * on device") names no file, and the one line a user sees should.
     */
    static UncheckedIOException failed(Path path, IOException e) {
        if (e instanceof FileSystemException && ((FileSystemException) e).getFile() != null) return new UncheckedIOException(e);
        FileSystemException named = new FileSystemException(path.toString(), null, e.getMessage());
        named.initCause(e);
        return new UncheckedIOException(named);
    }

    /** Opens (creating it 0600 if need be) a file for writing, such as a lock file. */
    public static FileChannel openPrivate(Path path) throws IOException {
        try {
            return FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
    }

    private static FileChannel openForAppend(Path path) throws IOException {
        createDirs(path.toAbsolutePath().getParent());
        try {
            return FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                    PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        } catch (FileAlreadyExistsException e) {
            return FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
    }

    /** A single write may be short (a signal, a nearly full disk); keep writing until every byte is out. */
    private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static void truncateQuietly(FileChannel ch, long size) {
        try {
            ch.truncate(size);
        } catch (IOException e) {
            // the write already failed; that error is the one to report
        }
    }

    /** Makes a file that came from elsewhere (a runner's decision) 0600, best effort. */
    public static void makePrivate(Path file) {
        try {
            chmod(file, PRIVATE_FILE);
        } catch (IOException e) {
            // keeping its mode is no reason to refuse the file
        }
    }

    private static void chmod(Path p, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.setPosixFilePermissions(p, mode);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own defaults apply
        }
    }

    /** Creates dir and any missing parents as 0700: a profile holds prompts, reports and spend. */
    private static void createDirs(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    /** The file's text, or null when it does not exist. */
    public static String readOrNull(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String readOr(Path path, String fallback) {
        String s = readOrNull(path);
        return s == null ? fallback : s;
    }

    /** Regular files in dir (not following links out) whose name ends with suffix, in name order. */
    public static List<Path> listFiles(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .filter(p -> Files.isRegularFile(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Subdirectories of dir (not links), in no particular order. */
    public static java.util.ArrayList<Path> listDirs(Path dir) {
        if (!Files.isDirectory(dir)) return new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long modifiedMillis(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    public static void deleteTree(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(path)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a file if it exists. */
    public static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void mkdirs(Path dir) {
        try {
            createDirs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
