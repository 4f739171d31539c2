package looop.workers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import looop.fast.Instants;
import looop.io.CostLedger;
import looop.io.FileMutex;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Paths;

/**
 * How a sandboxed worker's `_ cost` reaches the ledger, which no sandboxed
 * command may write: the row is appended to its own outbox's cost.jsonl,
 * workers/&lt;id&gt;/ (writable to it) with a ref of its own, and looop takes it in on the next
 * beat, or before the session's files go.
 *
 * <pre>
 * workers/&lt;id&gt;/cost.jsonl           {"ts","runner","cost_usd","ref"} per report, appended by the worker
 * workers/&lt;id&gt;/.cost-ingest.jsonl   the queue moved aside, being taken in
 * workers/&lt;id&gt;/.cost.lock           held by an append, and by the move aside
 * </pre>
 *
 * Taking in: under the lock (only tried: a worker holding it forever delays
 * its own cost, never the beat) the queue is renamed aside, then each row
 * whose ref the ledger does not hold yet is appended; the aside file goes
 * last. A crash anywhere leaves either the queue or the aside file, and
 * taking that in again skips the refs already in the ledger: each report is
 * counted once. The worker is not trusted with who it is: every row counts
 * as kind session of the dir's own id.
 */
public final class CostQueue {
    private CostQueue() {}

    /** A queue bigger than this is no honest list of cost reports: dropped rather than read into memory. */
    static final int MAX_BYTES = 1 << 20;

    /** Queues a report of worker id (the caller's own session) spending usd through runner. */
    public static void queue(Paths paths, String id, String runner, double usd, Clock clock) {
        SessionFiles f = SessionFiles.of(paths, id);
        if (!f.exists()) throw new UserError("no session dir for " + id + " to record its cost in; is $LOOOP_SESSION_ID right?");
        String row = Json.canonical(Json.object().put("ts", Instants.rfc3339(clock.instant())).put("runner", runner).put("cost_usd", usd)
                .put("ref", id + "-" + Fs.unique()));
        mutex(f).locked(() -> Fs.appendLine(queue(f), row, true));
    }

    /** Takes in every session's queue; the number of rows added to the ledger. */
    public static int ingestAll(Paths paths) {
        int n = 0;
        for (Path dir : Fs.listDirs(paths.workerOutboxes())) {
            String name = dir.getFileName().toString();
            if (!name.startsWith(".")) n += ingest(paths, name);
        }
        return n;
    }

    /** Takes in worker id's queue (see the class comment); the number of rows added to the ledger. */
    public static int ingest(Paths paths, String id) {
        SessionFiles f = SessionFiles.of(paths, id);
        if (!present(queue(f)) && !present(aside(f))) return 0;
        CostLedger ledger = new CostLedger(paths.costLedger());
        int[] added = {0};
        mutex(f).tryLocked(() -> {
            // an aside file left by a crash first: its rows are older than the queue's
            if (present(aside(f))) added[0] += takeIn(ledger, id, aside(f));
            if (Fs.move(queue(f), aside(f))) added[0] += takeIn(ledger, id, aside(f));
        });
        return added[0];
    }

    private static int takeIn(CostLedger ledger, String id, Path aside) {
        int added = 0;
        String text = Fs.readSmall(aside, MAX_BYTES); // the worker's word: no link, no FIFO, no giant
        if (text != null) {
            Set<String> seen = ledger.refs();
            for (String line : text.split("\n")) {
                JsonNode r = Json.parseOrNull(line);
                if (r == null || !r.path("cost_usd").isNumber() || !r.path("ref").isTextual()) continue;
                String ref = r.get("ref").asText();
                if (!seen.add(ref)) continue;
                ledger.recordReported(time(r), "session", id, runner(r), r.get("cost_usd").asDouble(), ref);
                added++;
            }
        }
        Fs.delete(aside);
        return added;
    }

    private static Instant time(JsonNode r) {
        try {
            return Instant.parse(r.path("ts").asText());
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.now();
        }
    }

    private static String runner(JsonNode r) {
        String s = Json.text(r, "runner");
        return s == null || s.isBlank() ? "?" : s;
    }

    private static boolean present(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    private static Path queue(SessionFiles f) {
        return f.outbox().costQueue();
    }

    private static Path aside(SessionFiles f) {
        return f.outbox().dir().resolve(".cost-ingest.jsonl");
    }

    private static FileMutex mutex(SessionFiles f) {
        return new FileMutex(f.outbox().dir().resolve(".cost.lock"));
    }
}
