package looop.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import looop.act.PlaybookHistory;
import looop.io.ExitCode;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UnifiedDiff;
import looop.io.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "playbook", description = "The playbook's history: every write_playbook keeps the one it replaced in playbook.d/ (log, diff).",
        subcommands = {PlaybookCommand.Log.class, PlaybookCommand.Diff.class})
final class PlaybookCommand implements Callable<Integer> {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @ParentCommand Main root;

    public Integer call() {
        throw new UserError("say what to do: `looop playbook log` (the kept versions) or `looop playbook diff [N]` (what version N's rewrite changed)",
                ExitCode.USAGE);
    }

    List<PlaybookHistory.Version> versions() {
        return new PlaybookHistory(root.ctx.profile(), root.ctx.clock()).versions();
    }

    @Command(name = "log", description = "The kept playbooks, newest first: N, when it was replaced, its file, its size.")
    static final class Log implements Callable<Integer> {
        @ParentCommand PlaybookCommand parent;

        public Integer call() {
            List<PlaybookHistory.Version> all = parent.versions();
            if (parent.root.json()) {
                ObjectNode out = Json.object();
                ArrayNode list = out.putArray("versions");
                for (int n = 0; n < all.size(); n++) {
                    PlaybookHistory.Version v = all.get(n);
                    list.addObject().put("n", n + 1).put("replaced_at", v.replacedAt().toString()).put("file", "playbook.d/" + v.name())
                            .put("lines", Fs.readOr(v.file(), "").lines().count());
                }
                parent.root.printJson(out);
                return 0;
            }
            if (all.isEmpty()) {
                parent.root.ctx.out().println("no earlier playbooks yet: each write_playbook keeps the one it replaces in playbook.d/");
                return 0;
            }
            for (int n = 0; n < all.size(); n++) {
                PlaybookHistory.Version v = all.get(n);
                parent.root.ctx.out().printf("%3d  %s  playbook.d/%s  (%d lines)%n", n + 1, v.replacedAt().format(SHOWN), v.name(),
                        Fs.readOr(v.file(), "").lines().count());
            }
            return 0;
        }
    }

    @Command(name = "diff", description = "What rewrite N changed: version N against the one that replaced it (1, the default: the newest against PLAYBOOK.md).")
    static final class Diff implements Callable<Integer> {
        @ParentCommand PlaybookCommand parent;
        @Parameters(index = "0", arity = "0..1", paramLabel = "N", defaultValue = "1", description = "Which kept version, as `looop playbook log` numbers them.")
        int n;

        public Integer call() {
            List<PlaybookHistory.Version> all = parent.versions();
            if (all.isEmpty()) throw new UserError("no earlier playbooks to compare yet: each write_playbook keeps the one it replaces in playbook.d/");
            if (n < 1 || n > all.size()) {
                throw new UserError("no version " + n + ": playbook.d holds " + all.size() + " (1 to " + all.size() + "; see `looop playbook log`)",
                        ExitCode.USAGE);
            }
            PlaybookHistory.Version old = all.get(n - 1);
            String toName = n == 1 ? "PLAYBOOK.md" : "playbook.d/" + all.get(n - 2).name();
            String to = Fs.readOr(n == 1 ? parent.root.ctx.profile().playbook() : all.get(n - 2).file(), "");
            String diff = UnifiedDiff.of(Fs.readOr(old.file(), ""), to, "playbook.d/" + old.name(), toName);
            parent.root.ctx.out().print(diff.isEmpty() ? "no difference between playbook.d/" + old.name() + " and " + toName + "\n" : diff);
            return 0;
        }
    }
}
