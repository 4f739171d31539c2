package looop.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import looop.beat.Pulse;
import looop.gate.Budget;
import looop.human.Ask;
import looop.human.Asks;
import looop.human.WorkerHealth;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.Config;
import looop.profile.Lock;
import looop.profile.Paths;
import looop.schedule.Schedule;
import looop.schedule.Schedules;
import looop.sense.Recall;
import looop.sense.SensorCache;
import looop.sense.SensorHealth;
import looop.workers.Health;
import looop.workers.Sessions;
import looop.workers.WorkerVerbs;

/**
 * The state document: everything a client needs to know of the loop, read
 * from files only, as one JSON object. `looop state`, `looop status`, the web
 * page and `looop mcp` all render this one document; docs/state.md is its
 * contract. Each part is one entry of PARTS, so a new field is one line there
 * and the method that writes it.
 */
public final class StateDocument {
    /** The contract's version: raised when a field changes meaning or goes; a new field does not raise it. */
    public static final int VERSION = 1;
    private static final int EVENTS_TAIL_BYTES = 64 * 1024;

    /** One part of the document: it puts its own keys. */
    private interface Part {
        void put(StateDocument from, ObjectNode doc);
    }

    /** The parts, in the document's order. */
    private static final List<Part> PARTS = List.of(
            StateDocument::profile,
            StateDocument::pulse,
            StateDocument::lastBeat,
            StateDocument::workers,
            StateDocument::conflicts,
            StateDocument::asks,
            StateDocument::schedules,
            StateDocument::budget,
            StateDocument::sensors,
            StateDocument::messages);

    private final Paths paths;
    private final Config config;
    private final Sessions sessions;
    private final Clock clock;

