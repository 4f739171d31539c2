package looop.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one command gets beyond the policy, decided by looop itself (never by
 * config or by the AI): extra writable paths (the data dir's reports/, a
 * worker's own session dir), paths that must stay read-only whatever the write
 * list says (looop's config, PLAYBOOK.md, goals/, sensors/, the journal, the
 * ledgers, the bookkeeping), extra paths to hide (the tmux socket), paths to
 * keep visible read-only where the private /tmp would cover them (a data dir
 * under /tmp), and whether the command runs on a terminal a person uses.
 *
 * A writable grant at or under a protected path opens just that hole: that is
 * how a worker gets sessions/<own id>/ while sessions/ stays shut. The config's
 * write list cannot do that: protected paths beat it.
 *
 * bound puts another directory of looop's, writable, in place of a directory
 * (target → source): what is written there inside lands in the source, never
 * in the target (a worker's own branch ref, see looop.git.Worktrees).
 */
public record Grant(List<Path> writable, List<Path> protectedPaths, List<Path> hidden, List<Path> readable,
        boolean interactive, Map<Path, Path> bound) {
    public Grant {
        writable = List.copyOf(writable);
        protectedPaths = List.copyOf(protectedPaths);
        hidden = List.copyOf(hidden);
        readable = List.copyOf(readable);
        bound = Map.copyOf(bound);
    }

    /** Nothing beyond the policy. */
    public static Grant none() {
        return new Grant(List.of(), List.of(), List.of(), List.of(), false, Map.of());
    }

    public Grant write(List<Path> paths) {
        return new Grant(plus(writable, paths), protectedPaths, hidden, readable, interactive, bound);
    }

    public Grant protect(List<Path> paths) {
        return new Grant(writable, plus(protectedPaths, paths), hidden, readable, interactive, bound);
    }

    public Grant hide(List<Path> paths) {
        return new Grant(writable, protectedPaths, plus(hidden, paths), readable, interactive, bound);
    }

    public Grant read(List<Path> paths) {
        return new Grant(writable, protectedPaths, hidden, plus(readable, paths), interactive, bound);
    }

    /** Each target shows (and writes) its source instead: target → source. */
    public Grant bind(Map<Path, Path> sourceByTarget) {
        Map<Path, Path> all = new java.util.HashMap<>(bound);
        all.putAll(sourceByTarget);
        return new Grant(writable, protectedPaths, hidden, readable, interactive, all);
    }

    /**
     * For a worker's command in a tmux pane: it keeps the pane as its
     * controlling terminal (no new session), so Ctrl-C and job control work.
     */
    public Grant interactive(boolean on) {
        return new Grant(writable, protectedPaths, hidden, readable, on, bound);
    }

    private static List<Path> plus(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
