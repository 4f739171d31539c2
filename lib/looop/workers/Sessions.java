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

    /** One worker as the loop sees it: its state derived by {@link SessionState}, its exit code only once it exited. */
    /** A session as the files and tmux say it is; in id order. */
    record Info(String id, SessionState state, Integer exitCode, String note) implements Comparable<Info> {
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
