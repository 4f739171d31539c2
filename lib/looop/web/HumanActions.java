package looop.web;

import java.time.Instant;
import java.util.List;
import looop.io.UserError;

/**
 * What the page lets a person do besides looking: answer a pending ask and
 * tell a live worker something. The page holds no state of its own, so an
 * implementation goes through the same code as `looop answer` and `looop tell`
 * (journaled like any other answer or tell) and reads pending asks from where
 * those verbs keep them.
 */
public interface HumanActions {

    /** One open question: who asks, what, the allowed answers (empty = free text), since when. */
    record PendingAsk(String id, String question, List<String> options, Instant since) {
        public PendingAsk {
            options = options == null ? List.of() : List.copyOf(options);
        }
    }

    /** Whether asks and tells exist in this build at all; the page hides their boxes when not. */
    boolean available();

    List<PendingAsk> pending();

    /** Answers id's pending ask; returns the line to show. A refusal (no ask, not an option) is a UserError. */
    String answer(String id, String text);

    /** Queues text for live worker id; returns the line to show. A refusal (dead worker) is a UserError. */
    String tell(String id, String text);

    /** Until asks and tells are built in: nothing is pending, and both verbs say why they cannot run. */
    static HumanActions none() {
        return new HumanActions() {
            public boolean available() {
                return false;
            }

            public List<PendingAsk> pending() {
                return List.of();
            }

            public String answer(String id, String text) {
                throw unavailable();
            }

            public String tell(String id, String text) {
                throw unavailable();
            }

            private UserError unavailable() {
                return new UserError("asks and tells are not in this build yet; type into the worker with `looop send`");
            }
        };
    }
}
