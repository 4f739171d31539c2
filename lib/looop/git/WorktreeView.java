package looop.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import looop.io.Fs;
import looop.io.UserError;

/**
 * Looks at a worker's worktree, files as they are on disk (committed,
 * uncommitted and new files alike), without trusting anything the worker can
 * write and without changing anything it uses.
 *
 * <p>git runs unsandboxed here, so it must not read the worktree's .git file
 * or its admin dir's commondir (a worker could point either at a repo of its
 * own whose config runs commands): it gets the repo's common dir and the
 * worktree as explicit options instead. It gets a scratch copy of the
 * worker's index too, so new files can be marked intent-to-add (which writes
 * no blobs) for the diff to show them, while the worker's own index stays as
 * it was. The copy is only a stat cache: a forged one could at worst hide an
 * uncommitted change from the diff, and uncommitted changes never land.
 */
public final class WorktreeView implements AutoCloseable {
    private final Worktree w;
    private final Path scratch;

    private WorktreeView(Worktree w, Path scratch) {
        this.w = w;
        this.scratch = scratch;
    }

    /** A view of w's files now; close it to drop the scratch index. */
    public static WorktreeView of(Worktree w) {
        Path dir = tempDir();
        WorktreeView v = new WorktreeView(w, dir);
        try {
            v.seedIndex();
            v.markNewFiles();
            return v;
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
    }

    /** git with the view's index, the repo's common dir and the worktree; args after the global options. */
    public Git.Result git(String... args) {
        List<String> argv = new ArrayList<>(List.of("--git-dir=" + w.commonDir(), "--work-tree=" + w.path()));
        argv.addAll(List.of(args));
        return Git.run(w.path(), Map.of("GIT_INDEX_FILE", index().toString()), argv);
    }

    /** Whether the files on disk differ from rev (a commit). */
    public boolean differsFrom(String rev) {
        Git.Result r = git("diff", "--quiet", "--no-ext-diff", "--no-textconv", "--end-of-options", rev);
        if (r.code() > 1) throw unreadable(r);
        return r.code() == 1;
    }

    private Path index() {
        return scratch.resolve("index");
    }

    // The worker's index as the start: its stat cache spares hashing every file again.
    private void seedIndex() {
        Path own = w.adminDir().resolve("index");
        try {
            if (Files.isRegularFile(own)) Files.copy(own, index(), StandardCopyOption.REPLACE_EXISTING);
            else must(git("read-tree", w.ref()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void markNewFiles() {
        must(git("add", "--intent-to-add", "--", "."));
    }

    private Git.Result must(Git.Result r) {
        if (!r.ok()) throw unreadable(r);
        return r;
    }

    private UserError unreadable(Git.Result r) {
        return new UserError("cannot read worker " + w.id() + "'s worktree " + w.path() + ": " + r.why());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("looop-view-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        Fs.deleteTree(scratch);
    }
}
