package looop.workers;

import java.time.Duration;

/**
 * What a live worker is doing, derived in one place (like {@link
 * SessionState}) from whether it waits for a person, what its screen shows
 * and how long its screen has looked the same:
 *
 * <pre>
 * asking   it has a pending ask, or a flag: a person is to answer (wins over the rest:
 *          a worker waiting for an answer is quiet on purpose)
 * blocked  its screen is one its CLI stops at until a person answers (a first-run or
 *          trust dialog, a permission prompt, login, a usage limit: looop.profile.CliScreens),
 *          with blockedOn saying what the screen asks
 * stuck    its screen has not changed for stuck_after (default 15 min)
 * idle     its screen has not changed for IDLE_AFTER
 * busy     its screen changed more recently (or looop has not looked at it yet)
 * </pre>
 *
 * Only stuck, blocked and asking enter the sys-sessions signal ({@link
 * #signalled}): those are the states the loop must act on, each entered once;
 * busy and idle swap with every pause an agent takes, and a signal that
 * carried them would wake the loop every beat.
 *
 * @param word      busy, idle, asking, blocked or stuck
 * @param blockedOn what the screen asks, only when blocked
 */
public record Health(String word, String blockedOn) {
    public static final Health BUSY = new Health("busy", null);
    public static final Health IDLE = new Health("idle", null);
    public static final Health ASKING = new Health("asking", null);
    public static final Health STUCK = new Health("stuck", null);
    public static final String BLOCKED = "blocked";

    /** A screen this still is an agent between steps or waiting at its prompt, not yet a worry. */
    public static final Duration IDLE_AFTER = Duration.ofSeconds(60);

    public static Health blocked(String on) {
        return new Health(BLOCKED, on);
    }

    public boolean isBlocked() {
        return BLOCKED.equals(word);
    }

    @Override
    public String toString() {
        return isBlocked() ? word + " (" + blockedOn + ")" : word;
    }

    /** Whether this health is in the sys-sessions signal (see the class comment). */
    public boolean signalled() {
        return this.equals(STUCK) || this.equals(ASKING) || isBlocked();
    }

    /**
     * The one derivation. blockedOn is what the screen asks (null: nothing);
     * stillFor is how long the screen has looked the same (null: never looked
     * at); stuckAfter comes from stuck_after.
     */
    public static Health derive(boolean asking, String blockedOn, Duration stillFor, Duration stuckAfter) {
        if (asking) return ASKING;
        if (blockedOn != null) return blocked(blockedOn);
        if (stillFor == null) return BUSY;
        if (stillFor.compareTo(stuckAfter) >= 0) return STUCK;
        if (stillFor.compareTo(IDLE_AFTER) >= 0) return IDLE;
        return BUSY;
    }

    public static Health derive(boolean asking, Duration stillFor, Duration stuckAfter) {
        return derive(asking, null, stillFor, stuckAfter);
    }
}
