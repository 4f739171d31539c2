package looop.beat;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import looop.io.Log;
import looop.io.UserError;
import looop.profile.Knob;
import looop.profile.Config;
import looop.profile.Lock;
import looop.profile.Paths;
import looop.profile.RunnerCommand;
import looop.profile.Seed;
import looop.workers.Sessions;

/**
 * The loop: beat, choose how long to rest, rest, repeat, until told to stop.
 * One per profile (Lock); a stop request is honoured between beats.
 */
public final class Pulse {
    /** A decider's next_interval_s is clamped into this window. */
    public static final int MIN_NUDGE = 5;
    public static final int MAX_NUDGE = 3600;

    private final Paths paths;
    private final Clock clock;
    private final Sessions sessions;
    private final Log log;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    public Pulse(Paths paths, Clock clock, Sessions sessions, Log log) {
        this.paths = paths;
        this.clock = clock;
        this.sessions = sessions;
        this.log = log;
    }

    /** The cadence knobs in force: env LOOOP_*_INTERVAL wins over looop.json. */
    public record Cadence(long idle, long busy, long active) {
        public static Cadence of(Paths paths, Config config) {
            return new Cadence(paths.knob(Knob.INTERVAL, config.interval()),
                    paths.knob(Knob.BUSY_INTERVAL, config.busyInterval()),
                    paths.knob(Knob.ACTIVE_INTERVAL, config.activeInterval()));
        }

        /** The env variables among the cadence knobs that are set in paths' environment, so win over looop.json. */
        public static java.util.List<String> envOverrides(Paths paths) {
            return java.util.stream.Stream.of(Knob.INTERVAL, Knob.BUSY_INTERVAL, Knob.ACTIVE_INTERVAL)
                    .filter(k -> paths.env(k.env) != null).map(k -> k.env + "=" + paths.env(k.env).strip()).toList();
        }

        /**
         * How long to rest and whether the next beat must re-decide: a decider's
         * nudge wins (and forces), then a beat that acted, then a live worker, else idle.
         */
        public Next next(Tick.Outcome outcome, boolean workerAlive) {
            if (outcome != null && outcome.nextIntervalS() != null) return new Next(outcome.nextIntervalS(), true);
            if (outcome != null && outcome.result() == Tick.Outcome.Result.ACTED) return new Next(busy, false);
            return new Next(workerAlive ? active : idle, false);
        }

        /** Why next() chose its rest, in the words `looop state` shows after the next beat's time. */
        public static String why(Tick.Outcome outcome, boolean workerAlive) {
            if (outcome != null && outcome.nextIntervalS() != null) return "the decider asked for it";
            if (outcome != null && outcome.result() == Tick.Outcome.Result.ACTED) return "busy: the last beat acted";
            return workerAlive ? "active: a worker is running" : "idle";
        }
    }

    /** The rest before the next beat, and whether that beat re-decides an unchanged world. */
    public record Next(long seconds, boolean force) {}

