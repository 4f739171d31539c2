package looop.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import looop.gate.Budget;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Journal;
import looop.profile.Paths;
import looop.workers.SessionFiles;
import looop.workers.SessionView;
import looop.workers.Sessions;
import looop.workers.Tmux;

/**
 * Everything the page shows, read fresh from the data dir on every call as
 * one JSON object: the page is rendered from it and its script refreshes
 * from it, so the files stay the only source of truth. A part that cannot be
 * read (a broken looop.json, tmux gone) says so in its place instead of
 * failing the whole page.
 */
public final class Fleet {
    public static final Duration TIMELINE = Duration.ofHours(6);
    static final int JOURNAL_LINES = 40;

    private final Paths paths;
    private final Clock clock;
    private final Sessions sessions;
    private final HumanActions human;

    public Fleet(Paths paths, Clock clock, Sessions sessions, HumanActions human) {
        this.paths = paths;
        this.clock = clock;
        this.sessions = sessions;
        this.human = human;
    }

    /**
     * The page's parts, from one state document (StateDocument, what `looop
     * state` and `status` print) plus what only the page shows: screens,
     * diffs, the journal, the charts.
     */
    public ObjectNode state() {
        ObjectNode out = Json.object();
        out.put("data_dir", paths.data.toString());
        out.put("human", human.available());
        JsonNode doc = document();
        part(out, "pulse", () -> pulse(doc));
        List<HumanActions.PendingAsk> asks = safe(human::pending, List.of());
        out.set("asks", asks(asks));
        part(out, "workers", () -> workers(asks, doc));
        out.set("journal", journal());
        out.set("schedules", schedules(doc));
        part(out, "spend", () -> spend(doc));
        return out;
    }

    /** The state document, or {"error": why} when looop.json cannot be read: each part then says so in its place. */
    private JsonNode document() {
        try {
            return looop.state.StateDocument.read(paths, Config.load(paths), sessions, clock);
        } catch (UserError | java.io.UncheckedIOException e) {
            return Json.object().put("error", e.getMessage());
        }
    }

    /** looop.json, read when a diff must look into a worktree's files (in the sandbox, under its rules). */
    private Config config() {
        return Config.load(paths);
    }

    /** The document's part, or the reason it could not be read, thrown as the part's error. */
    private static JsonNode need(JsonNode doc) {
        if (doc.has("error")) throw new UserError(doc.get("error").asText());
        return doc;
    }

    /** Puts one part, or {"error": why} when reading it failed with a user-facing reason. */
    private static void part(ObjectNode out, String name, Supplier<JsonNode> read) {
        try {
            out.set(name, read.get());
        } catch (UserError | java.io.UncheckedIOException e) {
            out.putObject(name).put("error", e.getMessage());
        }
    }

    private static <T> T safe(Supplier<T> read, T fallback) {
        try {
            return read.get();
        } catch (UserError | java.io.UncheckedIOException e) {
            return fallback;
        }
    }

    // -- the pulse -------------------------------------------------------------

    private ObjectNode pulse(JsonNode doc) {
        JsonNode s = need(doc);
        ObjectNode p = Json.object();
        boolean running = s.path("pulse_running").asBoolean();
        p.put("running", running);
        p.put("line", (running ? "running (pid " + s.path("pid").asText() + ")" : "not running (start it with `looop run`)")
                + " · idle " + s.path("interval").asLong() + "s · busy " + s.path("busy_interval").asLong()
                + "s · active " + s.path("active_interval").asLong() + "s"
                + (s.path("usage_limit").isObject() ? " · " + s.path("usage_limit").path("text").asText() : ""));
        Timeline timeline = new Timeline(paths, clock);
        looop.state.BeatLog.Beat last = timeline.last();
        String lastBeat = last == null ? "no beat yet" : "last beat " + ago(clock.millis() - last.start().toEpochMilli())
                + ": " + last.outcome().label + (last.detail().isEmpty() ? "" : " · " + last.detail());
        // a failure stays in view until a beat succeeds, also while backed-off beats come after it
        JsonNode failure = s.path("last_failure");
        if (failure.isObject() && (last == null || last.outcome() != looop.state.BeatLog.Outcome.FAILED)) {
            lastBeat += " · last failure: " + failure.path("message").asText();
        }
        p.put("last_beat", lastBeat);
        if (last != null) p.put("last_outcome", Timeline.cssName(last.outcome()));
        p.put("timeline_svg", timeline.svg(TIMELINE));
        return p;
    }

    static String ago(long millis) {
        long s = Math.max(0, millis / 1000);
        if (s < 60) return s + "s ago";
        if (s < 3600) return s / 60 + "m ago";
        if (s < 86_400) return s / 3600 + "h " + s % 3600 / 60 + "m ago";
        return s / 86_400 + "d " + s % 86_400 / 3600 + "h ago";
    }

    // -- workers ---------------------------------------------------------------

