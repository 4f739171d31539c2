package looop.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import looop.io.Durations;
import looop.io.Json;
import looop.io.UserError;
import looop.schedule.Schedule;
import looop.schedule.Schedules;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "schedule", description = "Wake the loop at a time: add, ls, rm.",
        subcommands = {ScheduleCommand.Add.class, ScheduleCommand.Ls.class, ScheduleCommand.Rm.class})
final class ScheduleCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        throw new UserError("say what to do: `looop schedule add <name> --in 30m --note …`, `looop schedule ls` or `looop schedule rm <name>`", 2);
    }

    Schedules schedules() {
        return new Schedules(root.ctx.profile(), root.ctx.clock());
    }

    static final class When {
        @Option(names = "--at", paramLabel = "TIME", description = "14:00, 2026-11-23T14:00 or an ISO instant.") String at;
        @Option(names = "--in", paramLabel = "DUR", description = "From now, e.g. 30m.") String in;
        @Option(names = "--every", paramLabel = "DUR", description = "Recurring, first one interval from now.") String every;
    }

    @Command(name = "add", description = "Add (or replace) a schedule.")
    static final class Add implements Callable<Integer> {
        @ParentCommand ScheduleCommand parent;
        @Parameters(paramLabel = "NAME") String name;
        @ArgGroup(exclusive = true, multiplicity = "1") When when;
        @Option(names = "--note", paramLabel = "TEXT", description = "What to do then: the decider reads it.") String note;

        public Integer call() {
            Schedules s = parent.schedules();
            Schedule made;
            if (when.every != null) made = s.addEvery(name, Durations.parse("--every", when.every), note);
            else if (when.in != null) made = s.addIn(name, Durations.parse("--in", when.in), note);
            else made = s.addAt(name, Schedules.parseAt("--at", when.at, s.now(), ZoneId.systemDefault()), note);
            parent.root.ctx.out().println("scheduled " + made.name() + ": " + describe(made, s.now()));
            return 0;
        }
    }

    @Command(name = "ls", description = "The schedules, with their state and next time.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand ScheduleCommand parent;

        public Integer call() {
            Schedules s = parent.schedules();
            Instant now = s.now();
            if (parent.root.json()) {
                var arr = Json.array();
                for (Schedule x : s.list()) arr.add(x.json().put("state", x.state(now)));
                parent.root.printJson(arr);
                return 0;
            }
            if (s.list().isEmpty()) parent.root.ctx.out().println("no schedules");
            for (Schedule x : s.list()) {
                parent.root.ctx.out().println(x.name() + "  " + x.state(now) + "  " + describe(x, now) + (x.note() == null ? "" : "  " + x.note()));
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove a schedule.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand ScheduleCommand parent;
        @Parameters(paramLabel = "NAME") String name;

        public Integer call() {
            if (!parent.schedules().remove(name)) throw new UserError("no schedule '" + name + "'; `looop schedule ls` lists them");
            parent.root.ctx.out().println("removed " + name);
            return 0;
        }
    }

    static String describe(Schedule s, Instant now) {
        return s.describe(now);
    }
}
