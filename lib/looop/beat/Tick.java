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
import looop.act.moves.SpareShell;
import looop.profile.Confinement;
import looop.act.Intent;
import looop.act.Decision;
import looop.decide.Prompt;
import looop.fast.Text;
import looop.profile.RunnerCommand;
import looop.sense.Recall;
import looop.decide.Runner;
import looop.gate.Backoff;
import looop.gate.Budget;
import looop.gate.Gate;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Log;
import looop.io.UserError;
import looop.profile.Knob;
import looop.profile.Config;
import looop.profile.Events;
import looop.profile.Guards;
import looop.profile.Journal;
import looop.profile.Launcher;
import looop.profile.Paths;
import looop.profile.Rotation;
import looop.profile.Seed;
import looop.profile.UsageLimit;
import looop.sense.SensorHealth;
import looop.sense.Sensors;
import looop.sense.WorldHash;
import looop.workers.Claims;
import looop.workers.Sessions;
import looop.workers.Verify;

/**
 * One beat, read top to bottom like a reconciler: observe (sense, hash),
 * compare (the gate: unchanged, backoff, budget), act once (decide, execute),
 * settle (commit or fail), and say what happened. Nothing is remembered in
 * memory between beats; each stage is also a command of its own
 * (looop sense | looop hash | looop gate | looop decide | looop act).
 */
public final class Tick {
    /** In a holder: a formatter costs milliseconds to build, and a beat that skips names no run. */
    private static final class RunId {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    }

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

    /** After deciding: a move to execute, or why the beat ends here. */
    public sealed interface Verdict permits Decided, Ended {
        String hash();

        String runId();
    }

    /** The runner chose this move (parsed and validated) for world hash in run runId. */
    public record Decided(String hash, String runId, Decision decision) implements Verdict {}

    /** How a beat ended. */
    public sealed interface Outcome permits Acted, Ended {
        enum Result { ACTED, SKIPPED, FAILED }

        Result result();

        /** The action for an acted beat, else the reason code (world_unchanged, backoff, runner_failed, …). */
        String reason();

        String runId();

        String message();

        default Integer nextIntervalS() {
            return null;
        }
    }

    /** The move took effect, and its world is committed (a run's move) or nothing is (by hand). */
    public record Acted(String runId, Executor.Done move) implements Outcome {
        public Result result() {
            return Result.ACTED;
        }

        public String reason() {
            return move.action();
        }

        public String message() {
            return move.summary();
        }

        public Integer nextIntervalS() {
            return move.nextIntervalS();
        }
    }

    /** The beat stopped before a move took effect: skipped (nothing to do, not now) or failed (and backed off). */
    public record Ended(Outcome.Result result, String reason, String hash, String runId, String message) implements Verdict, Outcome {
        static Ended skipped(String hash, String reason, String message) {
            return new Ended(Outcome.Result.SKIPPED, reason, hash, null, message);
        }
    }

    /** Whether the pulse was asked to stop: a beat then ends before it asks the AI. */
    private java.util.function.BooleanSupplier stopping = NEVER;

    /** Not a lambda: a one-shot tick links none (StartupTest). */
    private static final java.util.function.BooleanSupplier NEVER = new java.util.function.BooleanSupplier() {
        @Override
        public boolean getAsBoolean() {
            return false;
        }
    };

    public Tick whenStopping(java.util.function.BooleanSupplier stopping) {
        this.stopping = stopping;
        return this;
    }

    /** One whole beat in this JVM. force re-decides an unchanged world once. */
    public Outcome beat(boolean force) {
        return beat(preflight(), force);
    }

    /** One whole beat on config, the beat's only reading of looop.json (preflight's). */
    public Outcome beat(Config config, boolean force) {
        return beat(config, looop.gate.Push.of(force));
    }

