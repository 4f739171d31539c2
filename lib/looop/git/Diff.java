package looop.git;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import looop.io.Json;

/**
 * What a worker changed against its base: its commits and the files on disk,
 * new files included (ignored ones not). patch is null unless it was asked for.
 */
public record Diff(Worktree worktree, int commits, boolean uncommitted, List<FileChange> files, String stat, String patch) {

    /** One changed file. added/deleted are null for a binary file (git counts no lines there). */
    public record FileChange(String path, String status, Integer added, Integer deleted) {}

    public boolean changed() {
        return !files.isEmpty() || commits > 0;
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
        o.put("uncommitted", uncommitted);
        o.put("insertions", insertions());
        o.put("deletions", deletions());
        ArrayNode list = o.putArray("files");
        for (FileChange f : files) {
            ObjectNode e = list.addObject();
            e.put("path", f.path());
            e.put("status", f.status());
            e.put("added", f.added());
            e.put("deleted", f.deleted());
        }
        if (patch != null) o.put("patch", patch);
        return o;
    }

    /** The one-line summary a person reads first. */
    public String headline() {
        Worktree w = worktree;
        if (!changed()) return "worker " + w.id() + " changed nothing against " + w.baseRef() + " (" + w.shortBase() + ")";
        List<String> parts = new ArrayList<>();
        parts.add(files.size() + (files.size() == 1 ? " file" : " files"));
        parts.add("+" + insertions() + " -" + deletions());
        parts.add(commits + (commits == 1 ? " commit" : " commits"));
        if (uncommitted) parts.add("uncommitted changes");
        return "worker " + w.id() + " on " + w.branch() + " against " + w.baseRef() + " (" + w.shortBase() + "): "
                + String.join(", ", parts);
    }
}
