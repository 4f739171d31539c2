package looop.act.moves;

import java.util.List;
import looop.io.Fs;

/** Replaces PLAYBOOK.md (the whole text) with one atomic rename, keeping the old one in playbook.d/. */
public record WritePlaybook(String body) implements Move {
    public static final Kind<WritePlaybook> KIND = new Kind<>("write_playbook", List.of(Field.text("body")),
            a -> new WritePlaybook(a.str("body")), "replace PLAYBOOK.md (whole text)", "replaces PLAYBOOK.md");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        java.nio.file.Path target = ctx.target(ctx.paths.playbook());
        new looop.act.PlaybookHistory(ctx.paths, ctx.clock).keepBefore(Context.withNewline(body)); // playbook.d/: the policy's history
        Fs.writeAtomic(target, Context.withNewline(body));
    }

    public Happened happened(Context ctx) {
        return Context.holds(ctx.paths.playbook(), Context.withNewline(body));
    }
}
