package looop.schedule;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import looop.fast.Instants;
import looop.io.FileMutex;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Journal;
import looop.profile.Paths;

/**
 * The schedules of a profile, schedules/&lt;name&gt;.json, read with an
 * injected clock. Changes go under schedules/.lock: a person's `schedule`
 * command and the pulse's "acted" mark may meet.
 */
public final class Schedules {
    /** Finished one-shots older than this go when a new schedule is written, so the reading does not grow forever. */
    static final Duration KEEP_DONE = Duration.ofDays(1);
    /** A period shorter than this would wake the loop more often than a beat can run. */
    static final Duration MIN_EVERY = Duration.ofSeconds(1);

    private final Paths paths;
    private final Clock clock;
    private final FileMutex mutex;

    public Schedules(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
        this.mutex = new FileMutex(paths.schedules().resolve(".lock"));
    }

    public Instant now() {
        return clock.instant();
    }

    /** Sets a one-shot at the instant at (replacing any schedule of that name). */
    public Schedule addAt(String name, Instant at, String note) {
        return put(Schedule.once(checkName(name), at, cleanNote(note), clock.instant()));
    }

    public Schedule addIn(String name, Duration in, String note) {
        return addAt(name, clock.instant().plus(in), note);
    }

    public Schedule addEvery(String name, Duration every, String note) {
        if (every.compareTo(MIN_EVERY) < 0) throw new UserError("a recurring schedule needs a period of at least 1s, got " + looop.io.Durations.show(every), 2);
        return put(Schedule.recurring(checkName(name), every, cleanNote(note), clock.instant()));
    }

    private Schedule put(Schedule s) {
        mutex.locked(() -> {
            pruneDone();
            write(s);
        });
        return s;
    }

    /** Removes name; false when there is no such schedule. */
    public boolean remove(String name) {
        Path f = file(checkName(name));
        return mutex.locked(() -> {
            if (Fs.readOrNull(f) == null) return false;
            Fs.delete(f);
            return true;
        });
    }

    /** The schedule called name, or null. */
    public Schedule named(String name) {
        return Schedule.fromJson(Json.parseOrNull(Fs.readOr(file(checkName(name)), "")));
    }

    public List<Schedule> list() {
        List<Schedule> out = new ArrayList<>();
        for (Path p : Fs.listFiles(paths.schedules(), ".json")) {
            Schedule s = Schedule.fromJson(Json.parseOrNull(Fs.readOr(p, "")));
            if (s != null) out.add(s);
        }
        return out;
    }

    /** The schedules due now, by name. */
    public List<Schedule> due(Instant now) {
        List<Schedule> out = new ArrayList<>();
        for (Schedule s : list()) if (s.due(now)) out.add(s);
        return out;
    }

    /** The next instant any schedule's reading changes by itself, or null: the pulse sleeps no later than it. */
    public Instant nextChange(Instant now) {
        return nextChange(list(), now);
    }

    /** Loops, not streams: every beat reads the schedules (Fs.inNameOrder says why). */
    private static Instant nextChange(List<Schedule> schedules, Instant now) {
        Instant next = null;
        for (Schedule s : schedules) {
            Instant at = s.nextChange(now);
            if (at != null && (next == null || at.isBefore(next))) next = at;
        }
        return next;
    }

    /**
     * A beat acted on the world it read at senseTime: whatever was due then
     * is done (a one-shot) or done for its period (a recurring one).
     * Schedules that came due after senseTime are left for the next beat.
     */
    public List<String> acted(Instant senseTime) {
        return mutex.locked(() -> {
            List<String> marked = new ArrayList<>();
            for (Schedule s : list()) {
                if (!s.due(senseTime)) continue;
                write(s.actedAt(senseTime));
                marked.add(s.name());
            }
            return marked;
        });
    }

    /**
     * The sys-schedules reading. Its signal lists what reached its time: a
     * one-shot by name and at, a recurring one by name and current period.
     * So it changes exactly when a one-shot comes due or a period begins;
     * acting on one (done) changes only the detail, which holds the due
     * ones with their notes and how long they have been due.
     */
    public ObjectNode reading(Instant now) {
        ObjectNode v = Json.object();
        ArrayNode signal = v.putObject("signal").putArray("reached");
        ObjectNode detail = v.putObject("detail");
        ArrayNode due = detail.putArray("due");
        List<Schedule> all = list();
        for (Schedule s : all) {
            if (s.reached(now)) {
                ObjectNode r = signal.addObject().put("name", s.name());
                if (s.recurring()) r.put("period", s.period(now));
                else r.put("at", Instants.instant(s.at()));
            }
            if (s.due(now)) {
                due.addObject().put("name", s.name()).put("note", s.note()).put("kind", s.kind())
                        .put("due_s", Duration.between(s.dueSince(now), now).toSeconds());
            }
        }
        Instant next = nextChange(all, now);
        detail.put("next_change", next == null ? null : Instants.instant(next));
        detail.put("count", all.size());
        detail.put("sensed_at", Instants.instant(now));
        return v;
    }

    /**
     * A beat acted on the world its sys-schedules snapshot describes: what was
     * due when that snapshot was taken is acted on. Nothing without a snapshot.
     */
    public List<String> actedAsSensed(Path snapshot) {
        String at = Json.text(Json.parseOrNull(Fs.readOr(snapshot, "")) == null ? null
                : Json.parseOrNull(Fs.readOr(snapshot, "")).path("detail"), "sensed_at");
        if (at == null) return List.of();
        try {
            return acted(Instant.parse(at));
        } catch (DateTimeParseException e) {
            return List.of();
        }
    }

    /**
     * Reads --at: an ISO instant (2026-11-23T14:00:00Z), a local date and time
     * (2026-11-23T14:00 or "2026-11-23 14:00"), or a time of day (14:00: today,
     * or tomorrow once it has passed), in zone.
     */
    public static Instant parseAt(String flag, String text, Instant now, ZoneId zone) {
        String t = text == null ? "" : text.strip();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // not an instant; try the local forms
        }
        try {
            return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            // not a local date and time
        }
        try {
            LocalTime time = LocalTime.parse(t);
            LocalDate today = now.atZone(zone).toLocalDate();
            Instant at = today.atTime(time).atZone(zone).toInstant();
            return at.isAfter(now) ? at : today.plusDays(1).atTime(time).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new UserError("bad time for " + flag + ": '" + t.replaceAll("\\p{Cntrl}", "?")
                    + "'; use 14:00, 2026-11-23T14:00 or 2026-11-23T14:00:00Z", 2);
        }
    }

    private void pruneDone() {
        Instant cutoff = clock.instant().minus(KEEP_DONE);
        for (Schedule s : list()) {
            if (!s.recurring() && s.done() && s.at().isBefore(cutoff)) Fs.delete(file(s.name()));
        }
    }

    private static String checkName(String name) {
        return Ids.check("schedule name", name);
    }

    /** A note as stored: one line, null when blank. */
    public static String cleanNote(String note) {
        String n = note == null ? "" : Journal.oneLine(note);
        return n.isBlank() ? null : n;
    }

    private void write(Schedule s) {
        Fs.writeAtomic(file(s.name()), Json.pretty(s.json()) + "\n");
    }

    private Path file(String name) {
        return paths.schedules().resolve(name + ".json");
    }
}
