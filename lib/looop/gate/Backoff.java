// A module of its own: a script can pull it in with //SOURCES <checkout>/lib/looop/gate/Backoff.java
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//SOURCES ../io/Fs.java ../io/Json.java
package looop.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import looop.io.Fs;
import looop.io.Json;

/**
 * Retry pacing for a world that keeps failing: after n failures at the same
 * world hash wait 60 s × 2^(n−1), capped at an hour. A different hash is a new
 * situation and gets an immediate try. State lives in one small JSON file
 * (looop's is .tick-backoff in the data dir), read and written whole.
 */
public final class Backoff {
    static final long BASE_SECONDS = 60;
    static final long CAP_SECONDS = 3600;

    private final Path stateFile;
    private final Clock clock;

    /** A backoff kept in stateFile (absent: nothing failed), timed by clock. */
    public Backoff(Path stateFile, Clock clock) {
        this.stateFile = stateFile;
        this.clock = clock;
    }

    /** The state: which hash failed, how many times in a row, and when last. */
    public record State(String hash, int fails, long lastFailUnix) {}

    public static long delaySeconds(int fails) {
        if (fails <= 0) return 0;
        int shift = Math.min(fails - 1, 20);
        return Math.min(BASE_SECONDS << shift, CAP_SECONDS);
    }

    public State read() {
        JsonNode n = Json.parseOrNull(Fs.readOr(stateFile, ""));
        if (n == null || !n.hasNonNull("hash")) return null;
        return new State(n.get("hash").asText(), n.path("fails").asInt(0), n.path("ts").asLong(0));
    }

    /** Seconds still to wait before trying this hash again; 0 when free to try. */
    public long remaining(String hash) {
        State s = read();
        if (s == null || !s.hash().equals(hash)) return 0;
        long elapsed = Math.max(0, clock.instant().getEpochSecond() - s.lastFailUnix());
        return Math.max(0, delaySeconds(s.fails()) - elapsed);
    }

    public int fails(String hash) {
        State s = read();
        return s != null && s.hash().equals(hash) ? s.fails() : 0;
    }

    /** Records one more failure at hash; returns the consecutive count. */
    public int recordFailure(String hash) {
        int fails = fails(hash) + 1;
        ObjectNode n = Json.object();
        n.put("hash", hash);
        n.put("fails", fails);
        n.put("ts", clock.instant().getEpochSecond());
        Fs.writeAtomic(stateFile, Json.canonical(n) + "\n");
        return fails;
    }

    public void clear() {
        Fs.delete(stateFile);
    }
}
