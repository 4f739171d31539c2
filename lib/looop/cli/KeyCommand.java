package looop.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "key", description = "Press keys in a live worker: Enter Tab Esc Up Down Left Right C-c C-d F1…F12 PageUp …")
final class KeyCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY") List<String> keys;

    public Integer call() {
        root.ctx.sessions().sendKeys(id, keys);
        return 0;
    }
}
