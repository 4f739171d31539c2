package looop.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data dir as a tree reached only from its root, never through a link.
 *
 * Everything under the data dir may have been planted by a decider's
 * run_shell or a worker: a directory swapped for a link to ~/projects, a
 * journal that is a link to ~/.bashrc, a FIFO where a file should be. A check
 * on a path ("is it a link?") followed by a write to that path can always be
 * raced. So every operation here opens the root once and walks down one name
 * at a time with openat(2)-style calls (Java's SecureDirectoryStream), with
 * NOFOLLOW at every step: a link anywhere below the root is refused, and a
 * swap after a step has no effect on the directory already open.
 *
 * The root itself is the user's choice and may be a link. New directories
 * are made at the root under a temporary name and renamed into place through
 * the open parent, so even mkdir cannot be redirected.
 */
final class Tree {
    private Tree() {}

    /** Data dirs this process works in (registered by Paths); a path below one of them goes through here. */
    private static final Set<Path> ROOTS = ConcurrentHashMap.newKeySet();

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    static void anchor(Path root) {
        ROOTS.add(root.toAbsolutePath().normalize());
    }

    /** A path below a registered root: root / dirs… / name. */
    record Place(Path root, List<String> dirs, String name) {
        Path path() {
            Path p = root;
            for (String d : dirs) p = p.resolve(d);
            return p.resolve(name);
        }

        Path dir() {
            return path().getParent();
        }
    }

    /** The place of path below the deepest registered root, or null when path is not below one. */
    static Place locate(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path best = null;
        for (Path root : ROOTS) {
            if (abs.startsWith(root) && !abs.equals(root) && (best == null || root.getNameCount() > best.getNameCount())) best = root;
        }
        if (best == null) return null;
        List<String> parts = new ArrayList<>();
        for (Path part : best.relativize(abs)) parts.add(part.toString());
        return new Place(best, List.copyOf(parts.subList(0, parts.size() - 1)), parts.get(parts.size() - 1));
    }


    /** An open directory of the tree, with the root kept open for making new directories. */
    static final class Dir implements AutoCloseable {
        final SecureDirectoryStream<Path> root;
        final SecureDirectoryStream<Path> here;
        final Path rootPath;
        final Path path;
        /** Only the Dir that open() returned closes the root; the ones below it share it. */
        private boolean owner;

        private Dir(SecureDirectoryStream<Path> root, SecureDirectoryStream<Path> here, Path rootPath, Path path) {
            this.root = root;
            this.here = here;
            this.rootPath = rootPath;
            this.path = path;
        }

        @Override
        public void close() throws IOException {
            if (here != root) here.close();
            if (owner) root.close();
        }

        BasicFileAttributes stat(String name) throws IOException {
            return here.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
        }

        /** The entry's attributes, or null when there is none. */
        BasicFileAttributes statOrNull(String name) throws IOException {
            try {
                return stat(name);
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        FileChannel open(String name, Set<? extends OpenOption> options, Set<PosixFilePermission> mode) throws IOException {
            Set<OpenOption> opts = new HashSet<>(options);
            opts.add(NOFOLLOW);
            try {
                return (FileChannel) here.newByteChannel(Path.of(name), opts, PosixFilePermissions.asFileAttribute(mode));
            } catch (UnsupportedOperationException e) {
                return (FileChannel) here.newByteChannel(Path.of(name), opts);
            }
        }

        void chmod(String name, Set<PosixFilePermission> mode) throws IOException {
            PosixFileAttributeView view = here.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, NOFOLLOW);
            if (view != null) view.setPermissions(mode);
        }

        void rename(String from, Dir to, String name) throws IOException {
            here.move(Path.of(from), to.here, Path.of(name));
        }

        void unlink(String name) throws IOException {
            here.deleteFile(Path.of(name));
        }

        void rmdir(String name) throws IOException {
            here.deleteDirectory(Path.of(name));
        }

        List<String> names() {
            List<String> out = new ArrayList<>();
            for (Path p : here) out.add(p.getFileName().toString());
            return out;
        }

        Dir child(String name) throws IOException {
            return new Dir(root, openChild(here, path.resolve(name), name), rootPath, path.resolve(name));
        }

        /** Syncs the directory itself, so a rename or a new name in it survives a power cut. */
        void sync() {
            try (FileChannel ch = (FileChannel) here.newByteChannel(Path.of("."), Set.of(StandardOpenOption.READ))) {
                ch.force(true);
            } catch (IOException | RuntimeException e) {
                // best effort, as Fs.syncDir: some file systems refuse to sync a directory
            }
        }
    }

    /**
     * Opens root / dirs…, one name at a time without following links; with
     * create, missing directories are made (0700). Null when a directory is
     * missing and create is off.
     */
    static Dir open(Place place, boolean create) throws IOException {
        if (create) Fs.createRoot(place.root());
        SecureDirectoryStream<Path> root = openRoot(place.root());
        if (root == null) return null;
        Dir dir = new Dir(root, root, place.root(), place.root());
        dir.owner = true;
        try {
            for (String name : place.dirs()) {
                Dir next = descend(dir, name, create);
                if (next == null) {
                    dir.close();
                    return null;
                }
                if (dir.here != dir.root) dir.here.close();
                next.owner = true;
                dir = next;
            }
            return dir;
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private static SecureDirectoryStream<Path> openRoot(Path root) throws IOException {
        DirectoryStream<Path> ds;
        try {
            ds = Files.newDirectoryStream(root);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (ds instanceof SecureDirectoryStream<Path> s) return s;
        ds.close();
        throw new UnsupportedOperationException("no secure directory streams on this platform");
    }

    /** True where this platform walks directories by handle (Linux, macOS); elsewhere Fs works by path. */
    static boolean supported(Path existingDir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(existingDir)) {
            return ds instanceof SecureDirectoryStream;
        } catch (IOException e) {
            return true;
        }
    }

    private static Dir descend(Dir dir, String name, boolean create) throws IOException {
        Path path = dir.path.resolve(name);
        BasicFileAttributes a = dir.statOrNull(name);
        if (a == null) {
            if (!create) return null;
            makeDir(dir, name);
        } else if (!a.isDirectory()) {
            throw UnsafePathException.of(path, a);
        }
        return new Dir(dir.root, openChild(dir.here, path, name), dir.rootPath, path);
    }

    private static SecureDirectoryStream<Path> openChild(SecureDirectoryStream<Path> parent, Path path, String name) throws IOException {
        try {
            return parent.newDirectoryStream(Path.of(name), NOFOLLOW);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (FileSystemException e) {
            // ELOOP (a link swapped in after the stat) or ENOTDIR: either way not a directory of ours
            throw new UnsafePathException(path, "is a symbolic link or not a directory; looop never follows links inside its data dir: remove it");
        }
    }

    /**
     * mkdir that cannot be redirected: the new directory is made at the root
     * (which no planted link can move) and renamed into the open parent. A
     * directory another thread made meanwhile is fine.
     */
    private static void makeDir(Dir parent, String name) throws IOException {
        String temp = ".mkdir-" + Fs.unique();
        if (parent.root == parent.here) {
            try {
                Fs.createPrivateDir(parent.path.resolve(name)); // directly below the root: nothing to redirect
            } catch (FileAlreadyExistsException e) {
                // made meanwhile; descend checks what it is
            }
            return;
        }
        Fs.createPrivateDir(parent.rootPath.resolve(temp));
        Dir root = new Dir(parent.root, parent.root, parent.rootPath, parent.rootPath);
        try {
            root.rename(temp, parent, name);
        } catch (IOException e) {
            try {
                root.rmdir(temp);
            } catch (IOException ignored) {
                // a stray empty .mkdir- dir at the root is harmless
            }
            if (parent.statOrNull(name) == null) throw e;
        }
    }

    /** Deletes name in dir and, for a directory, everything in it, never following a link (a link is removed, not its target). */
    static void deleteTree(Dir dir, String name) throws IOException {
        BasicFileAttributes a = dir.statOrNull(name);
        if (a == null) return;
        if (!a.isDirectory()) {
            unlinkQuietly(dir, name);
            return;
        }
        SecureDirectoryStream<Path> opened;
        try {
            opened = openChild(dir.here, dir.path.resolve(name), name);
        } catch (NoSuchFileException e) {
            return;
        }
        try (SecureDirectoryStream<Path> child = opened) {
            Dir inner = new Dir(dir.root, child, dir.rootPath, dir.path.resolve(name));
            for (String n : inner.names()) deleteTree(inner, n);
        }
        try {
            dir.rmdir(name);
        } catch (NoSuchFileException e) {
            // gone meanwhile
        }
    }

    private static void unlinkQuietly(Dir dir, String name) throws IOException {
        try {
            dir.unlink(name);
        } catch (NoSuchFileException e) {
            // gone meanwhile
        }
    }
}
