package looop.gate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import looop.sense.Recall;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Log;
import looop.profile.Config;
import looop.profile.Events;
import looop.profile.Knob;
import looop.profile.Paths;
import looop.profile.UsageLimit;

/**
 * The gate stage: whether this beat may spend an AI call on its world. Closed
 * while the decider's runner is at its usage limit (until its reset; a
 * limit just lifted re-decides even an unchanged world), when nothing changed since the last good beat (unless forced, a run_shell's
 * output is unread, or noop_ttl passed since the last decision), while the
 * world is backing off after a failure, when max_decides_per_hour runner
 * calls were made in the last hour, when today's spend reached
 * max_daily_usd, or when an unmetered runner tripped the breaker. Each closing
 * is logged and leaves its event; an open gate leaves nothing.
 */
public final class Gate {
    /** What the gate says; decide asks the runner only through an open gate. */
    public sealed interface Result permits Open, Closed {}

    public record Open() implements Result {}

    /** reason is the event's reason code (limited, world_unchanged, backoff, decide_capped, budget, unmetered); retryInS for a limit, backoff and the cap. */
    public record Closed(String reason, String message, Long retryInS) implements Result {}

    public static final String UNCHANGED = "world_unchanged";
    /** The decider's runner is at its usage limit (looop.profile.UsageLimit). */
    public static final String LIMITED = "limited";

    private final Paths paths;
    private final Clock clock;
    private final Log log;
    private final Events events;

    public Gate(Paths paths, Clock clock, Log log) {
        this.paths = paths;
        this.clock = clock;
        this.log = log;
        this.events = new Events(paths, clock);
    }

    /** Checks, in order: changed (or forced, or due again), backoff, the hourly cap, budget. config is the beat's, read once. */
    public Result check(String hash, String lastHash, boolean force, Config config) {
        return check(hash, lastHash, Push.of(force), config);
    }

    /** The same, pushed as hard as push says: --now also passes the backoff. */
    public Result check(String hash, String lastHash, Push push, Config config) {
        Closed limit = push.pastBackoff() ? null : limited(); // first: while limited, every beat says so
        if (limit != null) return limit;
        boolean force = push.redecide();
        boolean changed = !hash.equals(lastHash);
        String again = changed || force ? null : reopened(config);
        if (!changed && !force && again == null) {
            log.line(Log.Level.INFO, "tick.skip", "world " + shortHash(hash) + " unchanged — no AI call");
            events.emit(UNCHANGED);
            return new Closed(UNCHANGED, "world unchanged", null);
        }
        log.line(Log.Level.INFO, "tick.changed", changed
                ? "world " + shortHash(hash) + " changed (was " + (lastHash.isEmpty() ? "none" : shortHash(lastHash)) + ")"
                : "world " + shortHash(hash) + " unchanged, but re-deciding " + (again != null ? again : "as asked"));
        Result held = push.pastBackoff() ? null : backoff(hash);
        if (held == null) held = capped(config);
        return held != null ? held : budget(config);
    }

    /**
     * Why an unchanged world is decided again, or null: a run_shell's output
     * no decide has read yet, or a decision older than noop_ttl (a loop that
     * went quiet reconsiders). Without a recorded decision time (a profile
     * from before .recall.json), the committed hash's file time stands in.
     */
    private String reopened(Config config) {
        UsageLimit lifted = UsageLimit.lifted(paths, clock);
        if (lifted != null) return "as " + lifted.runner() + "'s usage limit reset";
        Recall recall = new Recall(paths, clock);
        Recall.Shell shell = recall.shell();
        if (shell != null && !shell.shown()) return "to read the last run_shell's output";
        long ttl = paths.knob(Knob.NOOP_TTL, config.guards().noopTtl());
        if (ttl <= 0) return null;
        Long at = recall.committedAt();
        long decided = at != null ? at : Fs.modifiedMillis(paths.lastTickHash()) / 1000;
        if (decided <= 0) return null;
        long age = clock.instant().getEpochSecond() - decided;
        return age >= ttl ? "(last decided " + age + "s ago, noop_ttl " + ttl + "s)" : null;
    }

