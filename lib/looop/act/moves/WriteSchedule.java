package looop.act.moves;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import looop.io.Durations;
import looop.io.UserError;
import looop.schedule.Schedule;
import looop.schedule.Schedules;

/**
 * Sets (or replaces) schedules/<name>.json so the loop wakes itself later:
 * exactly one of at (a time), in_s (seconds from now) or every_s (a period).
 */
public record WriteSchedule(String name, String at, Duration in, Duration every, String note) implements Move {
    public static final Kind<WriteSchedule> KIND = new Kind<>("write_schedule",
            List.of(Field.id("name", "schedule name"), Field.optional("at"), Field.seconds("in_s"), Field.seconds("every_s"),
                    Field.optional("note")),
            a -> of(a.str("name"), a.str("at"), a.seconds("in_s"), a.seconds("every_s"), a.str("note")),
            "wake the loop later; exactly one of at (14:00 or an ISO time), in_s or every_s; note: what to do then",
            "writes it; schedules/<name>.json, one-shot or recurring, wakes the loop through sys-schedules when due");

    /** Exactly one "when", and an at that reads as a time: a decision is refused before it runs, not half-way. */
    static WriteSchedule of(String name, String at, Duration in, Duration every, String note) {
        long given = java.util.stream.Stream.of(at, in, every).filter(Objects::nonNull).count();
        if (given != 1) throw new UserError("write_schedule needs exactly one of \"at\", \"in_s\" or \"every_s\", got " + given);
        if (at != null) Schedules.parseAt("at", at, Instant.EPOCH, ZoneId.systemDefault());
        return new WriteSchedule(name, at, in, every, note);
    }

    public Kind<?> kind() {
        return KIND;
    }

    public String id() {
        return name;
    }

    public void perform(Context ctx) {
        ctx.target(ctx.paths.schedules().resolve(name + ".json"));
        Schedules s = new Schedules(ctx.paths, ctx.clock);
        if (every != null) s.addEvery(name, every, note);
        else if (in != null) s.addIn(name, in, note);
        else s.addAt(name, Schedules.parseAt("at", at, s.now(), ZoneId.systemDefault()), note);
    }

    /** Whether schedules/<name>.json is this schedule: same kind, note and time (in_s: at minus the time it was written). */
    public Happened happened(Context ctx) {
        Schedule s = new Schedules(ctx.paths, ctx.clock).named(name);
        if (s == null || !Objects.equals(s.note(), Schedules.cleanNote(note))) return Happened.NO;
        boolean same = every != null ? s.recurring() && s.every().equals(every)
                : !s.recurring() && s.at().equals(in != null ? s.created().plus(in)
                        : Schedules.parseAt("at", at, s.created(), ZoneId.systemDefault()));
        return same ? Happened.YES : Happened.NO;
    }

    public String summary() {
        String when = every != null ? "every " + Durations.show(every) : in != null ? "in " + Durations.show(in) : "at " + at;
        return label() + ": " + when + (note == null || note.isBlank() ? "" : " · " + Context.shown(note));
    }
}
