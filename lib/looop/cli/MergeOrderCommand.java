package looop.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import looop.git.MergeOrder;
import looop.io.ExitCode;
import looop.io.Json;
import looop.workers.WorkerConflicts;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "merge-order", description = "An order in which the finished workers' unmerged branches merge cleanly one after "
        + "another onto their repo's current branch, or the pair that blocks (exit 3); simulated in git's objects, nothing changes.")
final class MergeOrderCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        Map<WorkerConflicts.Onto, MergeOrder.Result> repos = new WorkerConflicts(root.ctx.profile()).mergeOrder(root.ctx.sessions().list());
        boolean blocked = repos.values().stream().anyMatch(r -> r instanceof MergeOrder.Blocked);
        if (root.json()) root.printJson(json(repos));
        else root.ctx.out().print(text(repos));
        return blocked ? ExitCode.CONFLICT : ExitCode.OK;
    }

    // {order:[ids], blocked:{a,b,files}|{a,base,files}|{a,onto:[ids],files}|null, repos:[{repo, base, head, order, blocked}]}
    private static ObjectNode json(Map<WorkerConflicts.Onto, MergeOrder.Result> repos) {
        ObjectNode out = Json.object();
        ArrayNode order = out.putArray("order");
        out.putNull("blocked");
        ArrayNode list = out.putArray("repos");
        repos.forEach((onto, result) -> {
            ObjectNode r = list.addObject().put("repo", onto.repo().toString()).put("base", onto.name()).put("head", onto.head());
            ArrayNode mine = r.putArray("order");
            for (MergeOrder.Branch b : placed(result)) {
                mine.add(b.id());
                order.add(b.id());
            }
            r.set("blocked", result instanceof MergeOrder.Blocked b ? blockedJson(b, onto) : null);
            if (out.get("blocked").isNull() && r.hasNonNull("blocked")) out.set("blocked", r.get("blocked"));
        });
        return out;
    }

    private static ObjectNode blockedJson(MergeOrder.Blocked b, WorkerConflicts.Onto onto) {
        ObjectNode o = Json.object();
        if (b.other() != null) o.put("a", b.other().id()).put("b", b.branch().id());
        else if (b.withHead()) o.put("a", b.branch().id()).put("base", onto.name());
        else {
            o.put("a", b.branch().id());
            ArrayNode after = o.putArray("onto");
            b.placed().forEach(p -> after.add(p.id()));
        }
        ArrayNode files = o.putArray("files");
        b.files().forEach(files::add);
        return o;
    }

    private static String text(Map<WorkerConflicts.Onto, MergeOrder.Result> repos) {
        if (repos.isEmpty()) return "no finished branches to merge (a worker that exited 0 with commits not yet merged has one)\n";
        StringBuilder out = new StringBuilder();
        repos.forEach((onto, result) -> {
            List<MergeOrder.Branch> placed = placed(result);
            out.append("onto ").append(onto.name()).append(" of ").append(onto.repo())
                    .append(result instanceof MergeOrder.Blocked ? ": no clean order for all of them\n" : ":\n");
            for (int i = 0; i < placed.size(); i++) out.append("  ").append(i + 1).append(". ").append(named(placed.get(i))).append('\n');
            if (result instanceof MergeOrder.Blocked b) out.append("  blocked: ").append(blockedText(b, onto)).append('\n');
            else out.append("  merge them so: ").append(verbs(placed)).append('\n');
        });
        return out.toString();
    }

    private static String blockedText(MergeOrder.Blocked b, WorkerConflicts.Onto onto) {
        String files = String.join(", ", b.files());
        if (b.other() != null) {
            return named(b.other()) + " and " + named(b.branch()) + " conflict in " + files + "; have worker " + b.branch().id() + " merge "
                    + b.other().name() + " into its branch, or resolve it yourself";
        }
        if (b.withHead()) {
            return named(b.branch()) + " does not merge cleanly onto " + onto.name() + " (conflict in " + files + "); have worker "
                    + b.branch().id() + " merge " + onto.name() + " into its branch";
        }
        return named(b.branch()) + " conflicts in " + files + " with the branches above merged together; have worker " + b.branch().id()
                + " merge them into its branch";
    }

    private static List<MergeOrder.Branch> placed(MergeOrder.Result result) {
        return result instanceof MergeOrder.Blocked b ? b.placed() : ((MergeOrder.Order) result).order();
    }

    private static String named(MergeOrder.Branch b) {
        return b.id() + " (" + b.name() + ")";
    }

    private static String verbs(List<MergeOrder.Branch> placed) {
        List<String> out = new ArrayList<>();
        for (MergeOrder.Branch b : placed) out.add("`looop merge " + b.id() + "`");
        return String.join(", then ", out);
    }
}