    private ArrayNode workers(List<HumanActions.PendingAsk> asks, JsonNode doc) {
        Map<String, HumanActions.PendingAsk> askOf = asks.stream().collect(Collectors.toMap(HumanActions.PendingAsk::id, a -> a, (a, b) -> a));
        Map<String, JsonNode> seen = new java.util.HashMap<>(); // the document's word on each worker: health, blocked_on, cost_usd
        doc.path("workers").forEach(w -> seen.put(w.path("id").asText(), w));
        List<Sessions.Info> list = sessions.list();
        SessionView view = list.stream().anyMatch(Sessions.Info::alive) && safe(() -> Tmux.binary(paths), null) != null ? new SessionView(paths) : null;
        ArrayNode out = Json.array();
        for (Sessions.Info w : list) {
            JsonNode d = seen.getOrDefault(w.id(), Json.object());
            ObjectNode o = out.addObject();
            o.put("id", w.id());
            o.put("state", w.state().word());
            o.put("alive", w.alive());
            if (d.has("health")) o.put("health", d.get("health").asText());
            if (d.has("blocked_on")) o.put("blocked", d.get("blocked_on").asText());
            if (w.exitCode() != null) o.put("exit_code", w.exitCode());
            if (w.alive() && w.note() != null) o.put("flag", w.note());
            if (w.state() == looop.workers.SessionState.BLOCKED) o.put("blocked", w.reason() == null ? "blocked" : w.reason());
            HumanActions.PendingAsk ask = askOf.get(w.id());
            if (ask != null) o.put("ask", ask.question());
            // the document's conflicts: no second look at the branches per request
            String collides = looop.workers.WorkerConflicts.text(doc.path("conflicts"), w.id()).strip().replace("\n", "; ");
            if (!collides.isEmpty()) o.put("collides", collides);
            SessionFiles.Meta meta = SessionFiles.of(paths, w.id()).readMeta();
            o.put("age", w.state() == looop.workers.SessionState.WAITING ? looop.workers.WorkerVerbs.waits(w)
                    : meta == null || meta.startedUnix() <= 0 ? "" : "started " + ago(System.currentTimeMillis() - meta.startedUnix() * 1000));
            o.put("spend", Budget.usd(d.path("cost_usd").asDouble(0.0)));
            diffStat(o, w.id());
            ArrayNode screen = o.putArray("screen");
            if (view != null && w.alive()) screenOf(view, w.id(), o).forEach(screen::add);
        }
        return out;
    }

    /** A worker with a repo: the headline and `looop diff --stat` of its work (the full diff stays `looop diff <id>`). */
    private void diffStat(ObjectNode o, String id) {
        looop.git.Worktree wt = looop.workers.WorkerRepos.read(paths, id);
        if (wt == null || !java.nio.file.Files.isDirectory(wt.path())) return;
        looop.git.Diff d = safe(() -> looop.workers.WorkerRepos.worktrees(paths, this::config).diff(wt, false), null);
        if (d == null) return;
        o.put("diff_stat", d.text(true));
        o.put("diff_url", "/diff/" + id);
    }

    /** Worker id's whole diff against its base (what `looop diff <id>` prints), or null when it has no worktree. */
    public looop.git.Diff diff(String id) {
        if (looop.io.Ids.problem(id) != null) return null;
        looop.git.Worktree wt = looop.workers.WorkerRepos.read(paths, id);
        if (wt == null || !java.nio.file.Files.isDirectory(wt.path())) return null;
        return looop.workers.WorkerRepos.worktrees(paths, this::config).diff(wt, true);
    }

    /**
     * What `looop shot --trim` shows, down to the cursor's row at least, whose
     * index goes in o's "cursor" (the page keeps that row in view); nothing
     * when the session ended between the listing and the look.
     */
    private static List<String> screenOf(SessionView view, String id, ObjectNode o) {
        try {
            SessionView.Screen s = view.screen(id, false);
            List<String> lines = new java.util.ArrayList<>(s.trimmed());
            while (lines.size() <= s.cursorY()) lines.add("");
            o.put("cursor", s.cursorY());
            return lines;
        } catch (RuntimeException e) { // a UserError, or tmux answering half of a dying pane
            return List.of();
        }
    }

    // -- asks, journal, schedules ---------------------------------------------------

    private ArrayNode asks(List<HumanActions.PendingAsk> asks) {
        ArrayNode out = Json.array();
        for (HumanActions.PendingAsk a : asks) {
            ObjectNode o = out.addObject();
            o.put("id", a.id());
            o.put("question", a.question());
            ArrayNode opts = o.putArray("options");
            a.options().forEach(opts::add);
            o.put("age", a.since() == null ? "" : "asked " + ago(clock.millis() - a.since().toEpochMilli()));
        }
        return out;
    }

    /** The journal's tail, newest first. */
    private ArrayNode journal() {
        ArrayNode out = Json.array();
        List<String> tail = safe(() -> new Journal(paths, clock).tail(JOURNAL_LINES), List.of());
        for (int i = tail.size() - 1; i >= 0; i--) out.add(tail.get(i));
        return out;
    }

    /** Each schedule as `looop schedule ls` shows it; the page shows them, it does not run them. */
    private static ArrayNode schedules(JsonNode doc) {
        ArrayNode out = Json.array();
        for (JsonNode x : doc.path("schedules")) {
            String state = x.path("state").asText();
            out.addObject().put("name", x.path("name").asText()).put("state", state)
                    .put("text", state + " · " + x.path("when").asText() + (x.path("note").isNull() ? "" : " · " + x.path("note").asText()));
        }
        return out;
    }

    // -- spend -----------------------------------------------------------------

    private ObjectNode spend(JsonNode doc) {
        JsonNode budget = need(doc).path("budget");
        Double max = budget.path("max_daily_usd").isNull() ? null : budget.path("max_daily_usd").asDouble();
        double today = budget.path("spent_today_usd").asDouble();
        ObjectNode o = Json.object();
        o.put("today", "today " + Budget.usd(today) + (max == null ? " (no max_daily_usd set)" : " of " + Budget.usd(max) + " max_daily_usd"));
        o.put("over", budget.path("over").asBoolean());
        SpendChart chart = new SpendChart(paths, clock);
        o.put("by_runner_svg", chart.byRunner(max));
        o.put("by_kind_svg", chart.byKind(max));
        return o;
    }
}
