package looop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import looop.profile.Config;
import looop.io.FileMutex;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.profile.Paths;

/**
 * The durable outbox: at-least-once delivery of events to every channel that wants them.
 *
 * <pre>
 * outbox/&lt;event id&gt;.json   {"event":{…},"done":[channel keys],"attempts":N,"next_try":ISO,"last_error":"…","last_error_at":ISO}
 * outbox/delivered.jsonl   {"id","at","channels":[…]} per event finished (or "dropped": true after MAX_AGE)
 * outbox/.lock             held by the one process delivering right now
 * </pre>
 *
 * Recording is a file write and nothing else, so it never blocks or fails a
 * beat on a channel; an id already waiting or already delivered is not
 * recorded again (dedup by event id). Delivery is whoever calls deliver()
 * (the asker, the pulse): one process at a time, the others skip. An event
 * stays until every channel that wants it took it; each channel's success is
 * written down as it happens, so a channel that is down does not make the
 * others receive it twice. After a failure the event waits RETRY_FIRST,
 * doubling up to RETRY_MAX; an event undeliverable for MAX_AGE is dropped.
 */
public final class Outbox {
    static final Duration RETRY_FIRST = Duration.ofSeconds(5);
    static final Duration RETRY_MAX = Duration.ofMinutes(10);
    static final Duration MAX_AGE = Duration.ofDays(7);

    private final Paths paths;
    private final List<Channel> channels;
    private final Clock clock;
    private final FileMutex delivering;

    public Outbox(Paths paths, List<Channel> channels, Clock clock) {
        this.paths = paths;
        this.channels = List.copyOf(channels);
        this.clock = clock;
        this.delivering = new FileMutex(paths.outbox().resolve(".lock"));
    }

    /** The profile's outbox with the channels config (looop.json as the caller read it) and secrets.json list. */
    public static Outbox of(Paths paths, Config config, Clock clock) {
        return new Outbox(paths, Channels.load(paths, config), clock);
    }

    /** Records e for delivery; false when no channel wants it or it was recorded before. */
    public boolean record(Event e) {
        if (channels.stream().noneMatch(c -> c.wants(e.kind()))) return false;
        String id = Ids.check("event id", e.id());
        return new FileMutex(paths.outbox().resolve(".record-lock")).locked(() -> {
            if (Fs.readOrNull(file(id)) != null || deliveredIds().contains(id)) return false;
            ObjectNode entry = Json.object();
            entry.set("event", e.json());
            entry.putArray("done");
            entry.put("attempts", 0);
            entry.put("next_try", e.ts().toString());
            Fs.writeAtomic(file(id), Json.pretty(entry) + "\n");
            return true;
        });
    }

    /** What deliver() did. */
    public record Report(int delivered, int failed, int waiting) {}

    /**
     * Sends what is due, for at most budget; skipped (all zero) while another
     * process delivers. Never throws for a channel's failure: that is recorded.
     */
    public Report deliver(Duration budget) {
        int[] counts = new int[3];
        long stopAt = System.nanoTime() + budget.toNanos();
        boolean ran = delivering.tryLocked(() -> {
            Set<String> finished = deliveredIds();
            for (Path p : Fs.listFiles(paths.outbox(), ".json")) {
                if (System.nanoTime() >= stopAt) {
                    counts[2]++;
                    continue;
                }
                int r = deliverOne(p, finished);
                counts[r]++;
            }
        });
        return ran ? new Report(counts[0], counts[1], counts[2]) : new Report(0, 0, 0);
    }

