package looop.io;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.TimeZone;

/**
 * The system clock in the system's time zone, as Clock.systemDefaultZone(),
 * but the zone is looked up only when asked for: java.time's zone rules cost
 * 10–20 ms to load (tzdb.dat, and a service lookup that opens every jar on
 * the classpath), and most one-shot commands stamp UTC times or never read
 * the clock at all. A log line's local time goes through {@link #offsetMillis},
 * which the JDK's older TimeZone answers from the same data at a third of the cost.
 */
public final class SystemClock extends Clock {
    public static final SystemClock INSTANCE = new SystemClock();

    private volatile ZoneId zone;

    private SystemClock() {}

    @Override
    public ZoneId getZone() {
        ZoneId z = zone;
        if (z == null) zone = z = ZoneId.systemDefault();
        return z;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.system(zone);
    }

    @Override
    public long millis() {
        return System.currentTimeMillis();
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }

    /** The system zone's offset from UTC at epochMillis, in milliseconds. */
    public static int offsetMillis(long epochMillis) {
        return TimeZone.getDefault().getOffset(epochMillis);
    }
}