    /** Runs until stop() or a signal; returns the exit code. */
    public int run() {
        config = Config.load(paths);
        // before anything is written: a pulse that cannot decide must not even seed the profile
        RunnerCommand.preflight(paths, config.defaultRunnerDef());
        boolean noConstitution = !java.nio.file.Files.exists(paths.constitution());
        String seeded = Seed.ensure(paths, config) ? null : Seed.constitutionNews(paths, noConstitution);
        if (seeded != null) log.line(Log.Level.INFO, "pulse.constitution", seeded);
        try (Lock lock = Lock.acquire(paths)) {
            Thread hook = new Thread(this::stopAndWait, "looop-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            Runnable restore = onCtrlC();
            log.line(Log.Level.STEP, "pulse.start", "pulse up on " + paths.data + " (pid " + ProcessHandle.current().pid() + ")");
            String unsandboxed = looop.profile.Confinement.of(paths, config).sandbox().warning();
            // once per pulse: every beat would say the same, and the status and doctor say it too
            if (unsandboxed != null) log.line(Log.Level.WARN, "pulse.sandbox", unsandboxed);
            String exposed = looop.notify.Channels.warning(paths, config);
            if (exposed != null) log.line(Log.Level.WARN, "pulse.notify_secrets", exposed);
            try {
                loop(lock);
            } finally {
                log.line(Log.Level.INFO, "pulse.stop", "pulse stopped");
                stopped.countDown();
                forget(hook);
                if (restore != null) restore.run();
            }
        }
        return 0;
    }

    private void loop(Lock lock) {
        try (HumanDuties human = new HumanDuties(paths, clock, sessions, log)) {
            loop(lock, human);
        }
    }

    private void loop(Lock lock, HumanDuties human) {
        boolean force = false;
        while (stop.getCount() > 0) {
            lock.verify(); // a deleted or replaced lock file may have let a second pulse in: this one stops
            lastError = null;
            Tick.Outcome outcome = beatSafely(force);
            human.afterBeat(outcome, lastError, config);
            Cadence cadence = Cadence.of(paths, config);
            // a waiting worker keeps the active cadence too: its start (after a person's merge, say) is a beat's housekeeping
            boolean alive = sessions.list().stream().anyMatch(i -> i.alive() || i.state() == looop.workers.SessionState.WAITING);
            Next next = cadence.next(outcome, alive);
            force = next.force();
            long rest = human.restSeconds(Math.max(1, next.seconds())); // a schedule due sooner wakes the loop then
            log.line(Log.Level.INFO, "pulse.rest", "next beat in " + looop.io.Durations.human(rest) + (force ? " (asked by the decider)" : ""));
            recordState(cadence, rest, rest < next.seconds() ? "a schedule is due" : Cadence.why(outcome, alive));
            try {
                if (stop.await(rest, TimeUnit.SECONDS)) return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * What `looop status` shows of this pulse: the cadence it computed from its
     * own environment (which a status run from another shell does not share)
     * and when it beats next.
     */
    private void recordState(Cadence cadence, long rest, String why) {
        com.fasterxml.jackson.databind.node.ObjectNode n = looop.io.Json.object();
        n.put("pid", ProcessHandle.current().pid());
        n.put("interval", cadence.idle()).put("busy_interval", cadence.busy()).put("active_interval", cadence.active());
        Cadence.envOverrides(paths).forEach(n.putArray("env_overrides")::add);
        n.put("next_beat_at", clock.instant().plusSeconds(rest).toString());
        n.put("next_beat_why", why);
        looop.io.Fs.writeAtomic(paths.pulseState(), looop.io.Json.canonical(n) + "\n");
    }

    /** Why the last beat threw, for the failure-streak notice. */
    private String lastError;
    /** The config the last beat read (or the pulse at its start): what its rest is computed from. */
    private Config config;

    /**
     * One beat on the config it read once (its preflight), kept for the rest
     * that follows. A beat that fails for a reason the user can fix logs it
     * and the loop goes on; a config broken since keeps the last one that
     * read well, so the pulse rests and heals once the person fixes it.
     */
    private Tick.Outcome beatSafely(boolean force) {
        try {
            Tick tick = new Tick(paths, clock, sessions, log).whenStopping(this::stopping);
            config = tick.preflight();
            return tick.beat(config, force);
        } catch (UserError e) {
            log.line(Log.Level.ERROR, "tick.error", e.getMessage());
            lastError = e.getMessage();
            return null;
        } catch (RuntimeException e) {
            lastError = "beat crashed: " + e;
            log.line(Log.Level.ERROR, "tick.error", "beat crashed: " + e + " — the next beat starts from the files");
            return null;
        }
    }

    private static void forget(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and must stay
        }
    }

    /**
     * Ctrl-C says so at once, then ends the beat in progress as a sensor's own
     * timeout would: its sensors and runner get SIGTERM, and the beat asks no
     * AI after that (Tick.whenStopping), so the pulse stops within a kill, not
     * after a 20-second sensor. A second Ctrl-C does not wait at all. (A
     * shutdown hook cannot do this: the JVM ignores signals once it runs one.)
     * Returns what puts the former handler back, or null where INT cannot be caught.
     */
    private Runnable onCtrlC() {
        return looop.io.CtrlC.handle(() -> {
            if (stop.getCount() == 0) {
                log.line(Log.Level.WARN, "pulse.forced", "stopping now (second Ctrl-C): the beat in progress is cut off");
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
                Runtime.getRuntime().halt(130);
            }
            log.line(Log.Level.STEP, "pulse.stopping", "stopping… (ending the beat in progress; Ctrl-C again to force)");
            stop();
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
        });
    }

    /** Whether a stop was asked for: the beat in progress asks no AI any more. */
    boolean stopping() {
        return stop.getCount() == 0;
    }

    /** Asks the loop to stop after the current beat. */
    public void stop() {
        stop.countDown();
    }

    /** SIGINT/SIGTERM: let the beat in progress finish (briefly), then go. */
    private void stopAndWait() {
        stop();
        try {
            if (!stopped.await(paths.knob(Knob.STOP_GRACE, 10), TimeUnit.SECONDS)) {
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
