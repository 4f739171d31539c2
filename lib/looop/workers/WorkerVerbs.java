package looop.workers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import looop.fast.Text;
import looop.io.ExitCode;
import looop.io.Json;
import looop.io.UserError;

/**
 * What the worker verbs print and decide beyond the engine itself: the ls
 * table and its JSON, the answers of `_ claim` / `_ unclaim`, prune's report.
 */
public final class WorkerVerbs {
    private WorkerVerbs() {}

    /**
     * The ls table: one row per worker, a live one with its health; a flag
     * note only while the worker is alive to answer it, else what a blocked
     * worker's screen asks.
     */
    public static String table(List<Sessions.Info> workers, Map<String, Health> health) {
        if (workers.isEmpty()) return "no workers; start one with `looop start-session <id> <prompt>`\n";
        int idWidth = 2;
        for (Sessions.Info w : workers) idWidth = Math.max(idWidth, w.id().length());
        StringBuilder out = new StringBuilder();
        row(out, idWidth, "ID", "STATE", "HEALTH", "EXIT", "NOTE");
        for (Sessions.Info w : workers) {
            Health h = health.get(w.id());
            String note = w.alive() && w.note() != null ? "⚑ " + w.note() : h != null && h.isBlocked() ? "⛔ " + h.blockedOn() : waits(w);
            row(out, idWidth, w.id(), w.state().word(), h == null ? "" : h.word(), w.exitCode() == null ? "" : w.exitCode().toString(), note);
        }
        return out.toString();
    }

    /** For a worker that waits: on whom, and why it still does; for one blocked: why it never starts; else nothing. */
    public static String waits(Sessions.Info w) {
        if (w.state() == SessionState.BLOCKED) return "⛔ " + (w.reason() == null ? "blocked" : w.reason());
        if (w.state() != SessionState.WAITING) return "";
        return "⏳ after " + String.join(", ", w.after()) + (w.reason() == null ? "" : ": " + w.reason());
    }

    /** One row, padded by looop.fast: String.format parses its pattern with a regex, cold in every one-shot `ls`. */
    private static void row(StringBuilder out, int idWidth, String id, String state, String health, String exit, String note) {
        String line = Text.padRight(id, idWidth) + "  " + Text.padRight(state, 8) + "  " + Text.padRight(health, 7) + "  "
                + Text.padLeft(exit, 4) + "  " + note;
        out.append(line.stripTrailing()).append('\n');
    }

    /** `ls --json`: {"sessions":[…]}, each session in its one shape ({@link Sessions.Info#json}) with a live one's "health". */
    public static ObjectNode json(List<Sessions.Info> workers, Map<String, Health> health) {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("sessions");
        for (Sessions.Info w : workers) list.add(withHealth(w.json(), health.get(w.id())));
        return out;
    }

    /**
     * A session's JSON with "health" added while it lives, and "blocked_on"
     * while blocked (ls, status: every word; sys-sessions picks its own).
     */
    public static ObjectNode withHealth(ObjectNode session, Health h) {
        if (h != null) session.put("health", h.word());
        if (h != null && h.isBlocked()) session.put("blocked_on", h.blockedOn());
        return session;
    }

    /**
     * The session a claim is for: --session, else the worker's own
     * $LOOOP_SESSION_ID. Inside a sandbox a worker claims and releases as
     * itself only (a lease is released by its holder, or by looop once the
     * holder is gone).
     */
    public static String claimant(String given, Map<String, String> env, String verb) {
        String session = given != null ? given : env.get("LOOOP_SESSION_ID");
        if (session == null || session.isBlank()) {
            throw new UserError("`_ " + verb + "` needs a session: run it inside a worker (which has $LOOOP_SESSION_ID) or pass --session <id>", ExitCode.USAGE);
        }
        if (looop.sandbox.Inside.confined(env.get(looop.sandbox.Inside.ENV)) && !session.equals(env.get("LOOOP_SESSION_ID"))) {
            throw new UserError("inside the sandbox a worker's `_ " + verb + "` acts only on its own leases; drop --session " + session,
                    ExitCode.USAGE);
        }
        return session;
    }

    /** Takes the lease; the line to print, or a UserError (exit 1) naming the holder. */
    public static String claim(Claims claims, String name, String session) {
        if (claims.claim(name, session)) return "claimed " + name + " for " + session;
        throw new UserError(name + " is held by " + holder(claims, name) + "; do not proceed with that work: wait, or flag and ask");
    }

    /** Drops the lease; the line to print, or a UserError (exit 1) when another live session holds it. */
    public static String unclaim(Claims claims, String name, String session) {
        if (claims.unclaim(name, session)) return "released " + name;
        throw new UserError(name + " is held by " + holder(claims, name) + ", not " + session + "; only its holder can release it");
    }

    /** The holder as of now; it may have let go between the refusal and this read. */
    private static String holder(Claims claims, String name) {
        String h = claims.holder(name);
        return h != null ? h : "a session that just released it (try again)";
    }

    public static String pruned(List<String> ids) {
        if (ids.isEmpty()) return "nothing to prune: no finished sessions\n";
        return "removed " + ids.size() + " finished session" + (ids.size() == 1 ? "" : "s") + ": " + String.join(", ", ids) + "\n";
    }
}
