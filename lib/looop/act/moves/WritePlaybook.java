package looop.act.moves;

import java.util.List;
import looop.io.Fs;

/** Replaces PLAYBOOK.md (the whole text) with one atomic rename. */
public record WritePlaybook(String body) implements Move {
    public static final Kind<WritePlaybook> KIND = new Kind<>("write_playbook", List.of(Field.text("body")),
            a -> new WritePlaybook(a.str("body")), "replace PLAYBOOK.md (whole text)", "replaces PLAYBOOK.md");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        Fs.writeAtomic(ctx.target(ctx.paths.playbook()), Context.withNewline(body));
    }

    public Happened happened(Context ctx) {
        return Context.holds(ctx.paths.playbook(), Context.withNewline(body));
    }
}
