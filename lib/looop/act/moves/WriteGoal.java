package looop.act.moves;

import java.nio.file.Path;
import java.util.List;
import looop.io.Fs;

/** Creates or replaces goals/<id>.md with one atomic rename. */
public record WriteGoal(String id, String body) implements Move {
    public static final Kind<WriteGoal> KIND = new Kind<>("write_goal", List.of(Field.id("id", "goal id"), Field.text("body")),
            a -> new WriteGoal(a.str("id"), a.str("body")), "create or replace goals/<id>.md", "writes goals/<id>.md");

    public Kind<?> kind() {
        return KIND;
    }

    private Path file(Context ctx) {
        return ctx.paths.goals().resolve(id + ".md");
    }

    public void perform(Context ctx) {
        Fs.writeAtomic(ctx.target(file(ctx)), Context.withNewline(body));
    }

    public Happened happened(Context ctx) {
        return Context.holds(file(ctx), Context.withNewline(body));
    }

    public boolean goalActivity() {
        return true;
    }
}
