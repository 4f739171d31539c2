package looop.beat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import looop.act.Executor;
import looop.act.Intent;
import looop.act.ShellGate;
import looop.decide.Decision;
import looop.decide.Prompt;
import looop.decide.Runner;
import looop.gate.Backoff;
import looop.gate.Budget;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Log;
import looop.io.UserError;
import looop.profile.Knob;
import looop.profile.Config;
import looop.profile.Events;
import looop.profile.Journal;
import looop.profile.Launcher;
import looop.profile.Paths;
import looop.profile.Seed;
import looop.sense.Sensors;
import looop.sense.WorldHash;
import looop.workers.Claims;
import looop.workers.Sessions;

/**
 * One beat, read top to bottom like a reconciler: observe (sense, hash),
 * compare (skip, backoff, budget), act once (decide, execute), and say what
 * happened. Nothing is remembered in memory between beats; each stage is also
 * a command of its own (looop sense | looop hash | looop decide | looop act).
 */
public final class Tick {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Paths paths;
    private final Clock clock;
    private final Sessions sessions;
    private final Log log;
    private final Events events;

    public Tick(Paths paths, Clock clock, Sessions sessions, Log log) {
        this.paths = paths;
        this.clock = clock;
        this.sessions = sessions;
        this.log = log;
        this.events = new Events(paths, clock);
    }

    /** After sensing: this beat's readings, exactly as written to snapshots/. */
    public record Sensed(List<Sensors.Reading> readings) {}

    /** After hashing: the world hash and the one committed by the last successful beat. */
    public record Hashed(List<Sensors.Reading> readings, String hash, String lastHash) {
        public boolean changed() {
            return !hash.equals(lastHash);
        }
    }

    /** After deciding: either a decision to execute, or why the beat ends here. */
    public record Decided(String hash, Outcome.Result result, String reason, String runId, String decisionText,
            String message) {
        static Decided ended(String hash, Outcome.Result result, String reason, String runId, String message) {
            return new Decided(hash, result, reason, runId, null, message);
        }
    }

    /** How a beat ended. acted beats carry the move; the rest say why not. */
    public record Outcome(Result result, String reason, Executor.Move move, String runId, String message) {
        public enum Result { ACTED, SKIPPED, FAILED }

        public Integer nextIntervalS() {
            return move == null ? null : move.nextIntervalS();
        }
    }

    /** One whole beat in this JVM. force re-decides an unchanged world once. */
    public Outcome beat(boolean force) {
        recover();
        Config config = preflight();
        return act(decide(hash(sense(config)), force));
    }

    /**
     * What would stop a beat before it writes anything: a data dir that cannot
     * hold files, a broken config, a runner that is not installed. `looop tick`
     * checks it before taking the lock, so such an error leaves every file as it was.
     */
    public Config preflight() {
        Seed.requireWritable(paths.data);
        Config config = Config.load(paths);
        Runner.preflight(paths, config.defaultRunnerDef());
        return config;
    }

    // -- observe ---------------------------------------------------------

    public Sensed sense() {
        return sense(Config.load(paths)); // a broken config stops the beat before it writes anything
    }

    private Sensed sense(Config config) {
        Seed.ensure(paths);
        Launcher.ensure(paths);
        events.emit("tick_start");
        housekeeping(config);
        List<Sensors.Reading> readings = new Sensors(paths, sessions, clock, config.sensorConcurrency()).senseAll();
        events.emit("sense_done");
        log.line(Log.Level.INFO, "tick.sensed", "sensed " + readings.size() + " readings: " + names(readings));
        return new Sensed(readings);
    }

    /** Level-triggered cleanup: aged session corpses and leases of sessions that are gone. */
    private void housekeeping(Config config) {
        long ttl = paths.knob(Knob.SESSION_TTL, config.sessionTtl());
        sessions.reapOlderThan(ttl);
        for (String name : new Claims(paths, sessions).reapDead()) {
            ObjectNode f = Json.object();
            f.put("name", name);
            events.emit("claim_reaped", f);
            log.line(Log.Level.INFO, "tick.claim_reaped", "released claim '" + name + "' (its session is gone)");
        }
    }

    public Hashed hash(Sensed sensed) {
        List<WorldHash.Snapshot> snaps = sensed.readings().stream()
                .map(r -> new WorldHash.Snapshot(r.file(), r.text().getBytes(StandardCharsets.UTF_8)))
                .toList();
        return new Hashed(sensed.readings(), WorldHash.compute(paths.data, snaps), lastHash());
    }

