package looop.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import looop.fast.Instants;

/**
 * The rows of the cost ledger (cost.jsonl) that arrive from elsewhere: a
 * sandboxed worker's queued cost, each with a ref. Below the workers, who take
 * their queues in; gate.Budget reads every row of the same file for the spend.
 */
public final class CostLedger {
    private final Path ledger;

    public CostLedger(Path ledger) {
        this.ledger = ledger;
    }

    /**
     * Appends a row reported elsewhere at its own time, with ref, the id that
     * keeps a second take-in of the same report from counting it twice (see
     * {@link #refs}); a report of no cost leaves no row.
     */
    public void recordReported(Instant ts, String kind, String id, String runner, double usd, String ref) {
        if (!(usd > 0)) return;
        ObjectNode row = Json.object();
        row.put("ts", Instants.rfc3339(ts));
        row.put("kind", kind);
        row.put("id", id);
        row.put("runner", runner);
        row.put("cost_usd", usd);
        row.put("ref", ref);
        Fs.appendLine(ledger, Json.canonical(row), true);
    }

    /** The refs of every row recorded with one. */
    public Set<String> refs() {
        Set<String> out = new HashSet<>();
        for (String line : Fs.readOr(ledger, "").split("\n")) {
            JsonNode n = Json.parseOrNull(line);
            if (n != null && n.path("ref").isTextual()) out.add(n.get("ref").asText());
        }
        return out;
    }
}
