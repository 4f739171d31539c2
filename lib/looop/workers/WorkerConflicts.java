package looop.workers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import looop.git.Git;
import looop.git.MergeChecks;
import looop.git.MergeOrder;
import looop.git.Worktree;
import looop.git.Worktrees;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Paths;

/**
 * Workers that collide: of the workers' unmerged branches (looop/&lt;id&gt;
 * as looop's own record of each worker names it, see WorkerRepos.read and
 * Worktrees.tip), which pairs do not merge cleanly with each other, which do
 * not merge cleanly onto their repo's current HEAD (the branch `looop merge`
 * lands them on), and which files two branches both change.
 *
 * <p>Cheap when nothing moved: the merge results are kept by commit ids
 * (MergeChecks, in the data dir's .merge-checks.json), so a beat runs git to
 * read each branch's commit and each repo's HEAD, and merges only the pairs
 * it has not seen. Workers without a repo cost no git at all.
 */
public final class WorkerConflicts {
    /** A worker's unmerged branch: the worker, its worktree record, its commit, and the HEAD it would land on. */
    public record Branch(Sessions.Info worker, Worktree worktree, String tip, Onto onto) {
        public String id() {
            return worker.id();
        }

        MergeOrder.Branch asOrdered() {
            return new MergeOrder.Branch(id(), worktree.branch(), tip);
        }
    }

    /** A repo's current HEAD: its commit and its branch's name ("HEAD" when detached). */
    public record Onto(Path commonDir, Path repo, String head, String name) {}

    /** Branch a does not merge cleanly with worker b's branch, or (b null) onto its repo's HEAD, base; in files. */
    public record Conflict(String a, String b, String base, List<String> files) {
        ObjectNode json() {
            ObjectNode o = Json.object().put("a", a);
            if (b != null) o.put("b", b);
            else o.put("base", base);
            strings(o.putArray("files"), files);
            return o;
        }

        /** "c1 ↔ c2 in f.txt", "c1 ↔ main in f.txt". */
        public String text() {
            return a + " ↔ " + (b != null ? b : base) + " in " + shown(files);
        }
    }

    /** Two branches that merge cleanly but both change files. */
    public record Overlap(String a, String b, List<String> files) {}

    /** What one look found. */
    public record Look(List<Branch> branches, List<Conflict> conflicts, List<Overlap> overlaps) {
        /** The conflicts as sys-conflicts' signal, `status --json` and the page show them. */
        public ArrayNode json() {
            ArrayNode list = Json.array();
            for (Conflict c : conflicts) list.add(c.json());
            return list;
        }

        /** sys-conflicts: the conflicts are its signal (the loop wakes when that set changes); the rest is detail. */
        public String reading() {
            ObjectNode v = Json.object();
            v.putObject("signal").set("conflicts", json());
            ObjectNode detail = v.putObject("detail");
            ArrayNode unmerged = detail.putArray("unmerged");
            for (Branch b : branches) unmerged.add(b.id());
            ArrayNode overlap = detail.putArray("overlap");
            for (Overlap o : overlaps) strings(overlap.addObject().put("a", o.a()).put("b", o.b()).putArray("files"), o.files());
            return Json.canonical(v);
        }

        /** What worker id's branch collides with, for `looop diff`. */
        public ArrayNode json(String id) {
            return involving(json(), id);
        }

        /** The lines `looop diff` prints under a worker's changes: one per collision. */
        public String text(String id) {
            return WorkerConflicts.text(json(), id);
        }
    }

    /** The conflicts (as Look.json, or the state document's "conflicts") that involve worker id, seen from its side. */
    public static ArrayNode involving(JsonNode conflicts, String id) {
        ArrayNode list = Json.array();
        for (JsonNode c : conflicts) {
            String a = c.path("a").asText(), b = c.path("b").asText(null);
            if (!a.equals(id) && !id.equals(b)) continue;
            ObjectNode o = list.addObject();
            String other = id.equals(a) ? b : a;
            if (other == null) o.put("base", c.path("base").asText());
            else o.put("with", other).put("branch", Worktrees.BRANCH_PREFIX + other);
            o.set("files", c.path("files").deepCopy());
        }
        return list;
    }

    /** Those collisions as lines: "collides with c2 (looop/c2) in f.txt", "does not merge cleanly onto main: …". */
    public static String text(JsonNode conflicts, String id) {
        StringBuilder out = new StringBuilder();
        for (var n : involving(conflicts, id)) {
            List<String> files = new ArrayList<>();
            n.get("files").forEach(f -> files.add(f.asText()));
            out.append(n.has("with")
                    ? "collides with " + n.get("with").asText() + " (" + n.get("branch").asText() + ") in " + shown(files)
                    : "does not merge cleanly onto " + n.get("base").asText() + ": conflicts in " + shown(files)).append('\n');
        }
        return out.toString();
    }

    private final Paths paths;
    private final Worktrees worktrees;
    private final MergeChecks checks;

    public WorkerConflicts(Paths paths) {
        this.paths = paths;
        this.worktrees = WorkerRepos.refs(paths);
        this.checks = new MergeChecks(paths.data.resolve(".merge-checks.json"));
    }

