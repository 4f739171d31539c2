package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import looop.beat.Pulse;
import looop.gate.Budget;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.Config;
import looop.profile.Lock;
import looop.profile.Paths;
import looop.workers.Sessions;

/** `looop status`: the profile at a glance, read from files only. */
public final class Status {
    private static final int EVENTS_TAIL_BYTES = 64 * 1024;

    private final Paths paths;
    private final Clock clock;
    private final Sessions sessions;

    public Status(Paths paths, Clock clock, Sessions sessions) {
        this.paths = paths;
        this.clock = clock;
        this.sessions = sessions;
    }

    public ObjectNode json() {
        ObjectNode out = Json.object();
        out.put("data_dir", paths.data.toString());
        out.put("profile_exists", Files.isDirectory(paths.data));
        boolean running = Lock.isHeld(paths);
        out.put("pulse_running", running);
        if (running) out.put("pid", Lock.holder(paths));
        Config config = Config.load(paths);
        Pulse.Cadence cadence = Pulse.Cadence.of(paths, config);
        out.put("sandbox", looop.profile.Confinement.of(paths, config).sandbox().describe());
        out.put("interval", cadence.idle());
        out.put("busy_interval", cadence.busy());
        out.put("active_interval", cadence.active());
        String lastTick = lastEventTime("tick_start");
        if (lastTick != null) out.put("last_tick", lastTick);
        String hash = Fs.readOr(paths.lastTickHash(), "").trim();
        if (!hash.isEmpty()) out.put("last_hash", hash);
        ArrayNode workers = out.putArray("workers");
        java.util.List<Sessions.Info> list = sessions.list();
        java.util.Map<String, looop.workers.Health> health = looop.workers.WorkerHealth.of(paths, sessions, clock, config).look(list);
        list.forEach(s -> workers.add(looop.workers.WorkerVerbs.withHealth(s.json(), health.get(s.id()))));
        out.put("cost_today_usd", new Budget(paths.costLedger(), paths.unmetered(), clock).spentToday());
        human(out);
        return out;
    }

    public String text() {
        ObjectNode j = json();
        StringBuilder out = new StringBuilder();
        line(out, "data dir", j.get("data_dir").asText() + (j.get("profile_exists").asBoolean() ? "" : " (not created yet: run `looop tick`)"));
        line(out, "pulse", j.get("pulse_running").asBoolean() ? "running (pid " + j.get("pid").asText() + ")" : "not running (start it with `looop run`)");
        line(out, "cadence", "idle " + j.get("interval").asLong() + "s · busy " + j.get("busy_interval").asLong() + "s · active "
                + j.get("active_interval").asLong() + "s");
        line(out, "sandbox", j.get("sandbox").asText());
        line(out, "last tick", j.path("last_tick").asText("never"));
        line(out, "last hash", j.path("last_hash").asText("none committed yet"));
        JsonNode workers = j.get("workers");
        line(out, "workers", workers.isEmpty() ? "none" : workers.size() + "");
        for (JsonNode w : workers) {
            out.append("  - ").append(w.get("id").asText()).append(' ').append(w.get("state").asText());
            if (w.has("health")) out.append(", ").append(w.get("health").asText());
            if (!w.path("exit_code").isNull()) out.append(" (exit ").append(w.get("exit_code").asInt()).append(')');
            if (w.has("note")) out.append(" ⚑ ").append(w.get("note").asText());
            out.append('\n');
        }
        line(out, "cost today", Budget.usd(j.get("cost_today_usd").asDouble()));
        for (JsonNode a : j.get("asks")) {
            line(out, "ask", a.get("id").asText() + " (" + a.get("age_s").asLong() + "s) " + a.get("question").asText());
        }
        JsonNode tells = j.get("tells_undelivered");
        if (!tells.isEmpty()) {
            StringBuilder b = new StringBuilder();
            tells.properties().forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue().asInt()));
            line(out, "tells", b + " undelivered");
        }
        JsonNode n = j.get("notifications");
        line(out, "notify", n.get("undelivered").asInt() == 0 ? "all delivered"
                : n.get("undelivered").asInt() + " undelivered" + (n.hasNonNull("last_error") ? "; last error: " + n.get("last_error").asText() : ""));
        return out.toString();
    }

    /** Pending asks with their age, tells not yet delivered, and the outbox's backlog with its last error (URLs redacted). */
    private void human(ObjectNode out) {
        var asks = new looop.human.Asks(paths, clock);
        ArrayNode list = out.putArray("asks");
        for (looop.human.Ask a : asks.pending()) {
            list.addObject().put("id", a.id()).put("question", a.question()).put("age_s", a.age(asks.now()).toSeconds());
        }
        ObjectNode tells = out.putObject("tells_undelivered");
        new looop.human.Tells(paths, clock).undelivered().forEach(tells::put);
        var backlog = looop.notify.Outbox.backlog(paths);
        ObjectNode n = out.putObject("notifications").put("undelivered", backlog.undelivered());
        n.put("last_error", backlog.lastError());
        n.put("last_error_at", backlog.lastErrorAt() == null ? null : backlog.lastErrorAt().toString());
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-11s %s%n", label + ":", value));
    }

    /** The ts of the newest event of this kind, from the end of events.jsonl only. */
    String lastEventTime(String event) {
        List<String> lines = tailLines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            JsonNode n = Json.parseOrNull(lines.get(i));
            if (n != null && event.equals(n.path("event").asText())) return n.path("ts").asText();
        }
        return null;
    }

    private List<String> tailLines() {
        if (!Files.isRegularFile(paths.events())) return List.of();
        try (RandomAccessFile f = new RandomAccessFile(paths.events().toFile(), "r")) {
            long start = Math.max(0, f.length() - EVENTS_TAIL_BYTES);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            List<String> lines = new String(buf, StandardCharsets.UTF_8).lines().toList();
            return start == 0 || lines.isEmpty() ? lines : lines.subList(1, lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
