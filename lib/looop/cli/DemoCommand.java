package looop.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", description = "Run three beats on a throwaway demo profile with an offline decider: a new world, a follow-up, an unchanged one.")
final class DemoCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to put the demo profile (default: a new temp dir).")
    Path dir;

    public Integer call() {
        return new Demo(root.ctx.out(), root.ctx.clock()).run(dir);
    }
}