    /** The same, pushed past the gate as the person asked (`tick --force`, `tick --now`). */
    public Outcome beat(Config config, looop.gate.Push push) {
        recover(config);                                // a move a crash left in flight is settled first
        begin(config);
        housekeeping(config);
        Hashed world = hash(sense(config));
        Gate.Result gate = new Gate(paths, clock, log).check(world.hash(), world.lastHash(), push, config); // unchanged, backoff, budget
        Outcome outcome;
        // while the runner decides, the sandbox a run_shell would run in starts beside it; the beat ends it, used or not
        try (SpareShell spare = gate instanceof Gate.Closed ? null : new SpareShell().prepare(paths, Confinement.of(paths, config))) {
            Verdict verdict = decide(world, gate, config);
            outcome = execute(verdict, config, spare);  // act, then commit or fail (in Commit)
        }
        pruneRuns();
        return outcome;
    }

    /**
     * What would stop a beat before it writes anything: a data dir that cannot
     * hold files, a broken config, a runner that is not installed. `looop tick`
     * checks it before taking the lock, so such an error leaves every file as it was.
     */
    public Config preflight() {
        Seed.requireWritable(paths.data);
        Config config = Config.load(paths);
        RunnerCommand.preflight(paths, config.defaultRunnerDef());
        return config;
    }

    // -- observe ---------------------------------------------------------

    /** The sense stage on its own: begin the beat, housekeeping, the sensors. */
    public Sensed sense() {
        Config config = Config.load(paths); // a broken config stops the beat before it writes anything
        begin(config);
        housekeeping(config);
        return sense(config);
    }

    /** A beat starts on a seeded profile with LOOOP_BIN in place, and logs past their size rotated. */
    private void begin(Config config) {
        boolean noConstitution = !java.nio.file.Files.exists(paths.constitution());
        boolean fresh = Seed.ensure(paths, config);
        String seeded = fresh ? null : Seed.constitutionNews(paths, noConstitution);
        if (seeded != null) log.line(Log.Level.INFO, "tick.constitution", seeded);
        Launcher.ensure(paths);
        Rotation.logs(paths, paths.knob(Knob.ROTATE_BYTES, config.guards().rotateBytes()));
        events.emit("tick_start");
        for (String w : config.warnings()) log.line(Log.Level.WARN, "tick.config_key", w);
    }

    /** Level-triggered cleanup: sandboxed workers' queued cost taken in, aged session corpses and leases of sessions that are gone. */
    private void housekeeping(Config config) {
        long ttl = paths.knob(Knob.SESSION_TTL, config.sessionTtl());
        looop.workers.CostQueue.ingestAll(paths); // what sandboxed workers spent, into the ledger before the budget is read
        sessions.reapOlderThan(ttl);
        for (String name : new Claims(paths, sessions).reapDead()) {
            ObjectNode f = Json.object();
            f.put("name", name);
            events.emit("claim_reaped", f);
            log.line(Log.Level.INFO, "tick.claim_reaped", "released claim '" + name + "' (its session is gone)");
        }
        // a worker its usage limit stopped: its reset noted, and at the reset carried on, once (journaled)
        for (String line : new looop.human.LimitedWorkers(paths, sessions, clock).tend()) log.line(Log.Level.INFO, "tick.worker_limit", line);
        // before sensing, so the beat that sees a worker's exit also sees whether its work checks out
        for (String id : new Verify(paths, sessions, clock).runDue(config)) {
            Verify.Result r = Verify.read(paths, id);
            events.emit("verify_done", Json.object().put("id", id).put("passed", r != null && r.passed()));
            log.line(Log.Level.INFO, "tick.verified", "verified " + id + ": " + (r == null ? "no result" : r.word()
                    + (r.exitCode() == null ? "" : " (exit " + r.exitCode() + ")")));
        }
        startWaiting(config);
    }

    /**
     * Workers that wait for others (start_worker's "after"): looop, not a move,
     * starts each whose dependencies ended well (and were merged), or blocks it,
     * journaled; after verify, so a dependency's verdict counts this beat. The
     * start changes sys-sessions, so the decider hears of it in this very beat.
     */
    private void startWaiting(Config config) {
        for (looop.workers.Waits.Done d : new looop.workers.Waits(paths, sessions.withConfig(config), clock).reconcile(config.guards().maxWorkers())) {
            events.emit(d.started() ? "waiting_started" : "waiting_blocked", Json.object().put("id", d.id()).put("journal", d.line()));
            log.line(d.started() ? Log.Level.OK : Log.Level.WARN, d.started() ? "tick.waited_started" : "tick.waited_blocked", d.line() == null
                    ? "started " + d.id() : d.line().substring(Math.min(d.line().length(), "- YYYY-MM-DD HH:MM ".length())));
        }
    }

