package looop.act.moves;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import looop.io.Fs;
import looop.io.UserError;

/** Moves goals/<id>.md to goals/archive/; an earlier archive entry of the same id is replaced, as a rewrite would be. */
public record ArchiveGoal(String id) implements Move {
    public static final Kind<ArchiveGoal> KIND = new Kind<>("archive_goal", List.of(Field.id("id", "goal id")),
            a -> new ArchiveGoal(a.str("id")), "move goals/<id>.md to goals/archive/ (done or dropped)",
            "moves it to goals/archive/<id>.md");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        Path from = ctx.target(ctx.paths.goals().resolve(id + ".md"));
        Path to = ctx.target(ctx.paths.goalArchive().resolve(id + ".md"));
        if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserError("there is no goal goals/" + id + ".md; archive only a goal listed under === GOALS ===");
        }
        try {
            Fs.mkdirs(to.getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fs.syncDir(to.getParent());
            Fs.syncDir(from.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Happened happened(Context ctx) {
        boolean moved = !Files.exists(ctx.paths.goals().resolve(id + ".md"), LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(ctx.paths.goalArchive().resolve(id + ".md"), LinkOption.NOFOLLOW_LINKS);
        return moved ? Happened.YES : Happened.NO;
    }

    public boolean goalActivity() {
        return true;
    }
}
