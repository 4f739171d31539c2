package looop.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import looop.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackoffTest {
    @TempDir Path dir;

    @Test
    void delayDoublesThenCaps() {
        assertEquals(0, Backoff.delaySeconds(0));
        assertEquals(60, Backoff.delaySeconds(1));
        assertEquals(120, Backoff.delaySeconds(2));
        assertEquals(240, Backoff.delaySeconds(3));
        assertEquals(3600, Backoff.delaySeconds(7));
        assertEquals(3600, Backoff.delaySeconds(1000));
    }

    @Test
    void windowIsMeasuredOnTheInjectedClock() {
        TestProfile p = new TestProfile(dir);
        Backoff b = new Backoff(p.paths.backoff(), p.clock);
        assertEquals(0, b.remaining("h1"));
        assertEquals(1, b.recordFailure("h1"));
        assertEquals(60, b.remaining("h1"));
        p.clock.advanceSeconds(59);
        assertEquals(1, b.remaining("h1"));
        p.clock.advanceSeconds(1);
        assertEquals(0, b.remaining("h1"));
        assertEquals(2, b.recordFailure("h1"));
        assertEquals(120, b.remaining("h1"));
        assertEquals(0, b.remaining("other"), "a different world is tried at once");
    }

    @Test
    void newHashResetsCountAndClearRemoves() {
        TestProfile p = new TestProfile(dir);
        Backoff b = new Backoff(p.paths.backoff(), p.clock);
        b.recordFailure("h1");
        b.recordFailure("h1");
        assertEquals(1, b.recordFailure("h2"));
        b.clear();
        assertNull(b.read());
        assertNull(p.read(".tick-backoff"));
    }
}
