package looop.workers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import looop.profile.ShellGate;
import looop.git.Worktree;
import looop.io.FileMutex;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Confinement;
import looop.profile.Paths;

/**
 * A worker's verify: the shell command start_worker gave it, run once after
 * the worker exited by itself, so "exited 0 but nothing happened" is seen.
 * It runs as run_shell does (the run_shell gate, its sandbox grant, its
 * environment), for at most TIMEOUT, in the worker's worktree when it has
 * one, else in the data dir, and its result goes to sessions/&lt;id&gt;/verify.json:
 *
 * <pre>
 * {"state":"running","started_unix":…}                claimed: looop is running it
 * {"state":"done","exit_code":N,"passed":b,"output":"…"}  its exit code and trimmed output
 * </pre>
 *
 * Level-triggered from the beat's housekeeping: an exited worker with a
 * verify and no verify.json gets it run. At most once, even across crashes:
 * the claim is written (durably) before the command starts, under
 * sessions/.verify.lock, so a claim found with nobody holding the lock was
 * cut off by a crash; it is recorded as failed and never run again. A killed
 * worker is not verified: whoever killed it already knows it did not finish.
 */
public final class Verify {
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Enough to show the failing assertion or the last line of a build; the whole log is the worker's. */
    static final int OUTPUT_CHARS = 500;

    /** A finished verify: exit code (null when it never ran: refused, cut off), whether it passed, the end of what it printed. */
    public record Result(Integer exitCode, boolean passed, String output) {
        public String word() {
            return passed ? "passed" : "failed";
        }

        ObjectNode json() {
            return Json.object().put("state", "done").put("exit_code", exitCode).put("passed", passed).put("output", output);
        }
    }

    private final Paths paths;
    private final Sessions sessions;
    private final Clock clock;

    public Verify(Paths paths, Sessions sessions, Clock clock) {
        this.paths = paths;
        this.sessions = sessions;
        this.clock = clock;
    }

    /**
     * Runs the verify of each exited worker that has one and no result yet;
     * returns the ids verified now. Another process verifying right now (its
     * beat holds the lock) makes this one skip: the next beat sees its results.
     */
    public List<String> runDue(Config config) {
        // loops, not a stream: every beat runs this, mostly with nothing due (Fs.inNameOrder says why)
        List<String> due = new ArrayList<>();
        for (Sessions.Info w : sessions.list()) {
            if (w.state() == SessionState.EXITED && command(w.id()) != null && read(paths, w.id()) == null) due.add(w.id());
        }
        List<String> done = new ArrayList<>();
        if (due.isEmpty()) return done;
        new FileMutex(paths.sessions().resolve(".verify.lock")).tryLocked(() -> {
            for (String id : due) {
                if (runOnce(id, config)) done.add(id);
            }
        });
        return done;
    }

    /** Under the lock: a claim on file is a crash's leftover; no file, the claim, the run, the result. */
    private boolean runOnce(String id, Config config) {
        SessionFiles f = SessionFiles.of(paths, id);
        if (read(paths, id) != null || !f.exists()) return false;
        if (Files.exists(f.verify())) {
            save(f, new Result(null, false, "looop was stopped while the verify ran; not run again, check by hand"));
            return true;
        }
        Fs.writeAtomic(f.verify(), Json.canonical(Json.object().put("state", "running").put("started_unix", clock.instant().getEpochSecond())) + "\n");
        save(f, run(command(id), workDir(id), config));
        return true;
    }

    private Result run(String cmd, Path dir, Config config) {
        ShellGate gate = config.shellGate();
        try {
            gate.check(cmd);
            Proc.Result r = Proc.capture(new Proc.Spec(cmd, dir, paths.childEnv(), null, TIMEOUT, Confinement.of(paths, config).runShell()),
                    gate.maxOutputBytes());
            if (r.timedOut()) return new Result(Proc.TIMED_OUT, false, trimmed("timed out after " + TIMEOUT.toSeconds() + " s. " + said(r)));
            return new Result(r.exitCode(), r.exitCode() == 0, trimmed(said(r)));
        } catch (UserError e) { // refused by the gate, a sandbox that is required and missing, a command that cannot start
            return new Result(null, false, trimmed(e.getMessage()));
        }
    }

    /** What the command printed, stdout then the tail of stderr. */
    private static String said(Proc.Result r) {
        String out = r.stdoutText().strip();
        String err = r.stderrTail().strip();
        return out.isEmpty() ? err : err.isEmpty() ? out : out + "\n" + err;
    }

    /** The end of the output, where a failure usually says why; escapes stripped so the prompt reads it as text. */
    static String trimmed(String text) {
        String s = looop.io.Ansi.strip(text).strip();
        return s.length() > OUTPUT_CHARS ? "…" + s.substring(s.length() - OUTPUT_CHARS) : s;
    }

    private void save(SessionFiles f, Result r) {
        Fs.writeAtomic(f.verify(), Json.canonical(r.json()) + "\n");
    }

    /** The worker's verify command, or null when it was started without one. */
    private String command(String id) {
        SessionFiles.Meta meta = SessionFiles.of(paths, id).readMeta();
        return meta == null || meta.verify() == null || meta.verify().isBlank() ? null : meta.verify();
    }

    /** Its worktree when it has one that is still there, else the data dir: where run_shell runs. */
    private Path workDir(String id) {
        Worktree w = WorkerRepos.read(paths, id);
        return w != null && Files.isDirectory(w.path()) ? w.path() : paths.data;
    }

    /** Worker id's finished verify, or null while there is none (not run yet, or running). */
    public static Result read(Paths paths, String id) {
        JsonNode n = Json.parseOrNull(Fs.readOr(SessionFiles.of(paths, id).verify(), ""));
        if (n == null || !"done".equals(Json.text(n, "state"))) return null;
        JsonNode code = n.get("exit_code");
        return new Result(code != null && code.isInt() ? code.asInt() : null, n.path("passed").asBoolean(false), Json.text(n, "output"));
    }
}
