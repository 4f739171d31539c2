package looop.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import looop.act.moves.ArchiveGoal;
import looop.act.moves.Move;
import looop.act.moves.WriteGoal;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Events;
import looop.profile.Paths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The goals as a person keeps them without an editor (and as `looop mcp`
 * offers them): list, write, archive. Writing and archiving are the very
 * moves the decider's write_goal and archive_goal are, so the same checks
 * hold (an id is a file name, no write through a link); events.jsonl records
 * each, as it records answers and tells (the journal is the pulse's).
 */
@Command(name = "goal", description = "The goals: ls, write <id> <text>, archive <id>.",
        subcommands = {GoalCommand.Ls.class, GoalCommand.Write.class, GoalCommand.Archive.class})
final class GoalCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        throw new UserError("say what to do: `looop goal ls`, `looop goal write <id> <text>` or `looop goal archive <id>`", 2);
    }

    /** Performs a goal move as the decider's would be, then records who did it. */
    void perform(Move move, String event, String id) {
        Paths paths = root.ctx.profile();
        move.perform(new looop.act.moves.Context(paths, null, Config.load(paths), root.ctx.clock()));
        new Events(paths, root.ctx.clock()).emit(event, Json.object().put("id", id).put("via", "cli"));
    }

    @Command(name = "ls", description = "The goals, one per line (--json: their ids and texts).")
    static final class Ls implements Callable<Integer> {
        @ParentCommand GoalCommand parent;

        public Integer call() {
            Paths paths = parent.root.ctx.profile();
            List<Path> goals = Fs.listFiles(paths.goals(), ".md");
            if (parent.root.json()) {
                var arr = Json.array();
                for (Path g : goals) arr.addObject().put("id", id(g)).put("body", Fs.readOr(g, ""));
                parent.root.printJson(arr);
                return 0;
            }
            if (goals.isEmpty()) parent.root.ctx.out().println("no goals");
            for (Path g : goals) parent.root.ctx.out().println(id(g) + "  " + title(Fs.readOr(g, "")));
            return 0;
        }

        private static String id(Path goal) {
            String name = goal.getFileName().toString();
            return name.substring(0, name.length() - ".md".length());
        }

        private static String title(String body) {
            for (String line : body.lines().toList()) if (!line.isBlank()) return line.replaceFirst("^#+\\s*", "");
            return "";
        }
    }

    @Command(name = "write", description = "Create or replace goals/<id>.md; - reads the text from stdin.")
    static final class Write implements Callable<Integer> {
        @ParentCommand GoalCommand parent;
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The goal, or - for stdin.") List<String> text;

        public Integer call() {
            Ids.check("goal id", id);
            String body = text.equals(List.of("-")) ? stdin() : String.join(" ", text);
            if (body.isBlank()) throw new UserError("an empty goal for " + id + "; give its text, or - to read it from stdin", 2);
            parent.perform(new WriteGoal(id, body), "goal_written", id);
            parent.root.ctx.out().println("wrote goals/" + id + ".md");
            return 0;
        }

        private String stdin() {
            try {
                return new String(parent.root.ctx.in().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Command(name = "archive", description = "Move goals/<id>.md to goals/archive/ (done or dropped).")
    static final class Archive implements Callable<Integer> {
        @ParentCommand GoalCommand parent;
        @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Goals.class) String id;

        public Integer call() {
            Ids.check("goal id", id);
            if (Fs.readOrNull(parent.root.ctx.profile().goals().resolve(id + ".md")) == null) {
                throw new UserError("there is no goal goals/" + id + ".md; `looop goal ls` lists them");
            }
            parent.perform(new ArchiveGoal(id), "goal_archived", id);
            parent.root.ctx.out().println("archived goals/" + id + ".md to goals/archive/");
            return 0;
        }
    }
}
