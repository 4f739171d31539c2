package looop;

import java.time.Clock;

/** looop's hands: executes one validated decision, stamps goal activity, writes the journal line. */
public final class Executor {
    /** What a move did: the action, looop's own summary, and the journal line it wrote. */
    public record Move(String action, String summary, String journalLine, Integer nextIntervalS) {}

    public Executor(Paths paths, Sessions sessions, Clock clock) {
        throw new UnsupportedOperationException("todo");
    }

    /** Executes d; a failed move throws UserError and writes no journal line. */
    public Move act(Decision d) {
        throw new UnsupportedOperationException("todo");
    }
}
