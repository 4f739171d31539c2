package looop.beat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import looop.profile.Config;
import looop.human.Asks;
import looop.human.TellDelivery;
import looop.human.Tells;
import looop.io.Log;
import looop.io.UserError;
import looop.notify.Event;
import looop.notify.FailureStreak;
import looop.notify.Notices;
import looop.notify.Outbox;
import looop.profile.Knob;
import looop.profile.Paths;
import looop.profile.UsageLimit;
import looop.schedule.Schedules;
import looop.workers.Screens;
import looop.workers.SessionFiles;
import looop.workers.Sessions;

/**
 * What the pulse does for the human besides beating: it raises events after
 * each beat (a worker that ended or is blocked, a failure streak, the budget) and, on a
 * thread of its own so no beat waits on a channel or a terminal, delivers
 * the outbox and types queued tells into idle workers.
 */
public final class HumanDuties implements AutoCloseable {
    static final long TELL_POLL_MS = 500;
    static final long OUTBOX_EVERY_MS = 5_000;
    /** Beats failed in a row before the human hears of it; LOOOP_NOTIFY_FAILED_BEATS overrides. */
    static final int FAILED_BEATS = 3;

    private final Paths paths;
    private final Clock clock;
    private final Sessions sessions;
    private final Log log;
    private final Map<String, Sessions.Info> lastSeen = new HashMap<>();
    private final Thread worker;
    /** The pulse's config as of its last beat: the channels the delivery thread sends through. */
    private volatile Config config;

    public HumanDuties(Paths paths, Clock clock, Sessions sessions, Log log) {
        this.paths = paths;
        this.clock = clock;
        this.sessions = sessions;
        this.log = log;
        this.worker = new Thread(this::deliverForever, "looop-deliver");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * After a beat: events for what changed and for pending asks, orphaned
     * asks withdrawn, on the config the pulse last read well (kept for the
     * delivery thread too). Never throws: the loop goes on.
     */
    public void afterBeat(Tick.Outcome outcome, String error, Config config) {
        this.config = config;
        try {
            Outbox outbox = Outbox.of(paths, config, clock);
            Instant now = clock.instant();
            boolean ok = outcome != null && outcome.result() != Tick.Outcome.Result.FAILED;
            String why = outcome == null ? error : outcome.message();
            Event streak = new FailureStreak(paths).beat(ok, why == null ? "the beat failed" : why,
                    (int) paths.knob(Knob.NOTIFY_FAILED_BEATS, FAILED_BEATS), now);
            if (streak != null) outbox.record(streak);
            if (outcome != null && "budget".equals(outcome.reason())) outbox.record(Notices.budget(outcome.message(), now));
            UsageLimit limit = UsageLimit.current(paths, clock);
            if (limit != null) outbox.record(Notices.usageLimit(limit, limit.until(clock.getZone()), now)); // by the episode's id: once
            Screens screens = new Screens(paths, clock);
            for (Sessions.Info i : sessions.list()) {
                Sessions.Info before = lastSeen.put(i.id(), i);
                if (before != null && before.alive() && !i.alive()) {
                    SessionFiles.Meta meta = SessionFiles.of(paths, i.id()).readMeta();
                    outbox.record(Notices.workerExit(i.id(), i.state().word(), i.exitCode(), meta == null ? 0 : meta.startedUnix(), now));
                }
                // the beat's sys-sessions just looked at every screen; an episode's start names its event, so this is once
                Screens.Seen seen = i.alive() ? screens.read(i.id()) : null;
                if (seen != null && seen.blockedOn() != null) outbox.record(Notices.workerBlocked(i.id(), seen.blockedOn(), seen.blockedMillis(), now));
            }
            Asks asks = new Asks(paths, clock);
            // an asker in the sandbox cannot write the outbox; recording is deduplicated by the ask's key, so this is once
            for (looop.human.Ask a : asks.pending()) outbox.record(Notices.ask(a.id(), a.key(), a.question(), a.options(), a.created()));
            List<String> orphans = asks.withdrawOrphans(sessions::isAlive);
            if (!orphans.isEmpty()) log.line(Log.Level.INFO, "pulse.asks", "withdrew the asks of ended sessions: " + String.join(", ", orphans));
        } catch (UserError | java.io.UncheckedIOException e) {
            log.line(Log.Level.WARN, "pulse.notify", "notifications: " + e.getMessage());
        }
    }

    /** Seconds until the next schedule comes due or a usage limit resets, when that is sooner than rest; else rest. */
    public long restSeconds(long rest) {
        Instant now = clock.instant();
        UsageLimit limit = UsageLimit.current(paths, clock);
        if (limit != null) rest = Math.min(rest, limit.secondsLeft(now)); // then the beat decides at once (Gate.reopened)
        Instant worker = new looop.human.LimitedWorkers(paths, sessions, clock).nextReset();
        if (worker != null) rest = Math.min(rest, Math.max(1, (Duration.between(now, worker).toMillis() + 999) / 1000));
        Instant next = new Schedules(paths, clock).nextChange(now);
        if (next == null) return rest;
        long until = Math.max(1, (Duration.between(now, next).toMillis() + 999) / 1000);
        return Math.min(rest, until);
    }

    private void deliverForever() {
        Tells tells = new Tells(paths, clock);
        TellDelivery delivery = TellDelivery.of(paths, sessions, clock);
        long lastOutbox = 0;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (!tells.undelivered().isEmpty()) {
                    delivery.poll().forEach(t -> log.line(Log.Level.OK, "pulse.tell", "told " + t.worker() + ": " + t.text()));
                }
                if (System.currentTimeMillis() - lastOutbox >= OUTBOX_EVERY_MS) {
                    lastOutbox = System.currentTimeMillis();
                    if (config != null && Outbox.backlog(paths).undelivered() > 0) Outbox.of(paths, config, clock).deliver(Duration.ofSeconds(60));
                }
            } catch (RuntimeException e) {
                log.line(Log.Level.WARN, "pulse.deliver", "delivery: " + e.getMessage());
            }
            try {
                Thread.sleep(TELL_POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
