package looop;

import java.time.Clock;
import java.util.List;

/** The informers: user sensor scripts and the in-process system sensors. */
public final class Sensors {
    /** One snapshot file: its name under snapshots/ (e.g. sensor-today.json) and the exact text written. */
    public record Reading(String file, String text) {}

    public Sensors(Paths paths, Sessions sessions, Clock clock) {
        throw new UnsupportedOperationException("todo");
    }

    /** Wipes snapshots/, runs every sensor, writes every snapshot; returns the readings sorted by file name. */
    public List<Reading> senseAll() {
        throw new UnsupportedOperationException("todo");
    }
}