    private StateDocument(Paths paths, Config config, Sessions sessions, Clock clock) {
        this.paths = paths;
        this.config = config;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** The document now; config is looop.json as the caller loaded it (a command, a web request). */
    public static ObjectNode read(Paths paths, Config config, Sessions sessions, Clock clock) {
        StateDocument from = new StateDocument(paths, config, sessions, clock);
        ObjectNode doc = Json.object().put("version", VERSION).put("at", clock.instant().toString());
        for (Part part : PARTS) part.put(from, doc);
        return doc;
    }

    private void profile(ObjectNode out) {
        out.put("data_dir", paths.data.toString());
        out.put("profile_exists", Files.isDirectory(paths.data));
        out.put("sandbox", looop.profile.Confinement.probing(paths, config).sandbox().describe());
    }

    // -- the pulse ---------------------------------------------------------------

    /** Running or not, its cadence, when it beats next and why, the backoff of a failing world. */
    private void pulse(ObjectNode out) {
        boolean running = Lock.isHeld(paths);
        out.put("pulse_running", running);
        if (running) out.put("pid", Lock.holder(paths));
        cadence(out, running);
        backoff(out);
        usageLimit(out);
        String lastTick = lastEventTime("tick_start");
        if (lastTick != null) out.put("last_tick", lastTick);
        String hash = Fs.readOr(paths.lastTickHash(), "").trim();
        if (!hash.isEmpty()) out.put("last_hash", hash);
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
            if (pulse.hasNonNull("next_beat_why")) out.put("next_beat_why", pulse.get("next_beat_why").asText());
            return;
        }
        Pulse.Cadence cadence = Pulse.Cadence.of(paths, config);
        out.put("interval", cadence.idle());
        out.put("busy_interval", cadence.busy());
        out.put("active_interval", cadence.active());
        out.put("cadence_source", "config");
        ArrayNode env = out.putArray("env_overrides");
        Pulse.Cadence.envOverrides(paths).forEach(env::add);
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

    // -- the last beat -----------------------------------------------------------

    /**
     * The newest beat (when, its verdict, its move's journal line) and the last
     * failure, kept until a beat succeeds: the one line a person needs to fix it.
     */
    private void lastBeat(ObjectNode out) {
        Recall.Failure f = new Recall(paths, clock).failure();
        if (f == null) out.putNull("last_failure");
        else out.putObject("last_failure").put("reason", f.reason()).put("message", f.message()).put("at", f.at());
        BeatLog.Beat last = new BeatLog(paths, clock).last();
        if (last == null) {
            out.putNull("last_beat");
            return;
        }
        ObjectNode b = out.putObject("last_beat").put("at", last.start().toString()).put("verdict", last.outcome().label)
                .put("detail", last.detail()).put("move", last.move());
        b.set("failure", out.get("last_failure"));
    }

    // -- workers -----------------------------------------------------------------

    /** Each worker as `looop ls --json` shows it, with the question it waits on and what it cost. */
    private void workers(ObjectNode out) {
        ArrayNode workers = out.putArray("workers");
        List<Sessions.Info> list = sessions.list();
        Map<String, Health> health = WorkerHealth.of(paths, sessions, clock, config).look(list);
        Map<String, String> asking = new Asks(paths, clock).pending().stream().collect(Collectors.toMap(Ask::id, Ask::question, (a, b) -> a));
        Map<String, Double> spend = budget().rows().stream().collect(Collectors.groupingBy(Budget.Row::id, Collectors.summingDouble(Budget.Row::costUsd)));
        for (Sessions.Info s : list) {
            ObjectNode w = WorkerVerbs.withHealth(s.json(), health.get(s.id()));
            w.put("asking", asking.get(s.id()));
            w.put("cost_usd", spend.getOrDefault(s.id(), 0.0));
            workers.add(w);
        }
    }

    /** The workers' branches that collide, as sys-conflicts' signal shows them (none without workers: no git then). */
    private void conflicts(ObjectNode out) {
        List<Sessions.Info> list = sessions.list();
        out.set("conflicts", list.isEmpty() ? Json.array() : new looop.workers.WorkerConflicts(paths).look(list).json());
    }

    // -- asks, schedules, budget -----------------------------------------------

    /** Pending asks, oldest first, with their options and age. */
    private void asks(ObjectNode out) {
        var asks = new Asks(paths, clock);
        ArrayNode list = out.putArray("asks");
        for (Ask a : asks.pending()) {
            ObjectNode o = list.addObject().put("id", a.id()).put("question", a.question()).put("age_s", a.age(asks.now()).toSeconds());
            ArrayNode options = o.putArray("options");
            if (a.options() != null) a.options().forEach(options::add);
        }
    }

    /** Each schedule: its state and when it fires, as `looop schedule ls` says it. */
    private void schedules(ObjectNode out) {
        ArrayNode list = out.putArray("schedules");
        Instant now = clock.instant();
        for (Schedule s : new Schedules(paths, clock).list()) {
            list.addObject().put("name", s.name()).put("state", s.state(now)).put("when", s.describe(now)).put("note", s.note());
        }
    }

    /** Spend today against max_daily_usd; over means beats skip deciding until tomorrow. */
    private void budget(ObjectNode out) {
        double today = budget().spentToday();
        out.put("cost_today_usd", today);
        Double max = config.maxDailyUsd();
        out.putObject("budget").put("spent_today_usd", today).put("max_daily_usd", max).put("over", max != null && today >= max);
    }

    private Budget budget() {
        return new Budget(paths.costLedger(), paths.unmetered(), clock);
    }

    // -- sensors ---------------------------------------------------------------

    /**
     * Each user sensor with the age of its reading (a sensor with an interval:
     * of its kept reading; any other: of the last beat's sense), whether it
     * failed in the last beat, and the flapping readings.
     */
    private void sensors(ObjectNode out) {
        String sensed = lastEventTime("sense_done");
        long now = clock.instant().getEpochSecond();
        Long lastSense = sensed == null ? null : Instant.parse(sensed).getEpochSecond();
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

    // -- tells and notifications -----------------------------------------------------

    /** Tells not yet delivered, and the outbox's backlog with its last error (URLs redacted). */
    private void messages(ObjectNode out) {
        ObjectNode tells = out.putObject("tells_undelivered");
        new looop.human.Tells(paths, clock).undelivered().forEach(tells::put);
        var backlog = looop.notify.Outbox.backlog(paths);
        ObjectNode n = out.putObject("notifications").put("undelivered", backlog.undelivered());
        n.put("last_error", backlog.lastError());
        n.put("last_error_at", backlog.lastErrorAt() == null ? null : backlog.lastErrorAt().toString());
        String exposed = looop.notify.Channels.warning(paths, config);
        if (exposed != null) n.put("warning", exposed);
    }

    /** The ts of the newest event of this kind, from the end of events.jsonl only. */
    private String lastEventTime(String event) {
        List<String> lines = tailLines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            JsonNode n = Json.parseOrNull(lines.get(i));
            if (n != null && event.equals(n.path("event").asText())) return n.path("ts").asText();
        }
        return null;
    }

    private List<String> tailLines() {
        return BeatLog.tail(paths.events(), EVENTS_TAIL_BYTES);
    }
}
