package looop.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import looop.schedule.Schedule;
import looop.schedule.Schedules;
import looop.workers.Health;
import looop.workers.SessionFiles;
import looop.workers.SessionView;
import looop.workers.Sessions;
import looop.workers.Tmux;
import looop.human.WorkerHealth;

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

    public ObjectNode state() {
        ObjectNode out = Json.object();
        out.put("data_dir", paths.data.toString());
        out.put("human", human.available());
        part(out, "pulse", this::pulse);
        List<HumanActions.PendingAsk> asks = safe(human::pending, List.of());
        out.set("asks", asks(asks));
        part(out, "workers", () -> workers(asks));
        out.set("journal", journal());
        out.set("schedules", schedules());
        part(out, "spend", this::spend);
        return out;
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

    private ObjectNode pulse() {
        ObjectNode s = looop.state.StateDocument.read(paths, Config.load(paths), sessions, clock);
        ObjectNode p = Json.object();
        boolean running = s.path("pulse_running").asBoolean();
        p.put("running", running);
        p.put("line", (running ? "running (pid " + s.path("pid").asText() + ")" : "not running (start it with `looop run`)")
                + " · idle " + s.path("interval").asLong() + "s · busy " + s.path("busy_interval").asLong()
                + "s · active " + s.path("active_interval").asLong() + "s");
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

    private ArrayNode workers(List<HumanActions.PendingAsk> asks) {
        Map<String, HumanActions.PendingAsk> askOf = asks.stream().collect(Collectors.toMap(HumanActions.PendingAsk::id, a -> a, (a, b) -> a));
        Map<String, Double> spend = new Budget(paths.costLedger(), paths.unmetered(), clock).rows().stream()
                .collect(Collectors.groupingBy(Budget.Row::id, Collectors.summingDouble(Budget.Row::costUsd)));
        List<Sessions.Info> list = sessions.list();
        SessionView view = list.stream().anyMatch(Sessions.Info::alive) && safe(() -> Tmux.binary(paths), null) != null ? new SessionView(paths) : null;
        Map<String, Health> health = safe(() -> WorkerHealth.of(paths, sessions, clock, Config.load(paths)).look(list), Map.of());
        ArrayNode out = Json.array();
        for (Sessions.Info w : list) {
            ObjectNode o = out.addObject();
            o.put("id", w.id());
            o.put("state", w.state().word());
            o.put("alive", w.alive());
            if (health.containsKey(w.id())) o.put("health", health.get(w.id()).word());
            if (health.containsKey(w.id()) && health.get(w.id()).isBlocked()) o.put("blocked", health.get(w.id()).blockedOn());
            if (w.exitCode() != null) o.put("exit_code", w.exitCode());
            if (w.alive() && w.note() != null) o.put("flag", w.note());
            HumanActions.PendingAsk ask = askOf.get(w.id());
            if (ask != null) o.put("ask", ask.question());
            SessionFiles.Meta meta = SessionFiles.of(paths, w.id()).readMeta();
            o.put("age", meta == null || meta.startedUnix() <= 0 ? "" : "started " + ago(System.currentTimeMillis() - meta.startedUnix() * 1000));
            o.put("spend", Budget.usd(spend.getOrDefault(w.id(), 0.0)));
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
        looop.git.Diff d = safe(() -> looop.workers.WorkerRepos.worktrees(paths).diff(wt, false), null);
        if (d == null) return;
        o.put("diff_stat", d.text(true));
        o.put("diff_url", "/diff/" + id);
    }

    /** Worker id's whole diff against its base (what `looop diff <id>` prints), or null when it has no worktree. */
    public looop.git.Diff diff(String id) {
        if (looop.io.Ids.problem(id) != null) return null;
        looop.git.Worktree wt = looop.workers.WorkerRepos.read(paths, id);
        if (wt == null || !java.nio.file.Files.isDirectory(wt.path())) return null;
        return looop.workers.WorkerRepos.worktrees(paths).diff(wt, true);
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
    private ArrayNode schedules() {
        ArrayNode out = Json.array();
        Instant now = clock.instant();
        for (Schedule x : safe(() -> new Schedules(paths, clock).list(), List.<Schedule>of())) {
            out.addObject().put("name", x.name()).put("state", x.state(now))
                    .put("text", x.state(now) + " · " + x.describe(now) + (x.note() == null ? "" : " · " + x.note()));
        }
        return out;
    }

    // -- spend -----------------------------------------------------------------

    private ObjectNode spend() {
        Double max = safe(() -> Config.load(paths).maxDailyUsd(), null);
        double today = new Budget(paths.costLedger(), paths.unmetered(), clock).spentToday();
        ObjectNode o = Json.object();
        o.put("today", "today " + Budget.usd(today) + (max == null ? " (no max_daily_usd set)" : " of " + Budget.usd(max) + " max_daily_usd"));
        o.put("over", max != null && today >= max);
        SpendChart chart = new SpendChart(paths, clock);
        o.put("by_runner_svg", chart.byRunner(max));
        o.put("by_kind_svg", chart.byKind(max));
        return o;
    }
}
