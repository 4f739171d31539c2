package looop.workers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.Paths;

/**
 * Where one session keeps what must outlive its terminal: state, exit code,
 * how it was started, and everything it printed. looop's own record: no
 * sandboxed process can write it (the worker's word goes to its
 * {@link WorkerOutbox}, workers/&lt;id&gt;/, read from there as data).
 *
 * <pre>
 * sessions/&lt;id&gt;/state       starting | running | exited | killed | waiting | blocked  (one word + newline)
 * sessions/&lt;id&gt;/wait.json   a worker started with "after": what to start, once (see {@link Waits})
 * sessions/&lt;id&gt;/exit_code   the command's exit code, once it ended by itself
 * sessions/&lt;id&gt;/meta.json   {"id","runner","command","started_unix","prompt_file","verify"?}, and for a worker
 *                               with a repo {"repo","branch","base_ref","base","worktree","git_common_dir","git_dir"}
 * sessions/&lt;id&gt;/output.log  everything the terminal printed, as it was printed
 * sessions/&lt;id&gt;/run.sh      the wrapper tmux runs: waits for capture, runs, records the end
 * sessions/&lt;id&gt;/screen      when its screen last changed, by looop's looks (see {@link Screens})
 * sessions/&lt;id&gt;/verify.json the verify command's result once the worker exited (see {@link Verify})
 * </pre>
 *
 * Every file is replaced whole (written aside, then renamed), by looop and by
 * the wrapper alike, so a reader never sees half a state. output.log is only
 * ever appended to (by tmux pipe-pane, through dd that refuses a link);
 * nothing in the beat reads it.
 */
public record SessionFiles(Path dir, WorkerOutbox outbox) {
    /**
     * How a session was started; what restart runs again. runner and promptFile
     * are null for a bare command; verify is the command run once after the
     * worker exits, or null.
     */
    public record Meta(String id, String runner, String command, long startedUnix, String promptFile, String verify) {
        public Meta(String id, String runner, String command, long startedUnix, String promptFile) {
            this(id, runner, command, startedUnix, promptFile, null);
        }

        ObjectNode json() {
            ObjectNode o = Json.object();
            o.put("id", id);
            o.put("runner", runner);
            o.put("command", command);
            o.put("started_unix", startedUnix);
            o.put("prompt_file", promptFile);
            if (verify != null) o.put("verify", verify);
            return o;
        }
    }

    public static SessionFiles of(Paths paths, String id) {
        return new SessionFiles(paths.sessions().resolve(id), WorkerOutbox.of(paths, id));
    }

    public Path state() { return dir.resolve("state"); }
    public Path exitCode() { return dir.resolve("exit_code"); }
    public Path meta() { return dir.resolve("meta.json"); }
    public Path output() { return dir.resolve("output.log"); }
    public Path wrapper() { return dir.resolve("run.sh"); }
    public Path screen() { return dir.resolve("screen"); }
    /** The worker's usage-limit episode and whether it was resumed (looop.human.LimitedWorkers). */
    public Path usageLimit() { return dir.resolve("usage-limit.json"); }
    public Path verify() { return dir.resolve("verify.json"); }

    public String id() {
        return dir.getFileName().toString();
    }

    public boolean exists() {
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
    }

    /** The recorded state, or null when the file is missing, empty or names no state (looop did not write it). */
    public SessionState readState() {
        return SessionState.parse(Fs.readOrNull(state()));
    }

    /** How long ago the state was last written; very long when it never was. */
    public long stateAgeMillis() {
        long m = Fs.modifiedMillis(state());
        return m == 0 ? Long.MAX_VALUE : System.currentTimeMillis() - m;
    }

    /** This session's state, now that tmux has said whether it has the terminal: see {@link SessionState}. */
    public SessionState state(SessionState.Liveness tmux) {
        return SessionState.derive(readState(), readExitCode() != null, stateAgeMillis(), tmux);
    }

    /** The exit code, or null while the command runs, after a kill, or when the file is not a number. */
    public Integer readExitCode() {
        String s = Fs.readOrNull(exitCode());
        try {
            return s == null ? null : Integer.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The flag note, from the worker's outbox, or null when the worker is not flagged. */
    public String readNote() {
        return outbox.readNote();
    }

    public Meta readMeta() {
        JsonNode m = Json.parseOrNull(Fs.readOr(meta(), ""));
        if (m == null || Json.text(m, "command") == null) return null;
        return new Meta(Json.text(m, "id"), Json.text(m, "runner"), Json.text(m, "command"), m.path("started_unix").asLong(),
                Json.text(m, "prompt_file"), Json.text(m, "verify"));
    }

    public void writeState(SessionState state) {
        Fs.writeAtomic(state(), state.word() + "\n");
    }

    public void writeMeta(Meta meta) {
        writeMeta(meta, null);
    }

    /** meta.json with the worker's worktree (repo, branch, base, …) beside the rest, when it has one. */
    public void writeMeta(Meta meta, looop.git.Worktree worktree) {
        ObjectNode o = meta.json();
        if (worktree != null) worktree.into(o);
        Fs.writeAtomic(meta(), Json.pretty(o) + "\n");
    }
}
