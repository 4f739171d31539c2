package looop.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Paths;

/**
 * The move in flight, kept in .act-pending.json from just before looop starts
 * a move until the beat has settled it (journaled, committed or backed off).
 * It is what makes a decision run at most once and never lose its journal
 * line: a beat that finds one left by a crash settles it from what the record
 * says and never executes it again. Each step replaces the whole file
 * atomically, so the record is always one of these states:
 *
 * <pre>
 * EXECUTING  written before the move starts; the move may or may not have happened
 * FAILED     the move failed; only the backoff and the bookkeeping are left to do
 * PERFORMED  the move took effect; `line` goes into the journal at byte `offset`
 * UNKNOWN    a crash hit mid-move and looop cannot tell; `line` says so at `offset`
 * </pre>
 *
 * The journal offset makes the journal step idempotent without a second ledger:
 * only the lock holder appends to journal.md, so "the bytes at offset are this
 * line" is exactly "this line was appended".
 */
public record Intent(String moveId, String runId, String hash, String decision, State state, String message,
        String line, long offset, long startedUnix) {

    public enum State { EXECUTING, FAILED, PERFORMED, UNKNOWN }

    /** A new record for a move about to start; runId and hash are null for a move by hand. */
    public static Intent begin(String moveId, String runId, String hash, String decisionText, long nowUnix) {
        return new Intent(moveId, runId, hash, decisionText, State.EXECUTING, null, null, -1, nowUnix);
    }

    public Intent failed(String why) {
        return new Intent(moveId, runId, hash, decision, State.FAILED, why, null, -1, startedUnix);
    }

    public Intent performed(String journalLine, long journalOffset) {
        return new Intent(moveId, runId, hash, decision, State.PERFORMED, null, journalLine, journalOffset, startedUnix);
    }

    public Intent unknown(String journalLine, long journalOffset) {
        return new Intent(moveId, runId, hash, decision, State.UNKNOWN, null, journalLine, journalOffset, startedUnix);
    }

    /** Replaces the record on disk (atomically, synced): the next step starts only once this one is durable. */
    public Intent save(Paths paths) {
        ObjectNode n = Json.object();
        n.put("move_id", moveId);
        if (runId != null) n.put("run_id", runId);
        if (hash != null) n.put("hash", hash);
        n.put("decision", decision);
        n.put("state", state.name().toLowerCase());
        if (message != null) n.put("message", message);
        if (line != null) {
            n.put("line", line);
            n.put("offset", offset);
        }
        n.put("started", startedUnix);
        Fs.writeAtomic(file(paths), Json.canonical(n) + "\n");
        return this;
    }

    /** The record a crash left behind, or null when no move is in flight. */
    public static Intent read(Paths paths) {
        if (!Files.exists(file(paths), LinkOption.NOFOLLOW_LINKS)) return null;
        String text = Fs.readOrNull(file(paths));
        JsonNode n = text == null ? null : Json.parseOrNull(text);
        if (n == null || !n.path("decision").isTextual() || !n.path("move_id").isTextual()) {
            throw new UserError(file(paths) + " (the record of an interrupted move) is unreadable; read it, note in the journal what that move was, then delete it");
        }
        State state;
        try {
            state = State.valueOf(n.path("state").asText().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new UserError(file(paths) + " has an unknown state '" + n.path("state").asText() + "'; read it, then delete it");
        }
        return new Intent(n.get("move_id").asText(), Json.text(n, "run_id"), Json.text(n, "hash"), n.get("decision").asText(),
                state, Json.text(n, "message"), Json.text(n, "line"), n.path("offset").asLong(-1), n.path("started").asLong(0));
    }

    /** Where the record lives: scratch, in the data dir's root next to the other loop bookkeeping. */
    public static Path file(Paths paths) {
        return paths.data.resolve(".act-pending.json");
    }

    public static void clear(Paths paths) {
        Fs.delete(file(paths));
    }
}
