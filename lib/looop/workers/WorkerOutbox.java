package looop.workers;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import looop.io.Fs;
import looop.profile.Journal;
import looop.profile.Paths;

/**
 * The one directory of looop's a worker may write: workers/&lt;id&gt;/, its
 * outbox. Everything in it is the worker's word, never looop's record: read
 * as untrusted data (a regular file reached without links, small, one line
 * where one line is meant), never run, never followed as a path. What looop
 * itself knows of a worker (its wrapper, meta.json, state, exit code,
 * output) lives in sessions/&lt;id&gt;/, which no sandboxed process can write.
 *
 * <pre>
 * workers/&lt;id&gt;/note           the flag note while it waits for a person (`_ flag`)
 * workers/&lt;id&gt;/ask.json       its ask; looop writes the answer into it (looop.human.Asks)
 * workers/&lt;id&gt;/cost.jsonl     its cost reports, queued for the ledger (CostQueue)
 * workers/&lt;id&gt;/claims/&lt;name&gt;  the leases it holds (Claims)
 * workers/&lt;id&gt;/killed         it ended itself (`_ kill &lt;own id&gt;`): its wrapper records killed
 * workers/&lt;id&gt;/tells/         what people told it, which it takes (looop.human.Tells)
 * </pre>
 *
 * The worker's whole channel to looop is this directory (plus the lease
 * lock, see Claims): a worker elsewhere needs no other file shared with the pulse.
 */
public record WorkerOutbox(Path dir) {
    /** A flag note is a line for a person, not a document. */
    static final int MAX_NOTE_BYTES = 4096;

    public static WorkerOutbox of(Paths paths, String id) {
        return new WorkerOutbox(paths.workerOutboxes().resolve(id));
    }

    public Path note() { return dir.resolve("note"); }
    public Path ask() { return dir.resolve("ask.json"); }
    public Path costQueue() { return dir.resolve("cost.jsonl"); }
    public Path claims() { return dir.resolve("claims"); }
    public Path killed() { return dir.resolve("killed"); }
    public Path tells() { return dir.resolve("tells"); }

    /**
     * Makes the outbox, its claims/ and tells/ before the worker's sandbox starts:
     * inside, a new directory can only be made in a writable mount, and
     * looop's mkdir (made at the data dir's root, then moved into place,
     * so no link can redirect it) cannot.
     */
    public void make() {
        Fs.mkdirs(claims());
        Fs.mkdirs(tells());
    }

    /** The flag note, one line, or null when there is none or the file is not a plain, small one. */
    public String readNote() {
        String s = Fs.readSmall(note(), MAX_NOTE_BYTES);
        if (s == null || s.isBlank()) return null;
        String line = Journal.oneLine(s);
        return line.isBlank() ? null : line;
    }

    /** Whether the worker said it ended itself. */
    public boolean saysKilled() {
        return Files.isRegularFile(killed(), LinkOption.NOFOLLOW_LINKS);
    }
}
