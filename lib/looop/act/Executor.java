package looop.act;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import looop.act.moves.Context;
import looop.act.moves.Move;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UnsafePathException;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Journal;
import looop.profile.Paths;
import looop.profile.ShellGate;
import looop.workers.Sessions;

/**
 * looop's hands: executes one validated decision at most once, stamps goal
 * activity, writes the journal line. What a move does, and how its crash is
 * settled, is the move's own (looop.act.moves); the protocol around it is here.
 *
 * At most once, and never a lost journal line, even across kill -9: before a
 * move starts, an Intent record says so (.act-pending.json); after it, the
 * record holds the exact journal line and the journal offset it goes to; the
 * line is appended, the beat settles (commits the hash or backs off), and only
 * then is the record removed. A beat that finds a record (recover) finishes
 * that move's bookkeeping and never runs the move again:
 *
 * <pre>
 * record says       the move                      recover does
 * EXECUTING         may or may not have happened   asks the move's happened(): YES → journal + commit;
 *                                                  NO → a failed move (backoff); UNKNOWN →
 *                                                  journals "outcome unknown" and backs off
 * FAILED            failed                         the backoff, if not yet done
 * PERFORMED/UNKNOWN happened / unknown             the journal line if it is not at its offset,
 *                                                  then commit / back off
 * </pre>
 *
 * Moves looop does itself (write_*, archive_goal) are atomic renames, so their
 * effect is on disk or not, and happened() can tell; noop and send_notification
 * have no effect but the journal line. Only run_shell and worker moves can end
 * "outcome unknown". A tick move's run also gets runs/<id>/act.json once
 * settled, so the decision the pipeline hands to `looop act` runs once too.
 */
public final class Executor {
    /** How an act ended: the move took effect, or it failed (refused, failed, interrupted). */
    public sealed interface Result permits Done, Failed {
        /** The move, or the failure as a one-line UserError (ShellGate.Refused when the gate said no). */
        Done orThrow();
    }

    /** What a move did: the action, looop's own summary, and the journal line it wrote. */
    public record Done(String action, String summary, String journalLine, Integer nextIntervalS) implements Result {
        public Done orThrow() {
            return this;
        }
    }

    /** A move that did not take effect; reason is the event's reason code (move_failed, move_refused, move_interrupted). */
    public record Failed(String reason, String message) implements Result {
        public Done orThrow() {
            throw reason.equals(REFUSED) ? new ShellGate.Refused(message) : new UserError(message);
        }
    }

    /**
     * What the beat does once a move is settled, before the intent record goes.
     * Called again for the same move when a crash interrupted the first call, so
     * both must be safe to repeat.
     */
    public interface Settle {
        /** The move took effect and its line is in the journal. */
        void acted(Intent intent, Done done);

        /** The move failed, was refused, or did not happen. */
        void failed(Intent intent, Failed failure);

        Settle NONE = new Settle() {
            public void acted(Intent intent, Done done) { }

            public void failed(Intent intent, Failed failure) { }
        };
    }

    /** How a crash-interrupted move was settled, for the beat's log. */
    public record Recovered(Intent.State found, String outcome, String line) {}

    public static final String UNKNOWN = "outcome unknown: looop was stopped mid-move, check it before doing it again";
    static final String FAILED = "move_failed";
    static final String REFUSED = "move_refused";
    static final String INTERRUPTED = "move_interrupted";

    private final Paths paths;
    private final Clock clock;
    private final Context ctx;

    /** config: the one the beat or command read, which its moves see (the run_shell gate, the caps, the sandbox). */
    public Executor(Paths paths, Sessions sessions, Clock clock, Config config) {
        this(paths, sessions, clock, config, null);
    }

    /** spareShell: the sandbox a run_shell of this beat finds started (see SpareShell), or null. */
    public Executor(Paths paths, Sessions sessions, Clock clock, Config config, looop.act.moves.SpareShell spareShell) {
        this.paths = paths;
        this.clock = clock;
        this.ctx = new Context(paths, sessions, config, clock, spareShell);
    }

    /** A move by hand: a crashed move is settled first, then d runs once and is journaled; nothing to commit. */
    public Done act(Decision d) {
        recover(Settle.NONE);
        return act(d, null, null, Settle.NONE).orThrow();
    }

