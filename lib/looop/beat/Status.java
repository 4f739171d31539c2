package looop.beat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import looop.gate.Budget;
import looop.io.Durations;
import looop.io.Fs;
import looop.io.Json;
import looop.sense.Recall;
import looop.profile.Config;
import looop.profile.Lock;
import looop.profile.Paths;
import looop.sense.SensorCache;
import looop.sense.SensorHealth;
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
        return json(true);
    }

    /** The same; without conflicts (no git), for a caller that shows them its own way (the web page, on each worker). */
    public ObjectNode json(boolean withConflicts) {
        ObjectNode out = Json.object();
        out.put("data_dir", paths.data.toString());
        out.put("profile_exists", Files.isDirectory(paths.data));
        boolean running = Lock.isHeld(paths);
        out.put("pulse_running", running);
        if (running) out.put("pid", Lock.holder(paths));
        Config config = Config.load(paths);
        out.put("sandbox", looop.profile.Confinement.probing(paths, config).sandbox().describe());
        cadence(out, running);
        backoff(out);
        usageLimit(out);
        lastFailure(out);
        String lastTick = lastEventTime("tick_start");
        if (lastTick != null) out.put("last_tick", lastTick);
        String hash = Fs.readOr(paths.lastTickHash(), "").trim();
        if (!hash.isEmpty()) out.put("last_hash", hash);
        ArrayNode workers = out.putArray("workers");
        java.util.List<Sessions.Info> list = sessions.list();
        java.util.Map<String, looop.workers.Health> health = looop.human.WorkerHealth.of(paths, sessions, clock, config).look(list);
        list.forEach(s -> workers.add(looop.workers.WorkerVerbs.withHealth(s.json(), health.get(s.id()))));
        if (withConflicts) out.set("conflicts", conflicts(list));
        out.put("cost_today_usd", new Budget(paths.costLedger(), paths.unmetered(), clock).spentToday());
        sensors(out, config);
        human(out);
        return out;
    }

    /** The workers' branches that collide, as sys-conflicts' signal shows them (none without workers: no git then). */
    public ArrayNode conflicts(List<Sessions.Info> workers) {
        if (workers.isEmpty()) return Json.array();
        return new looop.workers.WorkerConflicts(paths).look(workers).json();
    }

    private static String conflictText(JsonNode c) {
        List<String> files = new java.util.ArrayList<>();
        c.get("files").forEach(f -> files.add(f.asText()));
        return c.get("a").asText() + " ↔ " + c.path(c.has("b") ? "b" : "base").asText() + " in " + String.join(", ", files);
    }

    private static String joined(JsonNode ids) {
        StringBuilder b = new StringBuilder();
        for (JsonNode id : ids) b.append(b.length() == 0 ? "" : ", ").append(id.asText());
        return b.toString();
    }

    /** When the last beat ran, as a person reads it: local time to the minute and how long ago. */
    private String lastTick(String rfc3339) {
        if (rfc3339 == null) return "never";
        java.time.Instant at = java.time.Instant.parse(rfc3339);
        java.time.Duration ago = java.time.Duration.between(at, clock.instant());
        return Durations.at(at) + (ago.isNegative() ? "" : " (" + Durations.human(ago.toSeconds()) + " ago)");
    }

    public String text() {
        ObjectNode j = json();
        StringBuilder out = new StringBuilder();
        line(out, "data dir", j.get("data_dir").asText() + (j.get("profile_exists").asBoolean() ? "" : " (not created yet: run `looop tick`)"));
        line(out, "pulse", j.get("pulse_running").asBoolean() ? "running (pid " + j.get("pid").asText() + ")" : "not running (start it with `looop run`)");
        line(out, "cadence", "idle " + Durations.human(j.get("interval").asLong()) + " · busy " + Durations.human(j.get("busy_interval").asLong())
                + " · active " + Durations.human(j.get("active_interval").asLong()) + cadenceSource(j));
        line(out, "backoff", backoffText(j.get("backoff")));
        if (j.hasNonNull("usage_limit")) line(out, "usage limit", j.get("usage_limit").get("text").asText());
        if (j.hasNonNull("last_failure")) line(out, "last failure", j.get("last_failure").get("message").asText());
        line(out, "sandbox", j.get("sandbox").asText());
        line(out, "last tick", lastTick(j.path("last_tick").asText(null)));
        line(out, "last hash", j.path("last_hash").asText("none committed yet"));
        JsonNode workers = j.get("workers");
        line(out, "workers", workers.isEmpty() ? "none" : workers.size() + "");
        for (JsonNode w : workers) {
            out.append("  - ").append(w.get("id").asText()).append(' ').append(w.get("state").asText());
            if (w.has("health")) out.append(", ").append(w.get("health").asText());
            if (w.has("blocked_on")) out.append(": ").append(w.get("blocked_on").asText());
            if (w.has("after") && w.get("state").asText().equals("waiting")) out.append(" after ").append(joined(w.get("after")));
            if (w.has("reason")) out.append(": ").append(w.get("reason").asText());
            if (!w.path("exit_code").isNull()) out.append(" (exit ").append(w.get("exit_code").asInt()).append(')');
            if (w.has("note")) out.append(" ⚑ ").append(w.get("note").asText());
            out.append('\n');
        }
        for (JsonNode c : j.get("conflicts")) line(out, "conflicts", conflictText(c));
        line(out, "cost today", Budget.usd(j.get("cost_today_usd").asDouble()));
        sensorLines(out, j);
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
        if (n.has("warning")) line(out, "notify", "warning: " + n.get("warning").asText());
        return out.toString();
    }

    /**
     * Each user sensor with the age of its reading (a sensor with an interval:
     * of its kept reading; any other: of the last beat's sense), whether it
     * failed in the last beat, and the flapping readings.
     */
    private void sensors(ObjectNode out, Config config) {
        String sensed = lastEventTime("sense_done");
        long now = clock.instant().getEpochSecond();
        Long lastSense = sensed == null ? null : java.time.Instant.parse(sensed).getEpochSecond();
        List<String> flapping = new Recall(paths, clock).flapping(config.guards().flapBeats());
        SensorCache cache = new SensorCache(paths, clock);
        ArrayNode list = out.putArray("sensors");
        for (java.nio.file.Path script : Fs.listFiles(paths.sensors(), ".sh")) {
            String file = script.getFileName().toString();
            String name = file.substring(0, file.length() - ".sh".length());
            ObjectNode n = list.addObject().put("name", name);
            java.time.Duration interval = SensorCache.interval(Fs.readOr(script, ""));
            SensorCache.Entry kept = interval == null ? null : cache.entry(name);
            Long at = kept != null ? Long.valueOf(kept.at()) : lastSense;
            n.put("age_s", at == null ? null : Math.max(0, now - at));
            n.put("interval_s", interval == null ? null : interval.toSeconds());
            String reading = Fs.readOrNull(paths.snapshots().resolve("sensor-" + name + ".json"));
            n.put("failing", reading == null ? null : SensorHealth.failure(Json.parseOrNull(reading)));
            n.put("flapping", flapping.contains("sensor-" + name + ".json"));
        }
        ArrayNode flaps = out.putArray("flapping");
        flapping.forEach(flaps::add);
    }

    private static void sensorLines(StringBuilder out, JsonNode j) {
        StringBuilder b = new StringBuilder();
        for (JsonNode n : j.get("sensors")) {
            b.append(b.length() == 0 ? "" : " · ").append(n.get("name").asText()).append(' ');
            b.append(n.get("age_s").isNull() ? "never read" : Durations.human(n.get("age_s").asLong()) + " ago");
            if (!n.get("interval_s").isNull()) b.append(" (every ").append(Durations.human(n.get("interval_s").asLong())).append(")");
            if (!n.get("failing").isNull()) b.append(" ✗ ").append(n.get("failing").asText());
        }
        line(out, "sensors", b.length() == 0 ? "none" : b.toString());
        for (JsonNode f : j.get("flapping")) {
            line(out, "flapping", f.asText() + ": its signal changed on every recent beat; move the volatile part of its reading to \"detail\"");
        }
    }

    /**
     * The cadence in force: the running pulse's own record (its environment
     * may differ from this shell's), else what a pulse started here would use.
     */
    private void cadence(ObjectNode out, boolean running) {
        JsonNode pulse = running ? Json.parseOrNull(Fs.readOr(paths.pulseState(), "")) : null;
        if (pulse != null && String.valueOf(Lock.holder(paths)).equals(pulse.path("pid").asText())) {
            out.put("interval", pulse.path("interval").asLong());
            out.put("busy_interval", pulse.path("busy_interval").asLong());
            out.put("active_interval", pulse.path("active_interval").asLong());
            out.put("cadence_source", "pulse");
            ArrayNode env = out.putArray("env_overrides");
            pulse.path("env_overrides").forEach(env::add);
            if (pulse.hasNonNull("next_beat_at")) out.put("next_beat_at", pulse.get("next_beat_at").asText());
            return;
        }
        Pulse.Cadence cadence = Pulse.Cadence.of(paths, Config.load(paths));
        out.put("interval", cadence.idle());
        out.put("busy_interval", cadence.busy());
        out.put("active_interval", cadence.active());
        out.put("cadence_source", "config");
        ArrayNode env = out.putArray("env_overrides");
        Pulse.Cadence.envOverrides(paths).forEach(env::add);
    }

    private String cadenceSource(JsonNode j) {
        StringBuilder b = new StringBuilder();
        JsonNode env = j.path("env_overrides");
        if (env.size() > 0) {
            b.append(" (env ");
            for (int i = 0; i < env.size(); i++) b.append(i == 0 ? "" : ", ").append(env.get(i).asText());
            b.append(')');
        }
        if ("pulse".equals(j.path("cadence_source").asText())) {
            b.append(" · as the running pulse uses it");
            if (j.hasNonNull("next_beat_at")) b.append(", next beat ").append(nextBeat(j.get("next_beat_at").asText()));
        }
        return b.toString();
    }

    /** "at 05:59 (in 8h07m)" for the pulse's next beat; the JSON keeps the instant as it was written. */
    private String nextBeat(String iso) {
        try {
            java.time.Instant at = java.time.Instant.parse(iso);
            return looop.io.Durations.at(at) + (clock.instant().isBefore(at) ? " (in " + looop.io.Durations.human(java.time.Duration.between(clock.instant(), at)) + ")" : "");
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    /** The retry pacing of a failing world: how many failures in a row, and how long until the next try. */
    private void backoff(ObjectNode out) {
        looop.gate.Backoff backoff = new looop.gate.Backoff(paths.backoff(), clock);
        looop.gate.Backoff.State s = backoff.read();
        if (s == null || s.fails() <= 0) {
            out.putNull("backoff");
            return;
        }
        out.putObject("backoff").put("hash", s.hash()).put("fails", s.fails()).put("retry_in_s", backoff.remaining(s.hash()));
    }

    /** The decider's usage limit in force (UsageLimit): "limited until HH:MM (runner)", with the record's fields. */
    private void usageLimit(ObjectNode out) {
        looop.profile.UsageLimit limit = looop.profile.UsageLimit.current(paths, clock);
        if (limit == null) {
            out.putNull("usage_limit");
            return;
        }
        out.set("usage_limit", limit.json().put("text", limit.until(clock.getZone())));
    }

    /** Why the last beat failed, until a beat succeeds: the one line a person needs to fix it. */
    private void lastFailure(ObjectNode out) {
        looop.sense.Recall.Failure f = new looop.sense.Recall(paths, clock).failure();
        if (f == null) {
            out.putNull("last_failure");
            return;
        }
        out.putObject("last_failure").put("reason", f.reason()).put("message", f.message()).put("at", f.at());
    }

    private static String backoffText(JsonNode b) {
        if (b.isNull()) return "none";
        int fails = b.get("fails").asInt();
        long wait = b.get("retry_in_s").asLong();
        return fails + " failed beat" + (fails == 1 ? "" : "s") + " at world " + shortHash(b.get("hash").asText()) + "; "
                + (wait > 0 ? "next try in " + looop.io.Durations.human(wait) : "free to retry") + " (a changed world retries at once; `looop tick --now` retries now)";
    }

    private static String shortHash(String h) {
        return h.length() > 8 ? h.substring(0, 8) : h;
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
        String exposed = looop.notify.Channels.warning(paths);
        if (exposed != null) n.put("warning", exposed);
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
