package looop.gate;

/**
 * How hard a person pushes one beat past the gate: not at all, `--force`
 * (decide an unchanged world once), or `--now` (that, and past the backoff
 * of a world that failed: the person fixed the cause and wants the retry
 * now). Neither passes the budget or the hourly cap, which guard money.
 */
public enum Push {
    NONE, FORCE, NOW;

    /** force as the older boolean spelled it. */
    public static Push of(boolean force) {
        return force ? FORCE : NONE;
    }

    public boolean redecide() {
        return this != NONE;
    }

    public boolean pastBackoff() {
        return this == NOW;
    }
}