    /**
     * The runner's usage limit (UsageLimit) holds: no AI call until its reset.
     * No event: the beat that met the limit raised the episode's one.
     */
    private Closed limited() {
        UsageLimit limit = UsageLimit.current(paths, clock);
        if (limit == null) return null;
        long left = limit.secondsLeft(clock.instant());
        String msg = limit.until(clock.getZone()) + " — no AI call, next in " + looop.io.Durations.human(left);
        log.line(Log.Level.INFO, "tick.limited", msg);
        return new Closed(LIMITED, msg, left);
    }

    /** max_decides_per_hour: runner calls (retries included) in the rolling hour. */
    private Closed capped(Config config) {
        long max = config.guards().maxDecidesPerHour();
        if (max <= 0) return null;
        Recall recall = new Recall(paths, clock);
        int made = recall.decidesInLastHour();
        if (made < max) return null;
        long retry = Math.max(1, recall.oldestDecideInLastHour() + 3600 - clock.instant().getEpochSecond());
        String msg = made + " runner calls in the last hour reach max_decides_per_hour " + max + " — no AI call, next in " + looop.io.Durations.human(retry);
        log.line(Log.Level.WARN, "tick.capped", msg);
        ObjectNode f = Json.object();
        f.put("decides", made);
        f.put("max_decides_per_hour", max);
        f.put("retry_in_s", retry);
        events.emit("decide_capped", f);
        return new Closed("decide_capped", msg, retry);
    }

    /** Backoff: a world that failed before waits out its window before another paid try. */
    private Closed backoff(String hash) {
        Backoff backoff = new Backoff(paths.backoff(), clock);
        long wait = backoff.remaining(hash);
        if (wait <= 0) return null;
        int fails = backoff.fails(hash);
        String msg = "this world failed " + fails + " time(s) in a row — backing off, next try in " + wait + "s; `looop tick --now` retries now";
        log.line(Log.Level.WARN, "tick.backoff", msg);
        ObjectNode f = Json.object();
        f.put("fails", fails);
        f.put("retry_in_s", wait);
        events.emit("tick_backoff", f);
        return new Closed("backoff", msg, wait);
    }

    /** The daily cap, and the breaker that refuses to spend blind through an unmetered runner. */
    private Result budget(Config config) {
        if (config.maxDailyUsd() == null) return new Open();
        Config.RunnerDef runner = config.defaultRunnerDef();
        Budget budget = new Budget(paths.costLedger(), paths.unmetered(), clock);
        double spent = budget.spentToday();
        if (spent >= config.maxDailyUsd()) {
            String msg = "daily budget reached (" + Budget.usd(spent) + " of " + Budget.usd(config.maxDailyUsd())
                    + ") — no AI call until local midnight";
            log.line(Log.Level.WARN, "tick.budget", msg);
            ObjectNode f = Json.object();
            f.put("spent_usd", spent);
            f.put("max_daily_usd", config.maxDailyUsd());
            events.emit("budget_exceeded", f);
            return new Closed("budget", msg, null);
        }
        if (budget.unmeteredBlocked(Budget.signature(runner.name(), runner.cost() != null))) {
            String msg = "runner '" + runner.name() + "' reported no cost for " + Budget.UNMETERED_LIMIT
                    + " runs in a row and a budget is set — no AI call (give the runner a \"cost\" spec, or use claude/pi)";
            log.line(Log.Level.WARN, "tick.budget_unmetered", msg);
            ObjectNode f = Json.object();
            f.put("runner", runner.name());
            events.emit("budget_unmetered", f);
            return new Closed("unmetered", msg, null);
        }
        return new Open();
    }

    public static String shortHash(String hash) {
        return hash == null || hash.length() < 8 ? String.valueOf(hash) : hash.substring(0, 8);
    }
}
