// Part of the Fs module: its closure is Fs.java, Tree.java and UnsafePathException.java (no libraries).
//SOURCES Tree.java UnsafePathException.java
package looop.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A name part no other thread or process picks: 64 random bits (seeded
     * from this process's clocks) and a counter. Not a UUID, whose
     * SecureRandom loads the JDK's security providers, nor the pid, whose
     * ProcessHandle starts the JVM's lambda machinery: each is milliseconds
     * at every start of a one-shot command. It need not be unguessable: temp
     * names are created O_EXCL (a planted file makes the write fail, never
     * redirects it).
     */
    public static String unique() {
        return Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + "-" + COUNTER.incrementAndGet();
    }

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
            Tree.Place place = Tree.locate(path);
            if (place != null) {
                writeInTree(place, bytes, mode, durable);
                return;
            }
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
     * The same inside the data dir, by handle: the temp file is created
     * (O_EXCL, no links) in the directory opened without following links, and
     * renamed over the name, which replaces whatever was planted there (a link
     * is replaced, never written through).
     */
    private static void writeInTree(Tree.Place place, byte[] bytes, Set<PosixFilePermission> mode, boolean durable) throws IOException {
        try (Tree.Dir dir = Tree.open(place, true)) {
            writeIn(dir, place.name(), bytes, mode, durable);
        }
    }

    private static void writeIn(Tree.Dir dir, String name, byte[] bytes, Set<PosixFilePermission> mode, boolean durable) throws IOException {
        String tmp = "." + name + "." + unique() + ".tmp";
        try {
            try (FileChannel ch = dir.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PRIVATE_FILE)) {
                writeFully(ch, bytes);
                if (durable) ch.force(true);
            }
            dir.chmod(tmp, mode); // explicitly: the umask may have taken bits off the create mode
            dir.rename(tmp, dir, name);
            if (durable) dir.sync();
        } finally {
            try {
                dir.unlink(tmp);
            } catch (NoSuchFileException e) {
                // renamed into place: the normal case
            }
        }
    }

    /**
     * Makes dir (below the data dir) hold exactly files, name → bytes, as a
     * wipe and a rewrite would, through one handle on dir: a file that holds
     * those bytes already is kept, the others are written as scratch (temp,
     * rename), and every other entry (a stale file, a planted link, FIFO or
     * directory, a crashed write's temp) is removed. A dir that is not a
     * directory (a planted link) is replaced by one. What a beat's snapshots
     * need: most readings are the last beat's, and wiping and rewriting each
     * one was half of a skip beat's own work (bench/README.md).
     */
    public static void replaceScratchDir(Path dir, Map<String, byte[]> files) {
        Tree.Place place = Tree.locate(dir);
        if (place == null) {
            deleteTree(dir);
            files.forEach((name, bytes) -> writeScratch(dir.resolve(name), bytes));
            return;
        }
        try (Tree.Dir parent = Tree.open(place, true)) {
            BasicFileAttributes a = parent.statOrNull(place.name());
            if (a != null && !a.isDirectory()) Tree.deleteTree(parent, place.name());
            if (a == null || !a.isDirectory()) mkdirs(dir);
            try (Tree.Dir here = parent.child(place.name())) {
                for (String name : here.names()) {
                    if (!files.containsKey(name)) Tree.deleteTree(here, name);
                }
                for (var e : files.entrySet()) {
                    if (!holds(here, e.getKey(), e.getValue())) writeIn(here, e.getKey(), e.getValue(), PRIVATE_FILE, false);
                }
            }
        } catch (IOException e) {
            throw failed(dir, e);
        }
    }

    /**
     * Whether name is a regular file holding exactly bytes. Opened read-write
     * without following links, which never blocks even on a FIFO planted in
     * its place, and read only when its size says it can match (a FIFO's is 0).
     */
    private static boolean holds(Tree.Dir dir, String name, byte[] bytes) throws IOException {
        BasicFileAttributes a = dir.statOrNull(name);
        if (a == null || !a.isRegularFile() || a.size() != bytes.length) return false;
        try (FileChannel ch = dir.open(name, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE), PRIVATE_FILE)) {
            if (ch.size() != bytes.length) return false;
            ByteBuffer buf = ByteBuffer.allocate(bytes.length);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read until full, or the file turned out shorter
            }
            return !buf.hasRemaining() && Arrays.equals(buf.array(), bytes);
        } catch (FileSystemException e) {
            return false; // gone, or swapped for something that cannot be opened so: it is rewritten
        }
    }

    /**
     * Makes a rename or a new name durable: the name lives in the directory, and
     * without this a power cut can bring back the old file after the new one was
     * reported written. Best effort: some file systems refuse to sync a directory.
     */
    public static void syncDir(Path dir) {
        Tree.Place inside = Tree.locate(dir.resolve("x"));
        if (inside != null) {
            try (Tree.Dir d = Tree.open(inside, false)) {
                if (d != null) d.sync();
            } catch (IOException | RuntimeException e) {
                // best effort, as below
            }
            return;
        }
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
    public static UncheckedIOException failed(Path path, IOException e) {
        if (e instanceof FileSystemException && ((FileSystemException) e).getFile() != null) return new UncheckedIOException(e);
        FileSystemException named = new FileSystemException(path.toString(), null, e.getMessage());
        named.initCause(e);
        return new UncheckedIOException(named);
    }

    /** Opens (creating it 0600 if need be) a file for writing, such as a lock file. */
    public static FileChannel openPrivate(Path path) throws IOException {
        Tree.Place place = Tree.locate(path);
        if (place != null) return openInTree(place, false);
        try {
            return FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
    }

    private static FileChannel openForAppend(Path path) throws IOException {
        Tree.Place place = Tree.locate(path);
        if (place != null) return openInTree(place, true);
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

    /**
     * Opens a file of the data dir for writing in place (a ledger, a lock):
     * only a regular file with one link, reached without following links, so
     * a planted link, hard link or FIFO is refused rather than written through
     * (a FIFO would also block the open). Read+write never blocks on a FIFO;
     * the checks before and after the open must name the same file, so a swap
     * in between is refused too.
     */
    private static FileChannel openInTree(Tree.Place place, boolean append) throws IOException {
        try (Tree.Dir dir = Tree.open(place, true)) {
            java.nio.file.attribute.BasicFileAttributes before = dir.statOrNull(place.name());
            if (before != null) requireOwnFile(place, before);
            Set<StandardOpenOption> opts = append
                    ? Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                    : Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileChannel ch = dir.open(place.name(), opts, PRIVATE_FILE);
            try {
                java.nio.file.attribute.BasicFileAttributes after = dir.stat(place.name());
                requireOwnFile(place, after);
                if (before != null && !java.util.Objects.equals(before.fileKey(), after.fileKey())) {
                    throw new UnsafePathException(place.path(), "was replaced while looop opened it; try again");
                }
                if (before == null) dir.chmod(place.name(), PRIVATE_FILE);
                return ch;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
    }

    private static void requireOwnFile(Tree.Place place, java.nio.file.attribute.BasicFileAttributes a) throws IOException {
        if (!a.isRegularFile()) throw UnsafePathException.of(place.path(), a);
        if (linkCount(place.path()) > 1) {
            throw new UnsafePathException(place.path(), "has a second name (a hard link), maybe outside the data dir; looop never writes"
                    + " through one: replace it with a copy");
        }
    }

    /** How many names the file has; a second one may be outside the data dir, where an append or chmod must not reach. */
    private static int linkCount(Path path) {
        try {
            Object n = Files.getAttribute(path, "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return n instanceof Integer i ? i : 1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
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
            Tree.Place place = Tree.locate(file);
            if (place != null) {
                try (Tree.Dir dir = Tree.open(place, false)) {
                    java.nio.file.attribute.BasicFileAttributes a = dir == null ? null : dir.statOrNull(place.name());
                    if (a == null || !a.isRegularFile() || linkCount(file) > 1) return; // never chmod another name's file
                    dir.chmod(place.name(), PRIVATE_FILE);
                }
                return;
            }
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
        Tree.Place place = Tree.locate(dir.resolve("x"));
        if (place != null && !place.dirs().isEmpty()) {
            Tree.open(place, true).close();
            return;
        }
        if (Files.isDirectory(dir)) return;
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
        chmod(dir, PRIVATE_DIR);
    }

    /** The data dir itself, if missing: made as the user named it (it may be a link of theirs). */
    static void createRoot(Path root) throws IOException {
        if (!Files.isDirectory(root)) createDirs(root);
    }

    /** One new directory, 0700 whatever the umask. */
    static Path createPrivateDir(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        }
        chmod(dir, PRIVATE_DIR);
        return dir;
    }

    /**
     * The text of a file someone else wrote (a worker, say), at most max bytes of it; null when
     * it is missing, not a regular file (a link, a FIFO, a directory), or
     * larger. Opened without following a link and read only up to the cap,
     * so nothing planted can point looop elsewhere or fill its heap. (A FIFO
     * swapped in between the look and the open would block the open: the
     * sandbox's seccomp filter refuses mkfifo, so a sandboxed worker cannot
     * make one.)
     */
    public static String readSmall(Path file, int max) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() > max) return null;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] bytes = in.readNBytes(max + 1);
                return bytes.length > max ? null : new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return null;
        }
    }

    /** The file's text, or null when it does not exist. Inside the data dir only a regular file reached without links is read. */
    public static String readOrNull(Path path) {
        try {
            Tree.Place place = Tree.locate(path);
            if (place != null) return readInTree(place);
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A planted link must not make looop print or hash another file's bytes,
     * and a FIFO must not hang a beat: anything but a regular file is refused.
     */
    private static String readInTree(Tree.Place place) throws IOException {
        try (Tree.Dir dir = Tree.open(place, false)) {
            if (dir == null) return null;
            java.nio.file.attribute.BasicFileAttributes a = dir.statOrNull(place.name());
            if (a == null) return null;
            if (!a.isRegularFile()) {
                throw UnsafePathException.of(place.path(), a);
            }
            try (FileChannel ch = dir.open(place.name(), Set.of(StandardOpenOption.READ), PRIVATE_FILE)) {
                return new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    public static String readOr(Path path, String fallback) {
        String s = readOrNull(path);
        return s == null ? fallback : s;
    }

    /** Regular files in dir (not following links out) whose name ends with suffix, in name order. */
    public static List<Path> listFiles(Path dir, String suffix) {
        return inNameOrder(list(dir, Entry.FILE), suffix);
    }

    /** Entries of dir that are not directories (files and links, which the caller vets), whose name ends with suffix, in name order. */
    public static List<Path> listNonDirs(Path dir, String suffix) {
        return inNameOrder(list(dir, Entry.NOT_DIR), suffix);
    }

    /** Subdirectories of dir (not links), in no particular order. */
    public static java.util.ArrayList<Path> listDirs(Path dir) {
        return list(dir, Entry.DIR);
    }

    /** Which entries a listing keeps, judged by their own attributes. */
    private enum Entry {
        FILE, NOT_DIR, DIR;

        boolean keeps(BasicFileAttributes a) {
            return switch (this) {
                case FILE -> a.isRegularFile();
                case NOT_DIR -> !a.isDirectory();
                case DIR -> a.isDirectory();
            };
        }
    }

    /**
     * The paths whose name ends with suffix, sorted by name. Loops and a
     * comparator class rather than a stream and lambdas: every beat and
     * one-shot command lists directories, and each lambda costs a cold JVM
     * a fraction of a millisecond to link (bench/README.md).
     */
    private static List<Path> inNameOrder(List<Path> paths, String suffix) {
        List<Path> out = new java.util.ArrayList<>(paths.size());
        for (Path p : paths) if (p.getFileName().toString().endsWith(suffix)) out.add(p);
        out.sort(BY_NAME);
        return out;
    }

    /** Paths ordered by their last name, as strings compare. */
    private static final Comparator<Path> BY_NAME = new Comparator<>() {
        @Override
        public int compare(Path a, Path b) {
            return a.getFileName().toString().compareTo(b.getFileName().toString());
        }
    };

    /**
     * The entries of dir whose own attributes (never a link's target) pass
     * the filter. Inside the data dir, dir is reached without links: a
     * directory swapped for a link lists as empty, so nothing is ever pruned,
     * reaped or read through it.
     */
    private static java.util.ArrayList<Path> list(Path dir, Entry keep) {
        Tree.Place place = Tree.locate(dir.resolve("x"));
        java.util.ArrayList<Path> out = new java.util.ArrayList<>();
        try {
            if (place != null) {
                try (Tree.Dir d = Tree.open(place, false)) {
                    if (d == null) return out;
                    for (String name : d.names()) {
                        java.nio.file.attribute.BasicFileAttributes a = d.statOrNull(name);
                        if (a != null && keep.keeps(a)) out.add(dir.resolve(name));
                    }
                }
                return out;
            }
            if (!Files.isDirectory(dir)) return out;
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    java.nio.file.attribute.BasicFileAttributes a = attributesOrNull(p);
                    if (a != null && keep.keeps(a)) out.add(p);
                }
            }
            return out;
        } catch (UnsafePathException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.nio.file.attribute.BasicFileAttributes attributesOrNull(Path p) {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    /** The identity (device and inode) of p itself, a link not followed; null when there is nothing there. */
    public static Object fileKey(Path p) {
        java.nio.file.attribute.BasicFileAttributes a = attributesOrNull(p);
        return a == null ? null : a.fileKey();
    }

    /** How many bytes p holds (a link's own size, not its target's); 0 when there is nothing there. */
    public static long sizeOrZero(Path p) {
        java.nio.file.attribute.BasicFileAttributes a = attributesOrNull(p);
        return a == null ? 0 : a.size();
    }

    /** When p was last modified (a link's own time, not its target's); 0 when unknown. */
    public static long modifiedMillis(Path p) {
        java.nio.file.attribute.BasicFileAttributes a = attributesOrNull(p);
        return a == null ? 0 : a.lastModifiedTime().toMillis();
    }

    /** Deletes path and, for a directory, everything below it; a link is removed itself, its target never touched. */
    public static void deleteTree(Path path) {
        Tree.Place place = Tree.locate(path);
        try {
            if (place != null) {
                try (Tree.Dir dir = Tree.open(place, false)) {
                    if (dir != null) Tree.deleteTree(dir, place.name());
                }
                return;
            }
            if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
            try (Stream<Path> s = Files.walk(path)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        } catch (UnsafePathException e) {
            return; // a parent is a link: what is "below" it is not ours
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a file (or a link, never its target) if it exists. */
    public static void delete(Path path) {
        Tree.Place place = Tree.locate(path);
        try {
            if (place != null) {
                try (Tree.Dir dir = Tree.open(place, false)) {
                    if (dir != null && dir.statOrNull(place.name()) != null) dir.unlink(place.name());
                } catch (NoSuchFileException e) {
                    // gone meanwhile
                }
                return;
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Renames from to to atomically (replacing to), both reached without
     * links, and makes the move durable. Returns false when from does not exist.
     */
    public static boolean move(Path from, Path to) {
        Tree.Place src = Tree.locate(from);
        Tree.Place dst = Tree.locate(to);
        try {
            if (src != null && dst != null && src.root().equals(dst.root())) {
                try (Tree.Dir a = Tree.open(src, false); Tree.Dir b = Tree.open(dst, true)) {
                    if (a == null || a.statOrNull(src.name()) == null) return false;
                    a.rename(src.name(), b, dst.name());
                    b.sync();
                    a.sync();
                    return true;
                }
            }
            if (!Files.exists(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return false;
            createDirs(to.toAbsolutePath().getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDir(to.toAbsolutePath().getParent());
            syncDir(from.toAbsolutePath().getParent());
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw failed(to, e);
        }
    }

    /**
     * Makes dir a real directory of the data dir: a link (or a file) planted
     * where looop keeps scratch (runs/, snapshots/) is removed, not followed,
     * and a real directory made in its place. True when something was replaced.
     */
    public static boolean healDir(Path dir) {
        java.nio.file.attribute.BasicFileAttributes a = attributesOrNull(dir);
        if (a != null && a.isDirectory()) return false;
        if (a != null) delete(dir);
        mkdirs(dir);
        return a != null;
    }

    public static void mkdirs(Path dir) {
        try {
            createDirs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a data dir: below it, every operation here goes by handle and never follows a link (see Tree). */
    public static void anchor(Path dataDir) {
        Tree.anchor(dataDir);
    }
}
