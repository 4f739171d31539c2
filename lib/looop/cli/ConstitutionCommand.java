package looop.cli;

import java.util.concurrent.Callable;
import looop.io.Fs;
import looop.profile.Paths;
import looop.profile.Seed;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "constitution", description = {"Print CONSTITUTION.md: the rules above the playbook, first in every prompt.",
        "Only you edit it (with your editor); no move, worker or sandboxed command can, and a move that tries is refused."})
final class ConstitutionCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        Paths paths = root.ctx.profile();
        String text = Fs.readOrNull(paths.constitution());
        if (text == null) {
            root.ctx.err().println("no " + paths.constitution() + " yet: the next `looop tick` or `looop run` writes these rules there");
            text = Seed.CONSTITUTION;
        }
        root.ctx.out().print(text.endsWith("\n") ? text : text + "\n");
        return 0;
    }
}
