package looop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** looop's hands: executes one validated decision, stamps goal activity, writes the journal line. */
public final class Executor {
    /** What a move did: the action, looop's own summary, and the journal line it wrote. */
    public record Move(String action, String summary, String journalLine, Integer nextIntervalS) {}

    /** Moves that work on a goal (or on the worker serving it), which sys-goals reports as activity. */
    private static final Set<String> GOAL_MOVES =
            Set.of("write_goal", "archive_goal", "start_worker", "steer_session", "send_key", "restart_session");
    private static final long SHELL_TIMEOUT_S = 600;
    /** run_shell output only feeds a failure message; 64 KiB is plenty to find its last line. */
    private static final long SHELL_CAPTURE_BYTES = 64 * 1024;
    private static final int FAILURE_TAIL_CHARS = 200;
    private static final int SHOWN_CHARS = 120;

    private final Paths paths;
    private final Sessions sessions;
    private final Clock clock;

    public Executor(Paths paths, Sessions sessions, Clock clock) {
        this.paths = paths;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Executes d; a failed move throws UserError and writes no journal line. */
    public Move act(Decision d) {
        perform(d);
        if (GOAL_MOVES.contains(d.action())) GoalActivity.stamp(paths, d.id(), clock.instant().getEpochSecond());
        String summary = summary(d);
        String line = new Journal(paths, clock).append(d.journal() != null ? d.journal() : summary);
        return new Move(d.action(), summary, line, d.nextIntervalS());
    }

    /** Does the move; every failure becomes one line naming the move. */
    private void perform(Decision d) {
        try {
            switch (d.action()) {
                case "noop", "send_notification" -> { } // the journal line is the whole move
                case "run_shell" -> runShell(d.str("cmd"));
                case "write_goal" -> Fs.writeAtomic(inside(paths.goals().resolve(d.id() + ".md")), withNewline(d.str("body")));
                case "archive_goal" -> archive(d.id());
                case "write_sensor" -> writeSensor(d.id(), d.str("script"));
                case "write_playbook" -> Fs.writeAtomic(inside(paths.playbook()), withNewline(d.str("body")));
                case "start_worker" -> sessions.start(d.id(), d.str("prompt"), null);
                case "steer_session" -> sessions.steer(d.id(), d.str("input"));
                case "send_key" -> sessions.sendKeys(d.id(), d.strings("keys"));
                case "restart_session" -> sessions.restart(d.id());
                default -> throw new IllegalArgumentException("not a parsed decision: " + d.action());
            }
        } catch (UserError e) {
            throw new UserError(label(d) + ": " + e.getMessage());
        } catch (UncheckedIOException e) {
            IOException io = e.getCause();
            throw new UserError(label(d) + ": " + io.getClass().getSimpleName() + " (" + io.getMessage()
                    + "); check the data dir's permissions and free space");
        }
    }

    /** looop's own journal text for a move that succeeded. */
    private static String summary(Decision d) {
        return switch (d.action()) {
            case "noop" -> detailed("noop", d.str("reason"));
            case "run_shell" -> "run_shell: " + shown(d.str("cmd")) + " → exit 0";
            case "steer_session" -> detailed(label(d), shown(d.str("input")));
            case "send_key" -> label(d) + ": " + String.join(" ", d.strings("keys"));
            case "send_notification" -> "notify: " + d.str("message");
            default -> label(d);
        };
    }

    /** "head: detail", or just head when there is nothing to add (an empty reason, a bare Enter). */
    private static String detailed(String head, String detail) {
        return detail == null || detail.isBlank() ? head : head + ": " + detail;
    }

    private static String label(Decision d) {
        return d.id() == null ? d.action() : d.action() + " " + d.id();
    }

    private void runShell(String cmd) {
        long timeoutS = paths.envLong("LOOOP_SHELL_TIMEOUT", SHELL_TIMEOUT_S);
        Duration timeout = timeoutS > 0 ? Duration.ofSeconds(timeoutS) : null;
        Proc.Result r = Proc.capture(new Proc.Spec(cmd, paths.data, paths.childEnv(), null, timeout), SHELL_CAPTURE_BYTES);
        if (r.timedOut()) {
            throw new UserError("`" + shown(cmd) + "` timed out after " + timeoutS + " s; make it quicker, hand it to a worker, or raise LOOOP_SHELL_TIMEOUT");
        }
        if (r.exitCode() != 0) throw new UserError("`" + shown(cmd) + "` exited " + r.exitCode() + lastWords(r));
    }

    /** The end of what a failed command said, stderr first: usually the line that explains the failure. */
    private static String lastWords(Proc.Result r) {
        String said = oneLine(r.stderrTail().isBlank() ? r.stdoutText() : r.stderrTail());
        if (said.isEmpty()) return " (no output)";
        return ": " + (said.length() > FAILURE_TAIL_CHARS ? "…" + said.substring(said.length() - FAILURE_TAIL_CHARS) : said);
    }

    private void writeSensor(String name, String script) {
        Path file = inside(paths.sensors().resolve(name + ".sh"));
        Fs.writeAtomic(file, script);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Moves the goal aside; an earlier archive entry of the same id is replaced, as a rewrite would be. */
    private void archive(String id) {
        Path from = inside(paths.goals().resolve(id + ".md"));
        Path to = inside(paths.goalArchive().resolve(id + ".md"));
        if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserError("there is no goal goals/" + id + ".md; archive only a goal listed under === GOALS ===");
        }
        try {
            Files.createDirectories(to.getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns file after checking that nothing between the data dir and it is a
     * symlink: a move only ever writes inside the profile, whatever the AI linked.
     */
    private Path inside(Path file) {
        Path p = paths.data;
        for (Path part : paths.data.relativize(file)) {
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                throw new UserError(paths.data.relativize(p) + " is a symlink and looop never writes through one; replace it with a real "
                        + (p.equals(file) ? "file" : "directory"));
            }
        }
        return file;
    }

    private static String withNewline(String text) {
        return text.endsWith("\n") ? text : text + "\n";
    }

    /** Long commands and inputs are cut in summaries: the journal is one short line per move. */
    private static String shown(String text) {
        String s = oneLine(text);
        return s.length() > SHOWN_CHARS ? s.substring(0, SHOWN_CHARS) + "…" : s;
    }

    /** One line with no control characters left (process output carries colour codes and tabs). */
    private static String oneLine(String text) {
        return Journal.oneLine(text).replaceAll("\\p{Cntrl}", " ");
    }
}
