package looop.notify;

import java.nio.file.Path;
import java.time.Instant;
import looop.io.Fs;
import looop.profile.Paths;

/**
 * Counts beats failed in a row, in outbox/.beat-failures ("count start-ms"),
 * so "N in a row" holds across pulse restarts. A beat that succeeds ends the streak.
 */
public final class FailureStreak {
    private final Path file;

    public FailureStreak(Paths paths) {
        this.file = paths.outbox().resolve(".beat-failures");
    }

    /** Records one beat; returns the event to raise when this failure makes the streak exactly threshold long. */
    public Event beat(boolean ok, String reason, int threshold, Instant now) {
        if (ok) {
            if (Fs.readOrNull(file) != null) Fs.delete(file);
            return null;
        }
        String[] was = Fs.readOr(file, "").strip().split(" ");
        int count = 1;
        long start = now.toEpochMilli();
        if (was.length == 2) {
            try {
                count = Integer.parseInt(was[0]) + 1;
                start = Long.parseLong(was[1]);
            } catch (NumberFormatException e) {
                count = 1;
            }
        }
        Fs.writeAtomic(file, count + " " + start + "\n");
        return count == threshold ? Notices.beatFailed(count, reason, Instant.ofEpochMilli(start), now) : null;
    }
}
