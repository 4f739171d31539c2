package looop.git;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import looop.io.UserError;

/**
 * What a worker has on disk beyond its branch's tip (uncommitted edits, new
 * files), read the only way that trusts nothing the worker wrote: inside the
 * sandbox. Everything git reads there (the worktree's files and
 * .gitattributes, the worker's index, filters those attributes name) is the
 * worker's to shape, so git runs under a grant that writes nothing but its
 * private /tmp ({@link Confined}); what comes back is data for the person
 * to read, never a reason to delete or merge anything. Uncommitted changes
 * never land: `looop merge` refuses while there are any.
 *
 * <p>Inside, git gets the repo's common dir and the worktree as explicit
 * options (no .git file or commondir is followed) and a copy of the worker's
 * index in /tmp (a stat cache, so unchanged files are not hashed again), on
 * which new files are marked intent-to-add so the diff shows them.
 */
public final class WorktreeView {
    private WorktreeView() {}

    /** Runs argv (which reads the worktree w) confined; with the sandbox off, as it is. */
    @FunctionalInterface
    public interface Confined {
        List<String> wrap(Worktree w, List<String> argv);
    }

    /** The worktree's files against tip: the changed files, and the patch when asked. */
    public record Uncommitted(List<Diff.FileChange> files, String patch) {
        public boolean any() {
            return !files.isEmpty();
        }
    }

    private static final String SCRIPT = String.join("\n",
            "set -e",
            "t=$(mktemp -d)",
            // objects it writes (the empty blob of intent-to-add) go to /tmp; the repo's are read through alternates
            "mkdir \"$t/objects\"",
            "export GIT_INDEX_FILE=\"$t/index\" GIT_OBJECT_DIRECTORY=\"$t/objects\" GIT_ALTERNATE_OBJECT_DIRECTORIES=\"$COMMON/objects\""
                    + " GIT_OPTIONAL_LOCKS=0 LC_ALL=C",
            "g() { git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c core.pager=cat -c color.ui=false"
                    + " --git-dir=\"$COMMON\" --work-tree=\"$WT\" \"$@\"; }",
            "cd \"$WT\"",
            "cp -- \"$ADMIN/index\" \"$GIT_INDEX_FILE\" 2>/dev/null || g read-tree \"$TIP\"",
            "g add --intent-to-add -- . >/dev/null",
            "d() { g diff --no-ext-diff --no-textconv --no-renames \"$@\" \"$TIP\" --; }",
            "d --name-status -z; printf '\\0%s\\0' \"$SEP\"",
            "d --numstat -z; printf '\\0%s\\0' \"$SEP\"",
            "if [ \"$PATCH\" = 1 ]; then d; fi");

    /** What w has on disk that tip (its branch's commit) does not, read inside the sandbox. */
    public static Uncommitted of(Worktree w, String tip, boolean patch, Confined confined) {
        String sep = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        List<String> argv = new ArrayList<>(List.of("env", "COMMON=" + w.commonDir(), "WT=" + w.path(), "ADMIN=" + w.adminDir(),
                "TIP=" + tip, "SEP=" + sep, "PATCH=" + (patch ? "1" : "0"), "bash", "-c", SCRIPT));
        Git.Result r = Git.exec(confined.wrap(w, argv), Path.of("/"), Map.of());
        if (!r.ok()) throw new UserError("cannot read worker " + w.id() + "'s worktree " + w.path() + ": " + r.why());
        String[] parts = r.out().split("\0" + sep + "\0", -1);
        if (parts.length != 3) throw new UserError("cannot read worker " + w.id() + "'s worktree " + w.path() + ": unexpected output");
        return new Uncommitted(Diff.parse(parts[0], parts[1]), patch ? parts[2] : null);
    }
}
