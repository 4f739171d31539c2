package looop.workers;

import java.time.Duration;
import java.util.Locale;

/**
 * What a live worker is doing, derived in one place (like {@link
 * SessionState}) from whether it waits for a person and how long its screen
 * has looked the same:
 *
 * <pre>
 * asking  it has a pending ask, or a flag: a person is to answer (wins over the rest:
 *         a worker waiting for an answer is quiet on purpose)
 * stuck   its screen has not changed for stuck_after (default 15 min)
 * idle    its screen has not changed for IDLE_AFTER
 * busy    its screen changed more recently (or looop has not looked at it yet)
 * </pre>
 *
 * Only stuck and asking enter the sys-sessions signal ({@link #signalled}):
 * those are the states the loop must act on, each entered once; busy and idle
 * swap with every pause an agent takes, and a signal that carried them would
 * wake the loop every beat.
 */
public enum Health {
    BUSY, IDLE, ASKING, STUCK;

    /** A screen this still is an agent between steps or waiting at its prompt, not yet a worry. */
    public static final Duration IDLE_AFTER = Duration.ofSeconds(60);

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }

    /** Whether this health is in the sys-sessions signal (see the class comment). */
    public boolean signalled() {
        return this == STUCK || this == ASKING;
    }

    /**
     * The one derivation. stillFor is how long the screen has looked the same
     * (null: never looked at); stuckAfter comes from stuck_after.
     */
    public static Health derive(boolean asking, Duration stillFor, Duration stuckAfter) {
        if (asking) return ASKING;
        if (stillFor == null) return BUSY;
        if (stillFor.compareTo(stuckAfter) >= 0) return STUCK;
        if (stillFor.compareTo(IDLE_AFTER) >= 0) return IDLE;
        return BUSY;
    }
}
