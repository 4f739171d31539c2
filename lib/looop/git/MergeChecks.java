package looop.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import looop.io.Fs;
import looop.io.Json;

/**
 * Whether one commit merges cleanly onto another, and which files both
 * changed, kept by the pair of commit ids in a file of looop's own: a commit
 * never changes, so neither does its answer, and a beat runs git only for a
 * pair it has not seen (a branch that moved). Each check is git merge-tree on
 * the objects alone (Repo.mergeCheck, Git.onObjects): no checkout, index or
 * ref is touched, no hook runs, and nothing a branch carries (its
 * .gitattributes, a merge driver or filter they name) has a say.
 *
 * <p>The file holds only the pairs asked for since it was opened, so it never
 * grows past the workers there are; it is written only when that set changed.
 */
public final class MergeChecks {
    /**
     * ours with theirs merged in: clean or the files that conflict; the files
     * both changed since their merge base; and whether theirs adds nothing to
     * ours (merged, squashed or rebased in already).
     */
    public record Check(boolean clean, List<String> conflicts, List<String> overlap, boolean contained) {
        ObjectNode json() {
            ObjectNode o = Json.object().put("clean", clean).put("contained", contained);
            ArrayNode c = o.putArray("conflicts");
            for (String f : conflicts) c.add(f);
            ArrayNode v = o.putArray("overlap");
            for (String f : overlap) v.add(f);
            return o;
        }

        static Check of(JsonNode o) {
            if (o == null || !o.path("clean").isBoolean() || !o.path("contained").isBoolean()) return null;
            return new Check(o.get("clean").asBoolean(), texts(o.get("conflicts")), texts(o.get("overlap")), o.get("contained").asBoolean());
        }
    }

    /** A full commit id: 40 (or, sha-256, 64) lowercase hex digits; by hand, as a beat on an unchanged world asks (looop.fast). */
    public static boolean isCommitId(String s) {
        if (s.length() != 40 && s.length() != 64) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
        }
        return true;
    }

    private final Path file;
    private final Map<String, Check> known = new LinkedHashMap<>();
    private final Map<String, Check> asked = new LinkedHashMap<>();
    private boolean loaded;

    /** The checks kept in file (a missing or broken one keeps none). */
    public MergeChecks(Path file) {
        this.file = file;
    }

    /** ours with theirs merged in, in the repo whose git dir is commonDir: from the file, else from git. */
    public Check check(Path commonDir, String ours, String theirs) {
        if (!isCommitId(ours) || !isCommitId(theirs)) throw new IllegalArgumentException("not commit ids: " + ours + ", " + theirs);
        load();
        String key = ours + " " + theirs;
        Check c = known.get(key);
        if (c == null) c = run(new Repo(commonDir, commonDir), ours, theirs);
        asked.put(key, c);
        return c;
    }

    /** Keeps exactly the checks asked for since this was made, when that is not what the file already holds. */
    public void save() {
        load();
        if (asked.equals(known)) return;
        ObjectNode root = Json.object();
        for (Map.Entry<String, Check> e : asked.entrySet()) root.set(e.getKey(), e.getValue().json());
        Fs.writeAtomic(file, Json.canonical(root) + "\n");
    }

    private void load() {
        if (loaded) return;
        loaded = true;
        JsonNode root = Json.parseOrNull(Fs.readOr(file, ""));
        if (root == null || !root.isObject()) return;
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String key = e.getKey();
            int space = key.indexOf(' ');
            Check c = Check.of(e.getValue());
            if (space > 0 && isCommitId(key.substring(0, space)) && isCommitId(key.substring(space + 1)) && c != null) known.put(key, c);
        }
    }

    private static Check run(Repo r, String ours, String theirs) {
        Repo.MergeCheck m = r.mergeCheck(ours, theirs);
        boolean contained = m.clean() && m.tree().equals(r.treeOf(ours));
        return new Check(m.clean(), List.copyOf(new TreeSet<>(m.conflicts())), overlap(r.commonDir(), ours, theirs), contained);
    }

    /** The files both sides changed since their merge base (none without one). */
    private static List<String> overlap(Path commonDir, String ours, String theirs) {
        Git.Result base = Git.onObjects(commonDir, "merge-base", "--end-of-options", ours, theirs);
        if (!base.ok()) return List.of();
        TreeSet<String> both = changed(commonDir, base.line(), ours);
        both.retainAll(changed(commonDir, base.line(), theirs));
        return List.copyOf(both);
    }

    private static TreeSet<String> changed(Path commonDir, String from, String to) {
        String out = Git.mustOnObjects("cannot compare " + from + " with " + to, commonDir,
                "diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--end-of-options", from, to).out();
        TreeSet<String> files = new TreeSet<>();
        for (String f : out.split("\0")) if (!f.isEmpty()) files.add(f);
        return files;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) for (JsonNode n : array) out.add(n.asText());
        return List.copyOf(out);
    }
}