    public String lastHash() {
        return Fs.readOr(paths.lastTickHash(), "").trim();
    }

    // -- compare, then decide ---------------------------------------------

    public Decided decide(Hashed world, boolean force) {
        String hash = world.hash();
        if (!world.changed() && !force) {
            log.line(Log.Level.INFO, "tick.skip", "world " + shortHash(hash) + " unchanged — no AI call");
            events.emit("world_unchanged");
            return Decided.ended(hash, Outcome.Result.SKIPPED, "world_unchanged", null, "world unchanged");
        }
        log.line(Log.Level.INFO, "tick.changed", world.changed()
                ? "world " + shortHash(hash) + " changed (was " + (world.lastHash().isEmpty() ? "none" : shortHash(world.lastHash())) + ")"
                : "world " + shortHash(hash) + " unchanged, but re-deciding as asked");
        Decided held = holdBack(hash);
        if (held != null) return held;
        Config config = Config.load(paths);
        Config.RunnerDef runner = config.defaultRunnerDef();
        Decided blocked = budgetStop(hash, config, runner);
        if (blocked != null) return blocked;
        return consult(world, config, runner);
    }

    /** Backoff: a world that failed before waits out its window before another paid try. */
    private Decided holdBack(String hash) {
        Backoff backoff = new Backoff(paths.backoff(), clock);
        long wait = backoff.remaining(hash);
        if (wait <= 0) return null;
        int fails = backoff.fails(hash);
        String msg = "this world failed " + fails + " time(s) in a row — backing off, next try in " + wait + "s";
        log.line(Log.Level.WARN, "tick.backoff", msg);
        ObjectNode f = Json.object();
        f.put("fails", fails);
        f.put("retry_in_s", wait);
        events.emit("tick_backoff", f);
        return Decided.ended(hash, Outcome.Result.SKIPPED, "backoff", null, msg);
    }

