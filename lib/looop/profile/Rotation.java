package looop.profile;

import java.nio.file.Path;
import looop.io.Fs;

/**
 * Keeps the append-only logs that only machines read (events.jsonl, tick.log)
 * from growing without end: past a size, the file becomes `<name>.1`
 * (replacing the one before) and a new one starts. journal.md is the human's
 * record and is never rotated. Checked once a beat, so a file may pass the
 * size by one beat's lines.
 */
public final class Rotation {
    private Rotation() {}

    /** Rotates events.jsonl and tick.log when larger than maxBytes (0 = never). */
    public static void logs(Paths paths, long maxBytes) {
        rotate(paths.events(), maxBytes);
        rotate(paths.tickLog(), maxBytes);
    }

    /** Moves file to file.1 when it holds more than maxBytes; true when it did. */
    public static boolean rotate(Path file, long maxBytes) {
        if (maxBytes <= 0 || Fs.sizeOrZero(file) <= maxBytes) return false;
        return Fs.move(file, file.resolveSibling(file.getFileName() + ".1"));
    }
}
