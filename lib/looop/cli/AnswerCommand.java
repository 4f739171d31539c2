package looop.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import looop.human.Ask;
import looop.human.Asks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "answer", description = "Answer a pending ask, exactly once (--force replaces an answer not yet read). - reads the text from stdin.")
final class AnswerCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The answer, or - for stdin.") List<String> text;
    @Option(names = "--force", description = "Replace an answer the asker has not read yet.") boolean force;

    public Integer call() {
        String given = text.equals(List.of("-")) ? stdin() : String.join(" ", text);
        Ask done = new Asks(root.ctx.profile(), root.ctx.clock()).answer(id, given, force);
        root.ctx.out().println("answered " + done.id() + ": " + done.answer());
        return 0;
    }

    private String stdin() {
        try {
            return new String(root.ctx.in().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
