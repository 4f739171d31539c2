package looop.workers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import looop.io.Ansi;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.CliScreens;
import looop.profile.Paths;

/**
 * When each worker's screen last changed, kept in sessions/&lt;id&gt;/screen as
 * {"hash", "changed_ms", "looked_ms"}: a hash of what the screen showed at the
 * last look, when a look first saw it so, and when looop last looked; while
 * the screen is one its CLI waits on a person at, also "blocked_on" (what it
 * asks, looop.profile.CliScreens) and "blocked_ms" (when the looks began to
 * see it: one blocked episode, one notification). Nobody
 * watches in the background: whoever looks anyway (the beat's sensing, `ls`,
 * `status`, the web page) records its look here, so the change time is as
 * fine as the looks are frequent, and it outlives every process. Two lookers
 * at once may each replace the file; the later one wins, which moves the
 * change time by at most the time between their looks.
 */
public final class Screens {
    /**
     * One record: the screen's hash, when it became that, when it was last
     * looked at (epoch millis); what it asks of a person and since when (null, 0: nothing).
     */
    public record Seen(String hash, long changedMillis, long lookedMillis, String blockedOn, long blockedMillis) {
        public Seen(String hash, long changedMillis, long lookedMillis) {
            this(hash, changedMillis, lookedMillis, null, 0);
        }
    }

    /** What a look tells: how long the screen has looked the same (null: never looked at), and the blocked episode if any. */
    public record Look(Duration stillFor, String blockedOn, long blockedMillis) {}

    private final Paths paths;
    private final Clock clock;

    public Screens(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    /**
     * Records a look at id's screen (fingerprint: what it shows, text and
     * cursor) and returns how long it has looked the same; null fingerprint
     * (the screen could not be read) records nothing and returns what is on file.
     */
    public Duration look(String id, String fingerprint) {
        return look(id, fingerprint, null).stillFor();
    }

    /**
     * The same, and whether the screen is one of cli's that wait on a person
     * (cli: a preset's name, or null for none); a blocked episode goes on
     * while the looks keep seeing the same screen. An unreadable screen
     * records nothing and returns what is on file.
     */
    public Look look(String id, String fingerprint, String cli) {
        Seen last = read(id);
        if (fingerprint == null) return last == null ? new Look(null, null, 0) : new Look(stillFor(last), last.blockedOn(), last.blockedMillis());
        String hash = hash(fingerprint);
        long now = clock.millis();
        long changed = last != null && last.hash().equals(hash) ? last.changedMillis() : now;
        String on = CliScreens.blockedOn(cli, Ansi.strip(fingerprint));
        long since = on == null ? 0 : last != null && on.equals(last.blockedOn()) ? last.blockedMillis() : now;
        Seen seen = new Seen(hash, changed, now, on, since);
        write(id, seen);
        return new Look(stillFor(seen), on, since);
    }

    /** How long the screen has looked the same as of now, by the looks on file; null when never looked at. */
    private Duration stillFor(Seen seen) {
        return seen == null ? null : Duration.ofMillis(Math.max(0, clock.millis() - seen.changedMillis()));
    }

    /** The record on file, or null when there is none (or it is not one looop wrote). */
    public Seen read(String id) {
        JsonNode n = Json.parseOrNull(Fs.readOr(SessionFiles.of(paths, id).screen(), ""));
        if (n == null || !n.path("hash").isTextual() || !n.path("changed_ms").isIntegralNumber()) return null;
        String on = n.path("blocked_on").isTextual() ? n.get("blocked_on").asText() : null;
        return new Seen(n.get("hash").asText(), n.get("changed_ms").asLong(), n.path("looked_ms").asLong(), on, on == null ? 0 : n.path("blocked_ms").asLong());
    }

    private void write(String id, Seen s) {
        SessionFiles f = SessionFiles.of(paths, id);
        if (!f.exists()) return; // reaped between the listing and the look
        var o = Json.object().put("hash", s.hash()).put("changed_ms", s.changedMillis()).put("looked_ms", s.lookedMillis());
        if (s.blockedOn() != null) o.put("blocked_on", s.blockedOn()).put("blocked_ms", s.blockedMillis());
        String text = Json.canonical(o);
        // scratch: a lost look only makes the next one start the clock again
        Fs.writeScratch(f.screen(), (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A screen is a few KiB: its SHA-256 keeps the file small and says nothing of what the worker showed. */
    static String hash(String fingerprint) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(fingerprint.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