    private Sensed sense(Config config) {
        Sensors sensors = new Sensors(paths, sessions, clock, config);
        List<Sensors.Reading> readings = sensors.senseAll();
        events.emit("sense_done");
        log.line(Log.Level.INFO, "tick.sensed", "sensed " + readings.size() + " readings: " + names(readings));
        for (String blind : sensors.blindSpots()) log.line(Log.Level.WARN, "tick.sensor_blind", blind);
        List<String> failing = SensorHealth.failing(readings);
        if (!failing.isEmpty()) {
            log.line(Log.Level.WARN, "tick.sensor_failed", "failing: " + String.join("; ", failing) + " (see snapshots/ for why)");
        }
        List<String> flapping = new Recall(paths, clock).observe(readings, config.guards().flapBeats());
        if (!flapping.isEmpty()) {
            log.line(Log.Level.WARN, "tick.flapping", "flapping: " + String.join(", ", flapping) + " changed on "
                    + config.guards().flapBeats() + "+ beats in a row; move the volatile part of its reading to \"detail\"");
        }
        return new Sensed(readings);
    }

    public Hashed hash(Sensed sensed) {
        List<WorldHash.Snapshot> snaps = new java.util.ArrayList<>(sensed.readings().size());
        for (Sensors.Reading r : sensed.readings()) snaps.add(new WorldHash.Snapshot(r.file(), r.text().getBytes(StandardCharsets.UTF_8)));
        return new Hashed(sensed.readings(), WorldHash.compute(paths.data, snaps), lastHash());
    }

    public String lastHash() {
        return Fs.readOr(paths.lastTickHash(), "").trim();
    }

    // -- compare, then decide ---------------------------------------------

    /** The gate stage: may this beat spend an AI call on world? */
    public Gate.Result gate(Hashed world, Config config, boolean force) {
        return new Gate(paths, clock, log).check(world.hash(), world.lastHash(), force, config);
    }

    /** The decide stage with its own gate (hash's output in, no gate's): reads looop.json once. */
    public Verdict decide(Hashed world, boolean force) {
        Config config = Config.load(paths);
        return decide(world, gate(world, config, force), config);
    }

    /** The decide stage behind a gate that already spoke (its events and log lines are written). */
    public Verdict decide(Hashed world, Gate.Result gate) {
        return decide(world, gate, Config.load(paths));
    }

    /** A closed gate ends the beat here; an open one hands the world to the runner. */
    private Verdict decide(Hashed world, Gate.Result gate, Config config) {
        if (gate instanceof Gate.Closed closed) return Ended.skipped(world.hash(), closed.reason(), closed.message());
        if (stopping.getAsBoolean()) {
            log.line(Log.Level.INFO, "tick.stopping", "stopping: no AI call this beat");
            return Ended.skipped(world.hash(), "stopping", "the pulse is stopping");
        }
        return consult(world, config, config.defaultRunnerDef());
    }

