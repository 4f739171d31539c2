package looop.act;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import looop.act.moves.Field;
import looop.act.moves.Move;
import looop.act.moves.Moves;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Paths;

/**
 * The AI's one move, parsed and validated; nothing is executed here. The
 * action's own record (looop.act.moves) checks its fields; the fields any
 * action may carry (journal, next_interval_s) are checked here, once. Every
 * check happens in parse, so the executor never starts a move it cannot
 * finish for a reason the decision itself could have shown.
 */
public record Decision(Move move, JsonNode raw, String journal, Integer nextIntervalS) {

    /** A move is a few lines of JSON; anything bigger is a runaway decider, refused unread. */
    public static final int MAX_BYTES = 1 << 20;
    public static final int MIN_INTERVAL_S = 5;
    public static final int MAX_INTERVAL_S = 3600;

    private static final String EXAMPLE = "{\"action\":\"noop\"}";
    private static final String MUST_WRITE = "the decider must write one JSON object like " + EXAMPLE;

    /** The known action names, in the order of the action table. */
    public static List<String> actions() {
        return Moves.names();
    }

    /** Parses and validates decision text; a one-line UserError for anything unusable. */
    public static Decision parse(String text) {
        JsonNode root = readOne(text);
        if (!root.isObject()) throw new UserError("decision must be one JSON object like " + EXAMPLE + ", got " + Field.kind(root));
        Move move = Moves.parse(action(root), root);
        return new Decision(move, root, journal(root), nextInterval(root));
    }

    /**
     * Exactly one JSON value: a second object after the first would be a second
     * move, and silently running only the first breaks "one beat, one move".
     */
    private static JsonNode readOne(String text) {
        if (text == null || text.isBlank()) throw new UserError("decision is empty; " + MUST_WRITE);
        try {
            return Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new UserError("decision is not JSON (" + Json.describe(e) + "); " + MUST_WRITE);
        }
    }

    private static String action(JsonNode root) {
        JsonNode v = root.get("action");
        String known = String.join(", ", Moves.names());
        if (!Field.present(v)) throw new UserError("decision has no \"action\"; add one of: " + known);
        if (!v.isTextual()) throw new UserError("\"action\" must be a string, got " + Field.kind(v) + "; use one of: " + known);
        if (Moves.named(v.textValue()).isEmpty()) throw new UserError("unknown action " + shown(v) + "; use one of: " + known);
        return v.textValue();
    }

    /** The line to log, or null so looop logs its own summary; blank counts as absent. */
    private static String journal(JsonNode root) {
        JsonNode v = root.get("journal");
        if (!Field.present(v)) return null;
        if (!v.isTextual()) throw new UserError("\"journal\" must be a string (the line to log), got " + Field.kind(v));
        return v.textValue().isBlank() ? null : v.textValue();
    }

    /** Clamped rather than refused: a cadence nudge out of range is still a clear intent. */
    private static Integer nextInterval(JsonNode root) {
        JsonNode v = root.get("next_interval_s");
        if (!Field.present(v)) return null;
        if (!v.isNumber()) {
            throw new UserError("\"next_interval_s\" must be a number of seconds (" + MIN_INTERVAL_S + ".." + MAX_INTERVAL_S + "), got " + Field.kind(v));
        }
        long s = Math.round(v.doubleValue());
        return (int) Math.max(MIN_INTERVAL_S, Math.min(MAX_INTERVAL_S, s));
    }

