package looop.act;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import looop.decide.Decision;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Proc;
import looop.io.UnsafePathException;
import looop.io.UserError;
import looop.profile.Knob;
import looop.profile.Config;
import looop.profile.Journal;
import looop.profile.Paths;
import looop.workers.Sessions;

/**
 * looop's hands: executes one validated decision at most once, stamps goal
 * activity, writes the journal line.
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
 * EXECUTING         may or may not have happened   asks happened(): yes → journal + commit;
 *                                                  no → a failed move (backoff); can't tell →
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
    /** What a move did: the action, looop's own summary, and the journal line it wrote. */
    public record Move(String action, String summary, String journalLine, Integer nextIntervalS) {}

    /**
     * What the beat does once a move is settled. Called again for the same move
     * when a crash interrupted the first call, so both must be safe to repeat.
     */
    public interface Settle {
        /** The move took effect and its line is in the journal. */
        void acted(Intent intent, Move move);

        /** The move failed, was refused, or did not happen. reason is the event's reason code. */
        void failed(Intent intent, String reason, String message);

        Settle NONE = new Settle() {
            public void acted(Intent intent, Move move) { }

            public void failed(Intent intent, String reason, String message) { }
        };
    }

    /** How a crash-interrupted move was settled, for the beat's log. */
    public record Recovered(Intent.State found, String outcome, String line) {}

    /** Moves that work on a goal (or on the worker serving it), which sys-goals reports as activity. */
    private static final Set<String> GOAL_MOVES =
            Set.of("write_goal", "archive_goal", "start_worker", "steer_session", "send_key", "restart_session");
    private static final int FAILURE_TAIL_CHARS = 200;
    private static final int SHOWN_CHARS = 120;
    public static final String UNKNOWN = "outcome unknown: looop was stopped mid-move, check it before doing it again";

    private final Paths paths;
    private final Sessions sessions;
    private final Clock clock;

    public Executor(Paths paths, Sessions sessions, Clock clock) {
        this.paths = paths;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** A move by hand: executed and journaled once, nothing to commit. A failed move throws UserError. */
    public Move act(Decision d) {
        return act(d, null, null, Settle.NONE);
    }

    /**
     * Executes d at most once for run runId (null by hand) of world hash, and
     * settles it. A failed or refused move is settled as failed, then thrown as
     * a one-line UserError (ShellGate.Refused when the gate said no).
     */
    public Move act(Decision d, String runId, String hash, Settle settle) {
        recover(settle); // a record left by a crash is settled first, never overwritten
        String moveId = runId != null ? runId : "hand-" + UUID.randomUUID();
        gate(d, moveId, runId, hash, settle);
        Intent intent = Intent.begin(moveId, runId, hash, Json.canonical(d.raw()), clock.instant().getEpochSecond()).save(paths);
        try {
            perform(d);
        } catch (UserError e) {
            settleFailed(intent.failed(e.getMessage()).save(paths), settle, "move_failed");
            throw e;
        }
        return journalAndSettle(intent, d, settle);
    }

    /**
     * Settles the move a crash left in flight, if any, without running it again.
     * Returns what was done, or null when nothing was pending.
     */
    public Recovered recover(Settle settle) {
        Intent i = Intent.read(paths);
        if (i == null) return null;
        Decision d = Decision.parse(i.decision());
        return switch (i.state()) {
            case PERFORMED -> recovered(i, "journaled and committed", settleActed(i, d, settle).journalLine());
            case FAILED -> recovered(i, "recorded as failed", settleFailed(i, settle, "move_failed"));
            case UNKNOWN -> recovered(i, "outcome unknown", settleUnknown(i, settle));
            case EXECUTING -> recoverExecuting(i, d, settle);
        };
    }

    private Recovered recoverExecuting(Intent i, Decision d, Settle settle) {
        Boolean happened = happened(d);
        if (happened == null) {
            Journal j = new Journal(paths, clock);
            return recovered(i, "outcome unknown", settleUnknown(i.unknown(j.line(interrupted(d)), j.size()).save(paths), settle));
        }
        if (happened) return recovered(i, "it had happened: journaled and committed", journalAndSettle(i, d, settle).journalLine());
        String why = label(d) + ": interrupted before it took effect; not retried";
        return recovered(i, "it had not happened: recorded as failed", settleFailed(i.failed(why).save(paths), settle, "move_interrupted"));
    }

    private static Recovered recovered(Intent i, String outcome, String line) {
        return new Recovered(i.state(), outcome, line);
    }

    /** The gate refuses before anything starts; the refusal is the move's journal line and a failure. */
    private void gate(Decision d, String moveId, String runId, String hash, Settle settle) {
        try {
            if (d.action().equals("run_shell")) shellGate().check(d.str("cmd"));
            if (d.action().equals("write_sensor")) shellGate().checkScript(d.str("script"));
        } catch (ShellGate.Refused e) {
            String why = label(d) + ": " + e.getMessage();
            new Journal(paths, clock).append(why);
            settle.failed(Intent.begin(moveId, runId, hash, Json.canonical(d.raw()), clock.instant().getEpochSecond()), "move_refused", why);
            mark(runId, "refused");
            throw new ShellGate.Refused(why);
        }
    }

    private ShellGate shellGate() {
        return Config.load(paths).shellGate();
    }

    // -- settling -------------------------------------------------------------

    /** The move took effect: record the exact line and where it goes, then append and commit. */
    private Move journalAndSettle(Intent i, Decision d, Settle settle) {
        Journal j = new Journal(paths, clock);
        String text = d.journal() != null ? d.journal() : summary(d);
        return settleActed(i.performed(j.line(text), j.size()).save(paths), d, settle);
    }

    private Move settleActed(Intent i, Decision d, Settle settle) {
        new Journal(paths, clock).appendAt(i.offset(), i.line());
        if (GOAL_MOVES.contains(d.action())) GoalActivity.stamp(paths, d.id(), i.startedUnix());
        Move move = new Move(d.action(), summary(d), i.line(), d.nextIntervalS());
        settle.acted(i, move);
        return done(i, "acted", move);
    }

    private String settleFailed(Intent i, Settle settle, String reason) {
        settle.failed(i, reason, i.message());
        done(i, "failed", null);
        return i.message();
    }

    private String settleUnknown(Intent i, Settle settle) {
        new Journal(paths, clock).appendAt(i.offset(), i.line());
        settle.failed(i, "move_interrupted", i.line());
        done(i, "unknown", null);
        return i.line();
    }

    private <T> T done(Intent i, String outcome, T result) {
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

    /**
     * Whether a move that was cut off took effect: true or false for the moves
     * looop performs itself with atomic renames, null when only the outside
     * world knows (run_shell, workers).
     */
    Boolean happened(Decision d) {
        return switch (d.action()) {
            case "noop", "send_notification" -> true;
            case "write_goal" -> holds(paths.goals().resolve(d.id() + ".md"), withNewline(d.str("body")));
            case "write_playbook" -> holds(paths.playbook(), withNewline(d.str("body")));
            case "write_sensor" -> holds(paths.sensors().resolve(d.id() + ".sh"), d.str("script"));
            case "archive_goal" -> !Files.exists(paths.goals().resolve(d.id() + ".md"), LinkOption.NOFOLLOW_LINKS)
                    && Files.isRegularFile(paths.goalArchive().resolve(d.id() + ".md"), LinkOption.NOFOLLOW_LINKS);
            default -> null;
        };
    }

    private static boolean holds(Path file, String text) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return false;
        String now = Fs.readOrNull(file);
        return text.equals(now);
    }

    // -- the moves --------------------------------------------------------------

    /**
     * The journal line, and an event in the outbox for the channels in
     * "notify"; the pulse delivers it, so a channel that is down never fails the move.
     */
    private void notifyHuman(String message) {
        var now = clock.instant();
        String beat = now.toEpochMilli() + "-" + Integer.toHexString(message.hashCode());
        looop.notify.Outbox.of(paths, clock).record(looop.notify.Notices.notification(message, beat, now));
    }

    /** Does the move; every failure becomes one line naming the move. */
    private void perform(Decision d) {
        try {
            switch (d.action()) {
                case "noop" -> { } // the journal line is the whole move
                case "send_notification" -> notifyHuman(d.str("message"));
                case "run_shell" -> runShell(d.str("cmd"));
                case "write_goal" -> Fs.writeAtomic(target(paths.goals().resolve(d.id() + ".md")), withNewline(d.str("body")));
                case "archive_goal" -> archive(d.id());
                case "write_sensor" -> Fs.writeAtomic(target(paths.sensors().resolve(d.id() + ".sh")),
                        d.str("script").getBytes(StandardCharsets.UTF_8), Fs.PRIVATE_SCRIPT);
                case "write_playbook" -> Fs.writeAtomic(target(paths.playbook()), withNewline(d.str("body")));
                case "start_worker" -> sessions.start(d.id(), d.str("prompt"), null, looop.workers.WorkerRepos.repoPath(paths, d.str("repo")), d.str("base"));
                case "steer_session" -> sessions.steer(d.id(), d.str("input"));
                case "send_key" -> sessions.sendKeys(d.id(), d.strings("keys"));
                case "restart_session" -> sessions.restart(d.id());
                default -> throw new IllegalArgumentException("not a parsed decision: " + d.action());
            }
        } catch (UserError e) {
            throw new UserError(label(d) + ": " + e.getMessage());
        } catch (InvalidPathException e) {
            throw new UserError(label(d) + ": not a usable file name (" + e.getReason() + "); use letters, digits, '-' or '_'");
        } catch (UncheckedIOException e) {
            IOException io = e.getCause();
            if (io instanceof UnsafePathException) throw new UserError(label(d) + ": " + Journal.oneLine(io.getMessage()));
            throw new UserError(label(d) + ": " + io.getClass().getSimpleName() + " (" + Journal.oneLine(String.valueOf(io.getMessage()))
                    + "); check the data dir's permissions and free space");
        }
    }

    /** looop's own journal text for a move that succeeded. */
    static String summary(Decision d) {
        return switch (d.action()) {
            case "noop" -> detailed("noop", d.str("reason"));
            case "run_shell" -> "run_shell: " + shown(d.str("cmd")) + " → exit 0";
            case "steer_session" -> detailed(label(d), shown(d.str("input")));
            case "send_key" -> label(d) + ": " + String.join(" ", d.strings("keys"));
            case "send_notification" -> "notify: " + d.str("message");
            default -> label(d);
        };
    }

    /** The journal text for a move cut off mid-way: what it was, that nobody knows how it ended, what it meant. */
    static String interrupted(Decision d) {
        String what = d.action().equals("run_shell") ? "run_shell: " + shown(d.str("cmd")) : label(d);
        return what + " → " + UNKNOWN + (d.journal() == null ? "" : " · meant: " + d.journal());
    }

    /** "head: detail", or just head when there is nothing to add (an empty reason, a bare Enter). */
    private static String detailed(String head, String detail) {
        return detail == null || detail.isBlank() ? head : head + ": " + detail;
    }

    static String label(Decision d) {
        return d.id() == null ? d.action() : d.action() + " " + d.id();
    }

    private void runShell(String cmd) {
        ShellGate gate = shellGate();
        long timeoutS = paths.knob(Knob.SHELL_TIMEOUT, gate.timeoutS());
        Duration timeout = timeoutS > 0 ? Duration.ofSeconds(timeoutS) : null;
        Proc.Result r = Proc.capture(new Proc.Spec(cmd, paths.data, paths.childEnv(), null, timeout), gate.maxOutputBytes());
        if (r.timedOut()) {
            throw new UserError("`" + shown(cmd) + "` timed out after " + timeoutS + " s; make it quicker, hand it to a worker, or raise LOOOP_SHELL_TIMEOUT");
        }
        if (r.exitCode() != 0) throw new UserError("`" + shown(cmd) + "` exited " + r.exitCode() + lastWords(r));
    }

    /** The end of what a failed command said, stderr first: usually the line that explains the failure. */
    private static String lastWords(Proc.Result r) {
        String said = Journal.oneLine(r.stderrTail().isBlank() ? r.stdoutText() : r.stderrTail());
        if (said.isEmpty()) return " (no output)";
        return ": " + (said.length() > FAILURE_TAIL_CHARS ? "…" + said.substring(said.length() - FAILURE_TAIL_CHARS) : said);
    }

    /** Moves the goal aside; an earlier archive entry of the same id is replaced, as a rewrite would be. */
    private void archive(String id) {
        Path from = target(paths.goals().resolve(id + ".md"));
        Path to = target(paths.goalArchive().resolve(id + ".md"));
        if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserError("there is no goal goals/" + id + ".md; archive only a goal listed under === GOALS ===");
        }
        try {
            Fs.mkdirs(to.getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fs.syncDir(to.getParent());
            Fs.syncDir(from.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns file after checking it is a place a move may write: inside the
     * data dir with no symlink on the way (whatever the AI linked, a move only
     * writes inside the profile), and not looop's own config, which holds the
     * gate and the runner commands and is the human's alone.
     */
    private Path target(Path file) {
        if (!file.normalize().startsWith(paths.data)) {
            throw new UserError(file + " is outside the data dir " + paths.data + "; looop only writes inside it");
        }
        Path p = paths.data;
        for (Path part : paths.data.relativize(file)) {
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                throw new UserError(paths.data.relativize(p) + " is a symlink and looop never writes through one; replace it with a real "
                        + (p.equals(file) ? "file" : "directory"));
            }
        }
        if (sameFile(file, paths.config) || file.toAbsolutePath().normalize().equals(paths.configTarget())) {
            throw new UserError(paths.data.relativize(file) + " is looop's config (LOOOP_CONFIG); no move may write it, a human edits it");
        }
        return file;
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static String withNewline(String text) {
        return text.endsWith("\n") ? text : text + "\n";
    }

    /** Long commands and inputs are cut in summaries: the journal is one short line per move. */
    private static String shown(String text) {
        String s = Journal.oneLine(text); // process output carries colour codes and tabs
        return s.length() > SHOWN_CHARS ? s.substring(0, SHOWN_CHARS) + "…" : s;
    }
}
