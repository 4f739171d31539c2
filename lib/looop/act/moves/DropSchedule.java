package looop.act.moves;

import java.util.List;
import looop.io.UserError;
import looop.schedule.Schedules;

/** Removes schedules/<name>.json: the loop no longer wakes for it. */
public record DropSchedule(String name) implements Move {
    public static final Kind<DropSchedule> KIND = new Kind<>("drop_schedule", List.of(Field.id("name", "schedule name")),
            a -> new DropSchedule(a.str("name")), "remove schedule <name>; due or not, it wakes the loop no more",
            "removes schedules/<name>.json");

    public Kind<?> kind() {
        return KIND;
    }

    public String id() {
        return name;
    }

    public void perform(Context ctx) {
        ctx.target(ctx.paths.schedules().resolve(name + ".json"));
        if (!new Schedules(ctx.paths, ctx.clock).remove(name)) {
            throw new UserError("there is no schedule '" + name + "'; drop only one that exists");
        }
    }

    public Happened happened(Context ctx) {
        return new Schedules(ctx.paths, ctx.clock).named(name) == null ? Happened.YES : Happened.NO;
    }
}