    /** 0 delivered (or dropped), 1 failed now, 2 waiting for its retry time. */
    private int deliverOne(Path p, Set<String> finished) {
        JsonNode entry = Json.parseOrNull(Fs.readOr(p, ""));
        Event e = entry == null ? null : Event.fromJson(entry.get("event"));
        // not an entry looop wrote (nothing in it could be sent), or one finished by a run that crashed before deleting it
        if (e == null || finished.contains(e.id())) {
            Fs.delete(p);
            return 0;
        }
        Instant now = clock.instant();
        Instant next = instant(entry, "next_try", now);
        if (now.isBefore(next)) return 2;
        Set<String> done = new LinkedHashSet<>();
        entry.path("done").forEach(k -> done.add(k.asText()));
        String error = null;
        for (Channel c : channels) {
            if (!c.wants(e.kind()) || done.contains(c.key())) continue;
            try {
                c.send(e);
                done.add(c.key());
            } catch (DesktopChannel.Unavailable u) {
                done.add(c.key());
                error = u.getMessage();
            } catch (Exception x) {
                error = c.describe() + ": " + oneLine(x);
            }
        }
        boolean allDone = channels.stream().allMatch(c -> !c.wants(e.kind()) || done.contains(c.key()));
        boolean tooOld = !allDone && Duration.between(e.ts(), now).compareTo(MAX_AGE) > 0;
        ObjectNode updated = (ObjectNode) entry.deepCopy();
        var doneArray = updated.putArray("done");
        done.forEach(doneArray::add);
        if (error != null) {
            updated.put("last_error", error);
            updated.put("last_error_at", now.toString());
        }
        if (allDone || tooOld) {
            finish(e.id(), done, tooOld, now);
            return allDone && error == null ? 0 : 1;
        }
        int attempts = entry.path("attempts").asInt(0) + 1;
        updated.put("attempts", attempts);
        updated.put("next_try", now.plus(backoff(attempts)).toString());
        Fs.writeAtomic(p, Json.pretty(updated) + "\n");
        return 1;
    }

    private void finish(String id, Set<String> done, boolean dropped, Instant now) {
        ObjectNode line = Json.object().put("id", id).put("at", now.toString());
        var ch = line.putArray("channels");
        done.forEach(ch::add);
        if (dropped) line.put("dropped", true);
        // the index line first: a crash between the two leaves the entry, and record() and the next run both know it is done
        Fs.appendLine(index(), Json.canonical(line), true);
        Fs.delete(file(id));
    }

    static Duration backoff(int attempts) {
        Duration d = RETRY_FIRST.multipliedBy(1L << Math.min(attempts - 1, 20));
        return d.compareTo(RETRY_MAX) > 0 ? RETRY_MAX : d;
    }

    /** For status: how many events wait, and the newest error among them (null when none failed). */
    public record Backlog(int undelivered, String lastError, Instant lastErrorAt) {}

    public Backlog backlog() {
        return backlog(paths);
    }

    /** The backlog from the files alone: status needs no channels to show it. */
    public static Backlog backlog(Paths paths) {
        int n = 0;
        String err = null;
        Instant at = null;
        for (Path p : Fs.listFiles(paths.outbox(), ".json")) {
            JsonNode entry = Json.parseOrNull(Fs.readOr(p, ""));
            if (entry == null) continue;
            n++;
            Instant when = instant(entry, "last_error_at", null);
            if (when != null && (at == null || when.isAfter(at))) {
                at = when;
                err = Json.text(entry, "last_error");
            }
        }
        return new Backlog(n, err, at);
    }

    private Set<String> deliveredIds() {
        Set<String> ids = new HashSet<>();
        for (String line : Fs.readOr(index(), "").split("\n")) {
            String id = Json.text(Json.parseOrNull(line), "id");
            if (id != null) ids.add(id);
        }
        return ids;
    }

    private static String oneLine(Exception x) {
        String m = x.getMessage() == null ? x.getClass().getSimpleName() : x.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }

    private static Instant instant(JsonNode n, String field, Instant fallback) {
        String s = Json.text(n, field);
        try {
            return s == null ? fallback : Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return fallback;
        }
    }

    private Path file(String id) {
        return paths.outbox().resolve(id + ".json");
    }

    private Path index() {
        return paths.outbox().resolve("delivered.jsonl");
    }
}
