package looop.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import looop.io.Json;

/**
 * One worker's worktree as looop recorded it when it made it, the only
 * version looop trusts afterwards (the worker can rewrite anything inside its
 * worktree, its .git file included).
 *
 * @param id       the worker
 * @param repo     the person's checkout (its top level)
 * @param branch   looop/&lt;id&gt;
 * @param baseRef  what the base was asked as ("HEAD", "main", a sha)
 * @param base     the commit that was, fixed at creation: the diff is against it even after the base branch moves
 * @param path     the worktree, in looop's data dir
 * @param commonDir the repo's git dir shared by all its worktrees (objects, refs, config, hooks)
 * @param adminDir the worktree's own git dir, commonDir/worktrees/&lt;name&gt; (its HEAD and index)
 */
public record Worktree(String id, Path repo, String branch, String baseRef, String base, Path path, Path commonDir,
        Path adminDir) {

    /** The fields meta.json keeps; absolute paths, so a reader needs no other file. */
    public ObjectNode json() {
        ObjectNode o = Json.object();
        o.put("repo", repo.toString());
        o.put("branch", branch);
        o.put("base_ref", baseRef);
        o.put("base", base);
        o.put("worktree", path.toString());
        o.put("git_common_dir", commonDir.toString());
        o.put("git_dir", adminDir.toString());
        return o;
    }

    /** Puts json()'s fields into o (meta.json's object), so they sit beside the session's own. */
    public ObjectNode into(ObjectNode o) {
        o.setAll(json());
        return o;
    }

    /** The worktree recorded in node (meta.json), or null when the session has no repo. */
    public static Worktree fromJson(String id, JsonNode node) {
        if (node == null) return null;
        String repo = Json.text(node, "repo");
        String branch = Json.text(node, "branch");
        String base = Json.text(node, "base");
        String path = Json.text(node, "worktree");
        String common = Json.text(node, "git_common_dir");
        String admin = Json.text(node, "git_dir");
        if (repo == null || branch == null || base == null || path == null || common == null || admin == null) return null;
        String baseRef = Json.text(node, "base_ref");
        return new Worktree(id, Path.of(repo), branch, baseRef == null ? base : baseRef, base, Path.of(path),
                Path.of(common), Path.of(admin));
    }

    /** The branch as a full ref, so no tag or file of the same name is taken for it. */
    public String ref() {
        return "refs/heads/" + branch;
    }

    /** The first 10 hex digits of base, for lines people read. */
    public String shortBase() {
        return base.length() > 10 ? base.substring(0, 10) : base;
    }
}