    /** Hands the world to the runner for one move; meters it; claims and parses the decision file, once. */
    private Verdict consult(Hashed world, Config config, Config.RunnerDef runner) {
        String hash = world.hash();
        String runId = newRunId();
        Path runDir = paths.runs().resolve(runId);
        Path prompt = runDir.resolve("prompt.md");
        Recall recall = new Recall(paths, clock);
        Fs.writeScratch(prompt, (Prompt.build(paths, world.readings(), new Journal(paths, clock).tail(20), clock, hindsight(recall, world, config),
                config.defaultRunnerDef().runsWorkers()) + Prompt.decisionFile(Decision.fileIn(runDir))).getBytes(StandardCharsets.UTF_8));
        recall.shellShown();
        log.line(Log.Level.STEP, "tick.start", runner.name() + " is deciding the one move (" + runId + ")");
        ObjectNode f = Json.object();
        f.put("runner", runner.name());
        f.put("run_id", runId);
        events.emit("decide_start", f);
        UsageLimit.clear(paths); // a decide starts: a limit episode that was over is now closed
        Runner.Result ran = runWithRetries(config, runner, runId, prompt, runDir, recall);
        UsageLimit limit = UsageLimit.of(runner.name(), ran.limit(), clock.instant());
        String text;
        try {
            text = Decision.claimRun(paths, runDir, runDir.resolve("decision.json"));
        } catch (UserError unreadable) {
            // too big, a symlink, …: claim removed it either way; a crash is still the bigger news
            if (ran.ok() && limit == null) return fail(hash, runId, "bad_decision", "bad decision: " + unreadable.getMessage() + " · replay: " + runDir);
            text = null;
        }
        if (limit != null) {
            Ended held = limited(hash, runId, limit, runDir);
            if (!ran.ok() || text == null) return held; // a move decided before the limit still runs; the next decide waits
        }
        if (!ran.ok()) {
            String why = ran.why(ran.timedOut() ? "runner timed out after " + config.tickTimeout() + "s" : "runner exited " + ran.exitCode());
            return fail(hash, runId, "runner_failed", why + " · replay: " + runDir);
        }
        if (text == null) return fail(hash, runId, "no_decision", "runner wrote no .decision.json · replay: " + runDir);
        try {
            return new Decided(hash, runId, Decision.parse(text));
        } catch (UserError e) {
            return fail(hash, runId, "bad_decision", "bad decision: " + e.getMessage() + " · replay: " + runDir);
        }
    }

    /** What this decide is shown beyond the world: the changes since the last decided one, flapping sensors, the last failure and run_shell. */
    private Prompt.Hindsight hindsight(Recall recall, Hashed world, Config config) {
        return new Prompt.Hindsight(recall.changes(world.readings()), recall.flapping(config.guards().flapBeats()), recall.failure(),
                recall.shell());
    }

    /**
     * Runs the runner, again after a short wait when it failed in passing (a
     * rate limit, an overload, the network: Guards.RunnerRetry), up to
     * runner_retry.attempts more times. Every try is metered and counts
     * against max_decides_per_hour; a timeout is never retried (it already
     * took tick_timeout_s).
     */
    private Runner.Result runWithRetries(Config config, Config.RunnerDef runner, String runId, Path prompt, Path runDir, Recall recall) {
        Guards.RunnerRetry retry = config.guards().retry();
        for (int attempt = 1; ; attempt++) {
            Fs.delete(paths.decision());
            Fs.delete(Decision.fileIn(runDir)); // a failed try's half-written decision is not the next one's
            long from = Fs.sizeOrZero(runDir.resolve("output.log"));
            recall.decideStarted();
            Runner.Result ran = Runner.runTick(paths, runner, prompt, runDir, Duration.ofSeconds(config.tickTimeout()), clock,
                    looop.profile.Confinement.of(paths, config).decide(runner.name(), Decision.fileIn(runDir).getParent()));
            meter(config, runner, runId, ran);
            if (ran.limit() != null) return ran; // a usage limit does not pass in seconds: Tick.limited waits for its reset
            if (attempt > retry.attempts() || !passingFailure(ran, retry, runDir, runDir.resolve("output.log"), from)) return ran;
            long wait = retry.waitBefore(attempt);
            log.line(Log.Level.WARN, "tick.runner_retry", "runner " + (ran.ok() ? "wrote no decision" : "exited " + ran.exitCode())
                    + " in passing (rate limit, overload or network) — try " + (attempt + 1) + " of " + (retry.attempts() + 1) + " in " + wait + "s");
            ObjectNode f = Json.object();
            f.put("run_id", runId);
            f.put("attempt", attempt + 1);
            f.put("exit_code", ran.exitCode());
            f.put("wait_s", wait);
            events.emit("runner_retry", f);
            sleepSeconds(wait);
        }
    }

    /** A try that failed (or wrote no decision: pi ends a failed API call that way) with an exit code or output the config calls transient. */
    private boolean passingFailure(Runner.Result ran, Guards.RunnerRetry retry, Path runDir, Path output, long from) {
        boolean decided = Files.exists(paths.decision()) || Files.exists(Decision.fileIn(runDir));
        if (ran.timedOut() || (ran.ok() && decided)) return false;
        byte[] all = Fs.readOr(output, "").getBytes(StandardCharsets.UTF_8);
        int start = (int) Math.min(from, all.length);
        String said = new String(all, start, all.length - start, StandardCharsets.UTF_8);
        // a run that exited 0 is judged by its error lines only: the model's own text may well mention a rate limit
        if (ran.ok()) said = String.join("\n", said.lines().filter(l -> l.contains("✗ ")).toList());
        return retry.isTransient(ran.exitCode(), said);
    }

