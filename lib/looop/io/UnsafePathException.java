package looop.io;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Something in the data dir that looop will not go through: a symbolic link,
 * a hard link, a FIFO or a file where a directory belongs. Anything there may
 * have been planted by a command the decider ran, so it is refused, never
 * followed; the message says what it is and what to do.
 */
public final class UnsafePathException extends FileSystemException {
    public UnsafePathException(Path path, String what) {
        super(path.toString(), null, what);
    }

    /** The refusal for an entry of the wrong kind, described from its own attributes. */
    static UnsafePathException of(Path path, BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return new UnsafePathException(path, "is a symbolic link; looop never follows links inside its data dir: remove it");
        }
        if (a.isDirectory()) return new UnsafePathException(path, "is a directory where looop keeps a file: move it away");
        if (a.isRegularFile()) return new UnsafePathException(path, "is a file where looop keeps a directory: move it away");
        return new UnsafePathException(path, "is not a regular file (a FIFO or a device?): move it away");
    }

    /** One line: the path and what is wrong with it. */
    @Override
    public String getMessage() {
        return getFile() + " " + getReason();
    }
}