    /** Looks at the workers' unmerged branches, pair by pair and each onto its repo's HEAD. */
    public Look look(List<Sessions.Info> workers) {
        List<Branch> unmerged = new ArrayList<>();
        List<Conflict> conflicts = new ArrayList<>();
        List<Overlap> overlaps = new ArrayList<>();
        Map<Path, Onto> heads = new LinkedHashMap<>();
        List<Sessions.Info> sorted = new ArrayList<>(workers);
        sorted.sort(null);
        for (Sessions.Info s : sorted) {
            Branch b = branch(s, heads);
            if (b == null) continue;
            MergeChecks.Check onto;
            try {
                onto = checks.check(b.onto().commonDir(), b.onto().head(), b.tip());
            } catch (UserError | UncheckedIOException e) {
                continue; // a branch git cannot merge onto its HEAD at all (unrelated histories): nothing to land
            }
            if (onto.contained()) continue;
            if (!onto.clean()) conflicts.add(new Conflict(b.id(), null, b.onto().name(), onto.conflicts()));
            unmerged.add(b);
        }
        for (int i = 0; i < unmerged.size(); i++) {
            for (int j = i + 1; j < unmerged.size(); j++) pair(unmerged.get(i), unmerged.get(j), conflicts, overlaps);
        }
        checks.save();
        return new Look(unmerged, conflicts, overlaps);
    }

    private void pair(Branch a, Branch b, List<Conflict> conflicts, List<Overlap> overlaps) {
        if (!a.onto().commonDir().equals(b.onto().commonDir())) return;
        MergeChecks.Check c;
        try {
            c = checks.check(a.onto().commonDir(), a.tip(), b.tip());
        } catch (UserError | UncheckedIOException e) {
            return; // unrelated histories, say: not a pair git can merge, so not one that collides
        }
        if (!c.clean()) conflicts.add(new Conflict(a.id(), b.id(), null, c.conflicts()));
        else if (!c.overlap().isEmpty()) overlaps.add(new Overlap(a.id(), b.id(), c.overlap()));
    }

    /** Worker s's branch with changes to merge, or null (no repo, a record looop refuses, no commits of its own). */
    private Branch branch(Sessions.Info s, Map<Path, Onto> heads) {
        try {
            Worktree w = WorkerRepos.read(paths, s.id(), worktrees);
            if (w == null) return null;
            String tip = worktrees.tip(w);
            if (tip == null || tip.equals(w.base())) return null;
            if (!heads.containsKey(w.commonDir())) heads.put(w.commonDir(), onto(w));
            Onto onto = heads.get(w.commonDir());
            return onto == null ? null : new Branch(s, w, tip, onto);
        } catch (UserError | UncheckedIOException e) {
            return null; // sys-sessions and `looop diff` say what is wrong with it
        }
    }

    /**
     * The repo's HEAD as its git dir names it (the person's checkout's current
     * branch), read from refs alone, in one git: its commit, then its branch's
     * full name ("HEAD" when detached); null without a commit.
     */
    private static Onto onto(Worktree w) {
        Git.Result head = Git.onObjects(w.commonDir(), "rev-parse", "HEAD^{commit}", "--symbolic-full-name", "HEAD");
        List<String> lines = looop.fast.Text.lines(head.out());
        if (!head.ok() || lines.size() != 2 || !MergeChecks.isCommitId(lines.get(0))) return null;
        String name = lines.get(1).startsWith("refs/heads/") ? lines.get(1).substring("refs/heads/".length()) : "HEAD";
        return new Onto(w.commonDir(), w.repo(), lines.get(0), name);
    }

    /**
     * `looop merge-order` for the finished branches (ended well: exited 0, a
     * verify not failed; unmerged), repo by repo, simulated in the objects.
     */
    public Map<Onto, MergeOrder.Result> mergeOrder(List<Sessions.Info> workers) {
        Look look = look(workers);
        Map<Onto, List<MergeOrder.Branch>> byRepo = new LinkedHashMap<>();
        for (Branch b : look.branches()) {
            if (!endedWell(b.worker())) continue;
            byRepo.computeIfAbsent(b.onto(), o -> new ArrayList<>()).add(b.asOrdered());
        }
        Map<Onto, MergeOrder.Result> out = new LinkedHashMap<>();
        byRepo.forEach((onto, list) -> out.put(onto, MergeOrder.of(onto.commonDir(), onto.head(), list, checks)));
        checks.save();
        return out;
    }

    private boolean endedWell(Sessions.Info s) {
        if (s.state() != SessionState.EXITED || s.exitCode() == null || s.exitCode() != 0) return false;
        Verify.Result v = Verify.read(paths, s.id());
        return v == null || !"failed".equals(v.word());
    }

    // loops, not lambdas: a beat on an unchanged world runs this (see looop.fast)
    private static void strings(ArrayNode into, List<String> values) {
        for (String v : values) into.add(v);
    }

    static String shown(List<String> files) {
        return String.join(", ", files.subList(0, Math.min(5, files.size()))) + (files.size() > 5 ? ", … (" + files.size() + " files)" : "");
    }
}
