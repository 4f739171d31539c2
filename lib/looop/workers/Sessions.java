package looop.workers;

import java.util.List;
import looop.io.UserError;

/**
 * Worker sessions: agents running detached in real terminals. The beat and the
 * executor only see this interface; the terminal engine lives behind it.
 */
public interface Sessions {

    /** One worker as the loop sees it. state is starting, running, exited or killed. */
    record Info(String id, String state, Integer exitCode, String note) {
        public boolean alive() {
            return state.equals("starting") || state.equals("running");
        }
    }

    /** Every worker the profile knows of, sorted by id. */
    List<Info> list();

    default boolean isAlive(String id) {
        return list().stream().anyMatch(s -> s.id().equals(id) && s.alive());
    }

    void start(String id, String prompt, String runner);

    /** Starts worker id in a git worktree of its own of repo, from base (null: the checkout's HEAD); repo null: as above. */
    default void start(String id, String prompt, String runner, java.nio.file.Path repo, String base) {
        if (repo != null) throw new UserError("workers with a repo need the tmux engine; this one cannot give a worker a worktree");
        start(id, prompt, runner);
    }

    void steer(String id, String input);

    void sendKeys(String id, List<String> keys);

    void restart(String id);

    /** Removes finished sessions older than ttlSeconds; returns the ids reaped. */
    List<String> reapOlderThan(long ttlSeconds);

    // The verbs below serve people and workers (send, _ flag, _ kill, prune);
    // the beat never calls them, so an engine without terminals need not have them.

    /** Types text into a live worker, then presses Enter unless enter is false. */
    default void send(String id, String text, boolean enter) {
        throw unavailable();
    }

    /** Marks a worker as waiting for a human, with a note saying why. */
    default void flag(String id, String note) {
        throw unavailable();
    }

    default void unflag(String id) {
        throw unavailable();
    }

    /** Ends a worker for good: its state becomes killed and its terminal goes away. */
    default void kill(String id) {
        throw unavailable();
    }

    /** Removes every finished session now; returns the ids removed. */
    default List<String> prune() {
        throw unavailable();
    }

    private static UserError unavailable() {
        return new UserError("worker sessions are not available in this build (no terminal engine yet); use run_shell or write_goal instead");
    }

    /** Until a terminal engine is wired in: no workers exist, and every worker move fails clearly. */
    static Sessions none() {
        return new Sessions() {
            public List<Info> list() {
                return List.of();
            }

            public void start(String id, String prompt, String runner) {
                throw unavailable();
            }

            public void steer(String id, String input) {
                throw unavailable();
            }

            public void sendKeys(String id, List<String> keys) {
                throw unavailable();
            }

            public void restart(String id) {
                throw unavailable();
            }

            public List<String> reapOlderThan(long ttlSeconds) {
                return List.of();
            }
        };
    }
}
