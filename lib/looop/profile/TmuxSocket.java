package looop.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import looop.io.Fnv128;
import looop.io.Fs;
import looop.io.UserError;
import looop.sandbox.Inside;

/**
 * Where a profile's tmux server listens: a path of the profile's layout, so
 * the sandbox's grants (Confinement hides its dir from every command) and
 * the terminal engine (workers.Tmux) name the same place without one
 * depending on the other.
 */
public final class TmuxSocket {
    private TmuxSocket() {}

    /** A socket's path is at most 108 bytes; past this one a data dir deep in the tree moves it under /tmp. */
    private static final int MAX_SOCKET_PATH = 100;

    /**
     * The profile's tmux socket, in a directory of its own (0700) that every
     * sandbox hides: made here, before a server or a sandboxed command can
     * start, so a server that starts after a sandbox did is as unreachable
     * from it as one already running (a sandbox hides only what exists when it
     * starts). Inside the data dir, or a dir under /tmp when that path is too
     * long for a socket.
     */
    public static Path of(Paths paths) {
        Path inside = paths.data.resolve(".tmux");
        if (inside.resolve(SOCKET).toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
            Fs.mkdirs(inside);
            return adopted(paths, paths.sessions().resolve(".tmux.sock"), inside.resolve(SOCKET));
        }
        String tmp = paths.env("TMPDIR") != null ? paths.env("TMPDIR") : "/tmp";
        String name = "looop-" + Fnv128.of(paths.data.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        Path dir = Path.of(tmp, name);
        Fs.mkdirs(paths.data);
        privateDir(paths, dir);
        return adopted(paths, Path.of(tmp, name + ".sock"), dir.resolve(SOCKET));
    }

    /**
     * The socket, with a server an older looop started at its old place moved
     * here (a socket's path can be renamed under a live server): workers that
     * ran across an upgrade stay reachable instead of reading as killed.
     */
    private static Path adopted(Paths paths, Path old, Path now) {
        // inside a sandbox nothing of looop's is to be moved; java.io.File: no exception on the common path, every tmux call
        if (Inside.confined(paths.env(Inside.ENV)) || !old.toFile().exists()) return now;
        try {
            BasicFileAttributes a = Files.readAttributes(old, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isOther() && !Files.exists(now, LinkOption.NOFOLLOW_LINKS)) Files.move(old, now, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // no old socket (the common case), or it cannot move: the new place stands
        }
        return now;
    }

    private static final String SOCKET = "sock";

    /** dir as a directory of this user's alone: in a shared /tmp another user could have made it first. */
    private static void privateDir(Paths paths, Path dir) {
        try {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException mine) {
                // checked below like a new one
            }
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isDirectory() || !a.owner().equals(Files.getOwner(paths.data))) {
                throw new UserError(dir + " (the tmux socket's dir) is not a directory of yours; remove it, or set TMPDIR elsewhere");
            }
            if (!a.permissions().equals(PosixFilePermissions.fromString("rwx------"))) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