    /** A value quoted as JSON (so control characters stay escaped and the message one line), cut short. */
    private static String shown(JsonNode v) {
        String s = Json.canonical(v);
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    public String action() {
        return move.action();
    }

    /** What the move targets: a goal id, a sensor name or a worker id (`looop-` stripped); null for the rest. */
    public String id() {
        return move.id();
    }

    /** The decision as the decider wrote it, canonical: what the intent record keeps and a stage passes on. */
    public String text() {
        return Json.canonical(raw);
    }

    /** A string field as the decider wrote it, or null when absent. */
    public String str(String field) {
        JsonNode v = raw.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** A field holding an array of strings (send_key's keys); empty when absent. */
    public List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        JsonNode v = raw.get(field);
        if (v != null && v.isArray()) v.forEach(e -> out.add(e.asText()));
        return List.copyOf(out);
    }

    /**
     * Reads .decision.json and deletes it whatever its content; null when there is none.
     * Deleting first-class (even when unreadable, oversized or not a file) means a bad
     * decision is never acted on twice. Unusable files throw a one-line UserError.
     */
    /** The variable that names, for a runner, the file its decision goes to. */
    public static final String FILE_ENV = "LOOOP_DECISION_FILE";

    /**
     * Where a run's runner writes its decision: a directory of its own under
     * runs/&lt;id&gt;/, the one place a sandboxed decider may write (a grant of a
     * lone file would break the write-aside-and-rename its tools do).
     */
    public static Path fileIn(Path runDir) {
        return runDir.resolve("decide").resolve("decision.json");
    }

    /**
     * Claims the run's decision: the one in its own decide/ dir, else the
     * data dir's .decision.json (runners that keep to the old place, outside a
     * sandbox). Either is renamed to into first, so it is handed out once.
     */
    public static String claimRun(Paths paths, Path runDir, Path into) {
        Path own = fileIn(runDir);
        if (Files.exists(own, LinkOption.NOFOLLOW_LINKS)) {
            Fs.delete(paths.decision()); // one decision per run: a second one in the old place is not kept for later
            return claim(own, into);
        }
        return claim(paths, into);
    }

    public static String take(Paths paths) {
        return take(paths.decision());
    }

    private static String take(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return null;
        try {
            return readCapped(file, file.getFileName().toString());
        } finally {
            remove(file);
        }
    }

    /**
     * Claims .decision.json for one run: renames it to into (runs/<id>/decision.json)
     * and reads it there; null when there is none. The rename is the claim: once
     * it is done no beat can find the file where decisions are looked for, so a
     * decision is handed out once even if looop dies the next instant, and the
     * copy in runs/ is the replay record. An unusable file (a link, a directory,
     * over the cap) is deleted from there and refused in one line.
     */
    public static String claim(Paths paths, Path into) {
        return claim(paths.decision(), into);
    }

    private static String claim(Path file, Path into) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return null;
        try {
            if (!Fs.move(file, into)) return null; // by handle: a runs/ swapped for a link is refused, not moved into
        } catch (UncheckedIOException e) {
            return take(file); // it cannot be archived: read it and delete it in place
        }
        try {
            String text = readCapped(into, file.getFileName().toString());
            Fs.makePrivate(into); // the runner made it with its own umask; in runs/ it is the profile's
            return text;
        } catch (UserError e) {
            remove(into);
            throw e;
        }
    }

    /** The file's text, refusing what is not a regular file (a link could point anywhere, a FIFO blocks). */
    private static String readCapped(Path file, String shownName) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                String what = a.isSymbolicLink() ? "a symlink" : a.isDirectory() ? "a directory" : "not a regular file";
                throw new UserError("decision file " + shownName + " is " + what + " (removed); " + MUST_WRITE);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES) {
                throw new UserError("decision file is " + Math.max(a.size(), bytes.length) + " bytes; the cap is 1 MiB; " + MUST_WRITE);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UserError("cannot read decision file " + shownName + " (" + e.getMessage() + "; removed); " + MUST_WRITE);
        }
    }

    /** If the file cannot go, the same decision would run again next beat: that must stop the beat. */
    private static void remove(Path file) {
        try {
            Fs.deleteTree(file); // a file, a link or a directory: removed itself, never what a link points at
        } catch (UncheckedIOException e) {
            throw new UserError("cannot delete " + file + " (" + e.getMessage() + "); fix the data dir's permissions so a decision is acted on once");
        }
    }
}
