package looop.human;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a worker is idle: its screen unchanged for a settle, judged from
 * the looks a poller takes anyway, so asking never blocks. The first look at
 * a worker only starts the clock.
 */
final class IdleWatch {
    private record Seen(String fingerprint, long sinceMillis) {}

    private final Clock clock;
    private final Duration settle;
    private final Map<String, Seen> seen = new HashMap<>();

    IdleWatch(Clock clock, Duration settle) {
        this.clock = clock;
        this.settle = settle;
    }

    /** Records this look at worker's screen; true when it has looked the same for settle. */
    boolean idle(String worker, String fingerprint) {
        long now = clock.millis();
        if (fingerprint == null) {
            seen.remove(worker);
            return false;
        }
        Seen last = seen.get(worker);
        if (last == null || !last.fingerprint.equals(fingerprint)) {
            seen.put(worker, new Seen(fingerprint, now));
            return false;
        }
        return now - last.sinceMillis >= settle.toMillis();
    }

    /** After typing, the screen is about to change: start over. */
    void forget(String worker) {
        seen.remove(worker);
    }
}
