package looop.git;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import looop.io.Json;

/**
 * What a worker changed against its base, in two parts that are never mixed:
 * its branch (base..tip, read from the commits alone: exactly what `looop
 * merge` lands) and what it has on disk beyond that (read inside the
 * sandbox, shown apart, never merged). patch is null unless it was asked for.
 *
 * @param files       the branch's changes, base..tip
 * @param reviewFirst what a person should look at before anything else (new executables, git attributes, CI, …)
 * @param uncommitted the worktree beyond the tip, or null when it was not read (worktree gone, branch gone)
 */
public record Diff(Worktree worktree, int commits, List<FileChange> files, List<String> reviewFirst, String stat, String patch,
        WorktreeView.Uncommitted uncommitted) {

    /**
     * One changed file. added/deleted are null for a binary file (git counts
     * no lines there); size is the new (or, deleted, the old) blob's size in
     * bytes, known for binary files; modes are git's ("100755"), null when
     * not known.
     */
    public record FileChange(String path, String status, Integer added, Integer deleted, String oldMode, String newMode, Long size) {
        public FileChange(String path, String status, Integer added, Integer deleted) {
            this(path, status, added, deleted, null, null, null);
        }

        public boolean binary() {
            return added == null;
        }

        /** How the stat names it: a binary file with its size, as git's own stat would only say "Bin". */
        public String shown() {
            return binary() ? path + " (binary" + (size == null ? "" : ", " + size + " bytes") + ")" : path;
        }
    }

    public boolean changed() {
        return !files.isEmpty() || commits > 0 || hasUncommitted();
    }

    public boolean hasUncommitted() {
        return uncommitted != null && uncommitted.any();
    }

    public int insertions() {
        return files.stream().mapToInt(f -> f.added() == null ? 0 : f.added()).sum();
    }

    public int deletions() {
        return files.stream().mapToInt(f -> f.deleted() == null ? 0 : f.deleted()).sum();
    }

    public ObjectNode json() {
        Worktree w = worktree;
        ObjectNode o = Json.object();
        o.put("id", w.id());
        o.put("repo", w.repo().toString());
        o.put("branch", w.branch());
        o.put("base_ref", w.baseRef());
        o.put("base", w.base());
        o.put("worktree", w.path().toString());
        o.put("changed", changed());
        o.put("commits", commits);
        o.put("uncommitted", hasUncommitted());
        o.put("insertions", insertions());
        o.put("deletions", deletions());
        o.set("review_first", Json.array(reviewFirst));
        files(o.putArray("files"), files);
        if (uncommitted != null) files(o.putArray("uncommitted_files"), uncommitted.files());
        if (patch != null) o.put("patch", patch);
        if (uncommitted != null && uncommitted.patch() != null) o.put("uncommitted_patch", uncommitted.patch());
        return o;
    }

    private static void files(ArrayNode list, List<FileChange> files) {
        for (FileChange f : files) {
            ObjectNode e = list.addObject();
            e.put("path", f.path());
            e.put("status", f.status());
            e.put("added", f.added());
            e.put("deleted", f.deleted());
            e.put("binary", f.binary());
            if (f.size() != null) e.put("size", f.size());
            if (f.newMode() != null) e.put("mode", f.newMode());
        }
    }

    /** The one-line summary a person reads first. */
    public String headline() {
        Worktree w = worktree;
        if (!changed()) return "worker " + w.id() + " changed nothing against " + w.baseRef() + " (" + w.shortBase() + ")";
        List<String> parts = new ArrayList<>();
        parts.add(files.size() + (files.size() == 1 ? " file" : " files"));
        parts.add("+" + insertions() + " -" + deletions());
        parts.add(commits + (commits == 1 ? " commit" : " commits"));
        if (hasUncommitted()) parts.add("uncommitted changes");
        return "worker " + w.id() + " on " + w.branch() + " against " + w.baseRef() + " (" + w.shortBase() + "): "
                + String.join(", ", parts);
    }

    /** "⚠ review first: …" on one line, or null when nothing calls for it. */
    public String warning() {
        return reviewFirst.isEmpty() ? null : "⚠ review first: " + String.join(", ", reviewFirst);
    }

    /** What `looop diff` prints: the headline, the warning, the branch's stat or patch, then the uncommitted part apart. */
    public String text(boolean statOnly) {
        StringBuilder b = new StringBuilder(headline()).append('\n');
        if (warning() != null) b.append(warning()).append('\n');
        binaries(b, files);
        b.append(statOnly ? stat : patch);
        if (hasUncommitted()) {
            b.append("\nuncommitted in the worktree (not on ").append(worktree.branch()).append("; `looop merge` refuses until it is committed; read inside the sandbox):\n");
            for (FileChange f : uncommitted.files()) b.append(' ').append(f.status()).append(' ').append(f.shown()).append('\n');
            if (!statOnly && uncommitted.patch() != null) b.append(uncommitted.patch());
        }
        return b.toString();
    }

    private static void binaries(StringBuilder b, List<FileChange> files) {
        for (FileChange f : files) if (f.binary()) b.append("binary: ").append(f.shown()).append('\n');
    }

    /** What a change to path calls for before review, or null: executables, git's own files, hooks, CI. */
    static String flag(FileChange f) {
        String p = f.path();
        String name = p.substring(p.lastIndexOf('/') + 1);
        String lower = p.toLowerCase(Locale.ROOT);
        if (name.equals(".gitattributes")) return "git attributes";
        if (name.equals(".gitmodules") || "160000".equals(f.newMode())) return "submodules";
        if (lower.startsWith(".husky/") || lower.startsWith(".githooks/") || lower.contains("/hooks/") || lower.startsWith("hooks/")
                || name.equals("lefthook.yml") || name.equals(".pre-commit-config.yaml")) return "git hooks";
        if (lower.startsWith(".github/workflows/") || lower.startsWith(".github/actions/") || name.equals(".gitlab-ci.yml")
                || lower.startsWith(".circleci/") || name.equals("Jenkinsfile") || name.equals(".travis.yml") || lower.startsWith(".buildkite/")
                || name.equals("azure-pipelines.yml") || name.equals("bitbucket-pipelines.yml") || name.equals(".drone.yml")
                || name.equals("appveyor.yml")) return "CI";
        if (name.equals(".envrc")) return "runs on cd (direnv)";
        if (!f.status().equals("D") && "100755".equals(f.newMode()) && !"100755".equals(f.oldMode())) {
            return f.status().equals("A") ? "new executable" : "made executable";
        }
        if (!f.status().equals("D") && "120000".equals(f.newMode()) && !"120000".equals(f.oldMode())) return "new symlink";
        return null;
    }

    /** The files of `diff --name-status -z` and `diff --numstat -z` (same order, one entry per file). */
    static List<FileChange> parse(String nameStatus, String numstat) {
        String[] status = nameStatus.split("\0");
        String[] counts = numstat.split("\0");
        List<FileChange> out = new ArrayList<>();
        // "M\0path\0" and "added\tdeleted\tpath\0"
        for (int i = 0, j = 0; i + 1 < status.length && j < counts.length; i += 2, j++) {
            String[] n = counts[j].split("\t", 3);
            if (n.length < 2) continue;
            out.add(new FileChange(status[i + 1], status[i], number(n[0]), number(n[1])));
        }
        return out;
    }

    private static Integer number(String s) {
        return s.equals("-") ? null : Integer.valueOf(s);
    }
}