    /** The daily cap, and the breaker that refuses to spend blind through an unmetered runner. */
    private Decided budgetStop(String hash, Config config, Config.RunnerDef runner) {
        if (config.maxDailyUsd() == null) return null;
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
            return Decided.ended(hash, Outcome.Result.SKIPPED, "budget", null, msg);
        }
        if (budget.unmeteredBlocked(Budget.signature(runner.name(), runner.cost() != null))) {
            String msg = "runner '" + runner.name() + "' reported no cost for " + Budget.UNMETERED_LIMIT
                    + " runs in a row and a budget is set — no AI call (give the runner a \"cost\" spec, or use claude/pi)";
            log.line(Log.Level.WARN, "tick.budget_unmetered", msg);
            ObjectNode f = Json.object();
            f.put("runner", runner.name());
            events.emit("budget_unmetered", f);
            return Decided.ended(hash, Outcome.Result.SKIPPED, "unmetered", null, msg);
        }
        return null;
    }

    /** Hands the world to the runner for one move; meters it; takes the decision file. */
    private Decided consult(Hashed world, Config config, Config.RunnerDef runner) {
        String hash = world.hash();
        String runId = newRunId();
        Path runDir = paths.runs().resolve(runId);
        try {
            Path prompt = runDir.resolve("prompt.md");
            Fs.writeScratch(prompt, Prompt.build(paths, world.readings(), new Journal(paths, clock).tail(20), clock)
                    .getBytes(StandardCharsets.UTF_8));
            log.line(Log.Level.STEP, "tick.start", runner.name() + " is deciding the one move (" + runId + ")");
            ObjectNode f = Json.object();
            f.put("runner", runner.name());
            f.put("run_id", runId);
            events.emit("decide_start", f);
            Fs.delete(paths.decision());
            Runner.Result ran = Runner.runTick(paths, runner, prompt, runDir, Duration.ofSeconds(config.tickTimeout()), clock);
            meter(config, runner, runId, ran);
            String text;
            try {
                text = Decision.claim(paths, runDir.resolve("decision.json"));
            } catch (UserError unreadable) {
                // too big, a symlink, …: claim removed it either way; a crash is still the bigger news
                if (ran.ok()) return fail(hash, runId, "bad_decision", "bad decision: " + unreadable.getMessage() + " · replay: " + runDir);
                text = null;
            }
            if (!ran.ok()) {
                String why = ran.timedOut() ? "runner timed out after " + config.tickTimeout() + "s" : "runner exited " + ran.exitCode();
                return fail(hash, runId, "runner_failed", why + " · replay: " + runDir);
            }
            if (text == null) {
                return fail(hash, runId, "no_decision", "runner wrote no .decision.json · replay: " + runDir);
            }
            try {
                Decision.parse(text);
            } catch (UserError e) {
                return fail(hash, runId, "bad_decision", "bad decision: " + e.getMessage() + " · replay: " + runDir);
            }
            return new Decided(hash, null, null, runId, text, null);
        } finally {
            pruneRuns();
        }
    }

    private void meter(Config config, Config.RunnerDef runner, String runId, Runner.Result ran) {
        Budget budget = new Budget(paths.costLedger(), paths.unmetered(), clock);
        if (ran.costUsd() != null) budget.record("tick", runId, runner.name(), ran.costUsd());
        if (config.maxDailyUsd() == null || !ran.ok()) return;
        if (ran.costUsd() != null && ran.costUsd() > 0) {
            budget.clearUnmetered();
            return;
        }
        int n = budget.recordUnmetered(Budget.signature(runner.name(), runner.cost() != null));
        String tail = n >= Budget.UNMETERED_LIMIT ? "breaker now open" : n + "/" + Budget.UNMETERED_LIMIT + " before the breaker opens";
        log.line(Log.Level.WARN, "tick.unmetered", "max_daily_usd is set but runner '" + runner.name()
                + "' reported no cost (" + tail + ") — give it a \"cost\" spec, or use claude/pi");
    }

    // -- act --------------------------------------------------------------

    /**
     * Executes a decided move at most once, commits the world hash, and says how
     * the beat ended. A move a crash left in flight is settled first.
     */
    public Outcome act(Decided decided) {
        recover();
        if (decided.result() != null) {
            return new Outcome(decided.result(), decided.reason(), null, decided.runId(), decided.message());
        }
        if (decided.runId() != null) refuseSpentRun(decided.runId());
        Decision decision;
        try {
            decision = Decision.parse(decided.decisionText());
        } catch (UserError e) {
            return ended(fail(decided.hash(), decided.runId(), "bad_decision", "bad decision: " + e.getMessage()));
        }
        Executor.Move move;
        try {
            move = executor().act(decision, decided.runId(), decided.hash(), new Commit());
        } catch (ShellGate.Refused e) {
            return moveFailed(decided, "move_refused", e.getMessage());
        } catch (UserError e) {
            return moveFailed(decided, "move_failed", "move failed: " + e.getMessage());
        }
        Double cost = decided.runId() == null ? null : new Budget(paths.costLedger(), paths.unmetered(), clock).costOf(decided.runId());
        log.line(Log.Level.OK, "tick.decided", move.summary()
                + (cost == null ? "" : " · " + Budget.usd(cost)));
        log.line(Log.Level.INFO, "tick.journal", "journal: " + move.journalLine());
        // what was due in the world this move answered is now acted on
        new looop.schedule.Schedules(paths, clock).actedAsSensed(paths.snapshots().resolve("sys-schedules.json"));
        return new Outcome(Outcome.Result.ACTED, move.action(), move, decided.runId(), move.summary());
    }

    /** A move typed by a person (`looop act` given a bare decision): executed once and journaled, no world committed. */
    public Executor.Move actByHand(Decision decision) {
        recover();
        return executor().act(decision, null, null, new Commit());
    }

    /**
     * Settles a move that a crash (kill -9, power cut) left in flight, without
     * running it again: see Executor. Every beat and every act starts here,
     * under the profile's lock, so the journal and the hash are whole before
     * anything new happens.
     */
    public void recover() {
        Executor.Recovered r = executor().recover(new Commit());
        if (r == null) return;
        log.line(Log.Level.WARN, "tick.recovered", "settled a move interrupted by a crash (" + r.found().name().toLowerCase() + "): "
                + r.outcome() + " — " + r.line());
        ObjectNode f = Json.object();
        f.put("state", r.found().name().toLowerCase());
        f.put("outcome", r.outcome());
        events.emit("move_recovered", f);
    }

    /** A decision handed to `looop act` a second time (a replayed pipe) must not run again. */
    private void refuseSpentRun(String runId) {
        if (!Files.isDirectory(paths.runs().resolve(runId))) {
            throw new UserError("run " + runId + " is not in " + paths.runs() + " (pruned, or decided elsewhere); a decided move runs only"
                    + " in the beat that decided it: run `looop decide` again, or pipe a bare {\"action\":…} to act by hand");
        }
        Path mark = Executor.actMark(paths, runId);
        if (Files.exists(mark)) {
            String outcome = Json.text(Json.parseOrNull(Fs.readOr(mark, "{}")), "outcome");
            throw new UserError("run " + runId + " was already acted on (" + outcome + "); a decision runs at most once:"
                    + " run `looop decide` again for a new one");
        }
    }

    private Executor executor() {
        return new Executor(paths, sessions, clock);
    }

    /** How a beat settles a move: success commits the world it acted on, failure backs that world off. */
    private final class Commit implements Executor.Settle {
        @Override
        public void acted(Intent intent, Executor.Move move) {
            if (intent.hash() == null) return; // a move by hand commits no world
            Fs.writeAtomic(paths.lastTickHash(), intent.hash() + "\n");
            new Backoff(paths.backoff(), clock).clear();
            ObjectNode f = Json.object();
            if (intent.runId() != null) f.put("run_id", intent.runId());
            f.put("action", move.action());
            f.put("journal", move.journalLine());
            events.emit("decided", f);
        }

        @Override
        public void failed(Intent intent, String reason, String message) {
            if (intent.hash() != null) recordFailure(intent.hash(), intent.runId(), reason, message);
        }
    }

    /** The move failed after Commit recorded it: only the log line is left to write. */
    private Outcome moveFailed(Decided decided, String reason, String message) {
        logFailure(message, new Backoff(paths.backoff(), clock).fails(decided.hash()));
        return new Outcome(Outcome.Result.FAILED, reason, null, decided.runId(), message);
    }

    private static Outcome ended(Decided d) {
        return new Outcome(d.result(), d.reason(), null, d.runId(), d.message());
    }

    /** Every failure is handled alike: back off this world, leave its hash uncommitted, say why. */
    private Decided fail(String hash, String runId, String reason, String message) {
        logFailure(message, recordFailure(hash, runId, reason, message));
        return Decided.ended(hash, Outcome.Result.FAILED, reason, runId, message);
    }

    private int recordFailure(String hash, String runId, String reason, String message) {
        int fails = new Backoff(paths.backoff(), clock).recordFailure(hash);
        ObjectNode f = Json.object();
        if (runId != null) f.put("run_id", runId);
        f.put("reason", reason);
        f.put("error", message);
        f.put("fails", fails);
        events.emit("tick_failed", f);
        return fails;
    }

    private void logFailure(String message, int fails) {
        log.line(Log.Level.ERROR, "tick.failed", message + " (fail #" + fails + ", next try in "
                + Backoff.delaySeconds(fails) + "s)");
    }

    // -- helpers ----------------------------------------------------------

    /** The readings the last sense left in snapshots/, for a hash stage given no input. */
    public List<Sensors.Reading> readingsOnDisk() {
        return Fs.listFiles(paths.snapshots(), ".json").stream()
                .map(p -> new Sensors.Reading(p.getFileName().toString(), Fs.readOr(p, "")))
                .toList();
    }

    private String newRunId() {
        String base = "tick-" + LocalDateTime.now(clock).format(RUN_ID);
        String id = base;
        for (int n = 2; Files.exists(paths.runs().resolve(id)); n++) id = base + "-" + n;
        return id;
    }

    /** Keeps the newest LOOOP_RUNS_KEEP run archives (default 50; 0 keeps all). */
    void pruneRuns() {
        long keep = paths.knob(Knob.RUNS_KEEP, 50);
        if (keep <= 0) return;
        List<Path> runs = Fs.listDirs(paths.runs());
        runs.sort((a, b) -> Long.compare(Fs.modifiedMillis(b), Fs.modifiedMillis(a)));
        for (Path old : runs.subList((int) Math.min(keep, runs.size()), runs.size())) Fs.deleteTree(old);
    }

    static String shortHash(String hash) {
        return hash == null || hash.length() < 8 ? String.valueOf(hash) : hash.substring(0, 8);
    }

    private static String names(List<Sensors.Reading> readings) {
        return String.join(", ", readings.stream().map(r -> r.file().replaceFirst("\\.json$", "")).toList());
    }
}