    /**
     * Executes d at most once for run runId (null by hand) of world hash, and
     * settles it. The caller has settled any move a crash left in flight
     * (recover) first: a pending record is never overwritten.
     */
    public Result act(Decision d, String runId, String hash, Settle settle) {
        if (Files.exists(Intent.file(paths), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("a move is still pending in " + Intent.file(paths) + "; recover() it first");
        }
        String moveId = runId != null ? runId : "hand-" + Fs.unique();
        Intent intent = Intent.begin(moveId, runId, hash, d.text(), clock.instant().getEpochSecond());
        Failed refused = refusal(d);
        if (refused != null) {
            // the refusal is the move's journal line and a failure; nothing was started, so no record
            new Journal(paths, clock).append(refused.message());
            settle.failed(intent, refused);
            mark(runId, "refused");
            return refused;
        }
        intent.save(paths);
        try {
            perform(d.move());
        } catch (UserError e) {
            return settleFailed(intent.failed(e.getMessage()).save(paths), settle, FAILED);
        }
        return journalAndSettle(intent, d, settle);
    }

    /** Settles the move a crash left in flight, if any, without running it again. */
    public Optional<Recovered> recover(Settle settle) {
        Intent i = Intent.read(paths);
        if (i == null) return Optional.empty();
        Decision d = Decision.parse(i.decision());
        return Optional.of(switch (i.state()) {
            case PERFORMED -> recovered(i, "journaled and committed", settleActed(i, d, settle).journalLine());
            case FAILED -> recovered(i, "recorded as failed", settleFailed(i, settle, FAILED).message());
            case UNKNOWN -> recovered(i, "outcome unknown", settleUnknown(i, settle));
            case EXECUTING -> recoverExecuting(i, d, settle);
        });
    }

    private Recovered recoverExecuting(Intent i, Decision d, Settle settle) {
        Move m = d.move();
        switch (m.happened(ctx)) {
            case YES:
                return recovered(i, "it had happened: journaled and committed", journalAndSettle(i, d, settle).journalLine());
            case NO:
                String why = m.label() + ": interrupted before it took effect; not retried";
                return recovered(i, "it had not happened: recorded as failed", settleFailed(i.failed(why).save(paths), settle, INTERRUPTED).message());
            default:
                Journal j = new Journal(paths, clock);
                return recovered(i, "outcome unknown", settleUnknown(i.unknown(j.line(interrupted(d)), j.size()).save(paths), settle));
        }
    }

    private static Recovered recovered(Intent i, String outcome, String line) {
        return new Recovered(i.state(), outcome, line);
    }

    /** The gate refuses before anything starts; null when the move may go. */
    private Failed refusal(Decision d) {
        String constitution = Constitution.touchedBy(d.move());
        if (constitution != null) return new Failed(REFUSED, d.move().label() + ": " + constitution);
        try {
            d.move().check(ctx);
            return null;
        } catch (ShellGate.Refused e) {
            return new Failed(REFUSED, d.move().label() + ": " + e.getMessage());
        }
    }

    // -- settling -------------------------------------------------------------

    /** The move took effect: record the exact line and where it goes, then append and commit. */
    private Done journalAndSettle(Intent i, Decision d, Settle settle) {
        Journal j = new Journal(paths, clock);
        String text = d.journal() != null ? d.journal() : d.move().summary();
        return settleActed(i.performed(j.line(text), j.size()).save(paths), d, settle);
    }

    private Done settleActed(Intent i, Decision d, Settle settle) {
        new Journal(paths, clock).appendAt(i.offset(), i.line());
        if (d.move().goalActivity()) GoalActivity.stamp(paths, d.id(), i.startedUnix());
        Done done = new Done(d.action(), d.move().summary(), i.line(), d.nextIntervalS());
        settle.acted(i, done);
        return finish(i, "acted", done);
    }

    private Failed settleFailed(Intent i, Settle settle, String reason) {
        Failed failed = new Failed(reason, i.message());
        settle.failed(i, failed);
        return finish(i, "failed", failed);
    }

    private String settleUnknown(Intent i, Settle settle) {
        new Journal(paths, clock).appendAt(i.offset(), i.line());
        settle.failed(i, new Failed(INTERRUPTED, i.line()));
        finish(i, "unknown", null);
        return i.line();
    }

    private <T> T finish(Intent i, String outcome, T result) {
        mark(i.runId(), outcome);
        Intent.clear(paths);
        return result;
    }

    /** runs/<id>/act.json: this run's decision has been acted on (or refused) and must not be again. */
    private void mark(String runId, String outcome) {
        if (runId == null || !Files.isDirectory(paths.runs().resolve(runId), LinkOption.NOFOLLOW_LINKS)) return;
        Fs.writeScratch(actMark(paths, runId), (Json.canonical(Json.object().put("outcome", outcome)) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public static Path actMark(Paths paths, String runId) {
        return paths.runs().resolve(runId).resolve("act.json");
    }

    // -- the move ---------------------------------------------------------------

    /** Does the move; every failure becomes one line naming the move. */
    private void perform(Move m) {
        try {
            m.perform(ctx);
        } catch (UserError e) {
            throw new UserError(m.label() + ": " + e.getMessage());
        } catch (InvalidPathException e) {
            throw new UserError(m.label() + ": not a usable file name (" + e.getReason() + "); use letters, digits, '-' or '_'");
        } catch (UncheckedIOException e) {
            IOException io = e.getCause();
            if (io instanceof UnsafePathException) throw new UserError(m.label() + ": " + Journal.oneLine(io.getMessage()));
            throw new UserError(m.label() + ": " + io.getClass().getSimpleName() + " (" + Journal.oneLine(String.valueOf(io.getMessage()))
                    + "); check the data dir's permissions and free space");
        }
    }

    /** The journal text for a move cut off mid-way: what it was, that nobody knows how it ended, what it meant. */
    static String interrupted(Decision d) {
        return d.move().interrupted() + " → " + UNKNOWN + (d.journal() == null ? "" : " · meant: " + d.journal());
    }
}
