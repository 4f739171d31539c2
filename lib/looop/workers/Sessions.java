package looop.workers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import looop.io.Json;
import looop.io.UserError;

/**
 * Worker sessions: agents running detached in real terminals. The beat and the
 * executor only see this interface; the terminal engine lives behind it.
 */
public interface Sessions {

    /**
     * A session as the files and tmux say it is; in id order: its state derived
     * by {@link SessionState}, its exit code only once it exited; for a worker
     * that waits (or waited, and is blocked) the workers it waits for, and the
     * reason it still waits or never starts (see {@link Waits}).
     */
    record Info(String id, SessionState state, Integer exitCode, String note, List<String> after, String reason) implements Comparable<Info> {
        public Info(String id, SessionState state, Integer exitCode, String note) {
            this(id, state, exitCode, note, List.of(), null);
        }


        @Override
        public int compareTo(Info other) {
            return id.compareTo(other.id);
        }

        public boolean alive() {
            return state.alive();
        }

        /**
         * The one JSON shape of a session, for `ls --json`, `status --json` and
         * sys-sessions: only stable fields, so a worker's growing output never
         * changes it. The flag note only while the worker is alive to answer it.
         */
        public ObjectNode json() {
            ObjectNode o = Json.object().put("id", id).put("state", state.word()).put("exit_code", exitCode);
            if (alive() && note != null) o.put("note", note);
            if (!after.isEmpty()) {
                com.fasterxml.jackson.databind.node.ArrayNode a = o.putArray("after");
                for (String dep : after) a.add(dep);
            }
            if (reason != null) o.put("reason", reason);
            return o;
        }
    }

    /** Every worker the profile knows of, sorted by id. */
    List<Info> list();

    /** This engine as a beat's moves use it: seeing the config the beat read (an engine that reads none is itself). */
    default Sessions withConfig(looop.profile.Config config) {
        return this;
    }

    default boolean isAlive(String id) {
        return list().stream().anyMatch(s -> s.id().equals(id) && s.alive());
    }

    void start(String id, String prompt, String runner);

    /** Starts worker id in a git worktree of its own of repo, from base (null: the checkout's HEAD); repo null: as above. */
    default void start(String id, String prompt, String runner, java.nio.file.Path repo, String base) {
        if (repo != null) throw new UserError("workers with a repo need the tmux engine; this one cannot give a worker a worktree");
        start(id, prompt, runner);
    }

    /**
     * The same, with verify: a shell command looop runs once after the worker
     * exits (see {@link Verify}); verify null: as above.
     */
    default void start(String id, String prompt, String runner, java.nio.file.Path repo, String base, String verify) {
        if (verify != null) throw new UserError("workers with a verify command need the tmux engine; this one cannot keep it");
        start(id, prompt, runner, repo, base);
    }

    /**
     * The same, once the workers named in after (none: at once, as above) have
     * ended well and, with a repo, been merged: until then it is recorded as
     * waiting (see {@link Waits}).
     */
    default void start(String id, String prompt, String runner, java.nio.file.Path repo, String base, String verify, List<String> after) {
        if (after != null && !after.isEmpty()) throw new UserError("workers that wait for others need the tmux engine; this one cannot keep them");
        start(id, prompt, runner, repo, base, verify);
    }

    /**
     * After a crash that may have cut a start off between its new session
     * and its terminal: launches id's terminal if the start did not (see
     * {@link Waits}); an engine without terminals has nothing to do.
     */
    default void finishStart(String id) { }

    /**
     * What live worker id's screen shows now (text, colours and cursor), for
     * telling whether it changed ({@link Screens}); null when it cannot be
     * read (the worker ended, or this engine has no screens).
     */
    default String fingerprint(String id) {
        return null;
    }

    void steer(String id, String input);

    void sendKeys(String id, List<String> keys);

    void restart(String id);

    /** Removes finished sessions older than ttlSeconds; returns the ids reaped. */
    List<String> reapOlderThan(long ttlSeconds);

    /** Types text into a live worker, then presses Enter unless enter is false. */
    void send(String id, String text, boolean enter);

    /** Marks a worker as waiting for a human, with a note saying why. */
    void flag(String id, String note);

    void unflag(String id);

    /** Ends a worker for good: its state becomes killed and its terminal goes away. */
    void kill(String id);

    /** Removes every finished session now; returns the ids removed. */
    List<String> prune();
}