    private static void sleepSeconds(long seconds) {
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting to retry the runner");
        }
    }

    private void meter(Config config, Config.RunnerDef runner, String runId, Runner.Result ran) {
        Budget budget = new Budget(paths.costLedger(), paths.unmetered(), clock);
        if (ran.costUsd() != null && ran.costUsd() > 0) budget.record("tick", runId, runner.name(), ran.costUsd());
        else budget.recordFreeCall("tick", runId, runner.name(), ran.costUsd() == null);
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

    /** The act stage: settles a crashed move first, then executes verdict's move; reads looop.json once. */
    public Outcome act(Verdict verdict) {
        Config config = Config.load(paths);
        recover(config);
        return execute(verdict, config, null);
    }

    /**
     * Executes a decided move at most once; Commit settles it (commits the world
     * hash, or fails it) before its intent record goes; its moves see config,
     * and a run_shell runs in spare when it fits (null: its own sandbox).
     */
    private Outcome execute(Verdict verdict, Config config, SpareShell spare) {
        if (verdict instanceof Ended ended) return ended;
        Decided decided = (Decided) verdict;
        if (decided.runId() != null) refuseSpentRun(decided.runId());
        Commit commit = new Commit();
        Executor.Result result = new Executor(paths, sessions, clock, config, spare).act(decided.decision(), decided.runId(), decided.hash(), commit);
        if (result instanceof Executor.Failed f) {
            return commit.failure != null ? commit.failure : new Ended(Outcome.Result.FAILED, f.reason(), decided.hash(), decided.runId(), f.message());
        }
        Executor.Done move = (Executor.Done) result;
        Double cost = decided.runId() == null ? null : new Budget(paths.costLedger(), paths.unmetered(), clock).costOf(decided.runId());
        log.line(Log.Level.OK, "tick.decided", move.summary() + (cost == null ? "" : " · " + Budget.usd(cost)));
        log.line(Log.Level.INFO, "tick.journal", "journal: " + move.journalLine());
        // what was due in the world this move answered is now acted on
        new looop.schedule.Schedules(paths, clock).actedAsSensed(paths.snapshots().resolve("sys-schedules.json"));
        return new Acted(decided.runId(), move);
    }

    /** A move typed by a person (`looop act` given a bare decision): executed once and journaled, no world committed. */
    public Executor.Done actByHand(Decision decision) {
        Config config = Config.load(paths);
        recover(config);
        return executor(config).act(decision, null, null, new Commit()).orThrow();
    }

    /**
     * Settles a move that a crash (kill -9, power cut) left in flight, without
     * running it again: see Executor. Every beat and every act starts here,
     * once, under the profile's lock, so the journal and the hash are whole
     * before anything new happens.
     */
    public void recover() {
        recover(Config.load(paths));
    }

    private void recover(Config config) {
        Executor.Recovered r = executor(config).recover(new Commit()).orElse(null);
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

    private Executor executor(Config config) {
        return new Executor(paths, sessions, clock, config);
    }

    /** How a beat settles a move: success commits the world it acted on, failure takes the one failure path. */
    private final class Commit implements Executor.Settle {
        Ended failure;

        @Override
        public void acted(Intent intent, Executor.Done move) {
            if (intent.hash() == null) return; // a move by hand commits no world
            Fs.writeAtomic(paths.lastTickHash(), intent.hash() + "\n");
            new Backoff(paths.backoff(), clock).clear();
            new Recall(paths, clock).committed(readingsOnDisk(), move.action());
            ObjectNode f = Json.object();
            if (intent.runId() != null) f.put("run_id", intent.runId());
            f.put("action", move.action());
            f.put("journal", move.journalLine());
            events.emit("decided", f);
        }

        @Override
        public void failed(Intent intent, Executor.Failed failure) {
            if (intent.hash() == null) return; // a move by hand fails to the person who typed it, as an error
            String message = failure.reason().equals("move_failed") ? "move failed: " + failure.message() : failure.message();
            this.failure = fail(intent.hash(), intent.runId(), failure.reason(), message);
        }
    }

    /** The one failure path: back off this world, leave its hash uncommitted, say why. */
    private Ended fail(String hash, String runId, String reason, String message) {
        int fails = new Backoff(paths.backoff(), clock).recordFailure(hash);
        new Recall(paths, clock).failed(reason, message);
        ObjectNode f = Json.object();
        if (runId != null) f.put("run_id", runId);
        f.put("reason", reason);
        f.put("error", message);
        f.put("fails", fails);
        events.emit("tick_failed", f);
        log.line(Log.Level.ERROR, "tick.failed", message + " (fail #" + fails + ", next try in " + looop.io.Durations.human(Backoff.delaySeconds(fails)) + ")");
        return new Ended(Outcome.Result.FAILED, reason, hash, runId, message);
    }

    /**
     * The runner hit its plan's usage limit: not a failure (nothing backs off,
     * the hash stays uncommitted), one record, one event and one journal line
     * for the episode; the gate holds every decide until the reset.
     */
    private Ended limited(String hash, String runId, UsageLimit limit, Path runDir) {
        UsageLimit.write(paths, limit);
        String until = limit.until(clock.getZone());
        ObjectNode f = limit.json();
        f.put("run_id", runId);
        events.emit("usage_limited", f);
        new Journal(paths, clock).append(until + ": no decide until then (" + limit.said() + ")");
        String message = until + ": no decide until then · replay: " + runDir;
        log.line(Log.Level.WARN, "tick.limited", message);
        return new Ended(Outcome.Result.SKIPPED, Gate.LIMITED, hash, runId, message);
    }

    // -- helpers ----------------------------------------------------------

    /** The readings the last sense left in snapshots/, for a hash stage given no input. */
    public List<Sensors.Reading> readingsOnDisk() {
        return Fs.listFiles(paths.snapshots(), ".json").stream()
                .map(p -> new Sensors.Reading(p.getFileName().toString(), Fs.readOr(p, "")))
                .toList();
    }

    private String newRunId() {
        String base = "tick-" + LocalDateTime.now(clock).format(RunId.FORMAT);
        String id = base;
        for (int n = 2; Files.exists(paths.runs().resolve(id)); n++) id = base + "-" + n;
        return id;
    }

    /**
     * Whether name is a run's, as a beat names it: tick-YYYYMMDD-HHMMSS, and
     * -N when that second had one already. By hand, not by regex: a regex
     * compiles cold in every one-shot beat.
     */
    public static boolean isRunName(String name) {
        if (name.length() < 20 || !name.startsWith("tick-") || name.charAt(13) != '-') return false;
        if (!Text.digits(name, 5, 13) || !Text.digits(name, 14, 20)) return false;
        return name.length() == 20 || (name.charAt(20) == '-' && name.length() > 21 && Text.digits(name, 21, name.length()));
    }

    /** Keeps the newest LOOOP_RUNS_KEEP run archives (default 50; 0 keeps all). */
    public void pruneRuns() {
        long keep = paths.knob(Knob.RUNS_KEEP, 50);
        if (keep <= 0) return;
        List<Path> runs = new java.util.ArrayList<>();
        for (Path p : Fs.listDirs(paths.runs())) if (isRunName(p.getFileName().toString())) runs.add(p); // only what looop made
        if (runs.size() <= keep) return; // nothing to prune, so no run's age is read
        runs.sort((a, b) -> Long.compare(Fs.modifiedMillis(b), Fs.modifiedMillis(a)));
        for (Path old : runs.subList((int) Math.min(keep, runs.size()), runs.size())) Fs.deleteTree(old);
    }

    private static String names(List<Sensors.Reading> readings) {
        StringBuilder s = new StringBuilder();
        for (Sensors.Reading r : readings) s.append(s.length() == 0 ? "" : ", ").append(Text.withoutSuffix(r.file(), ".json"));
        return s.toString();
    }
}
