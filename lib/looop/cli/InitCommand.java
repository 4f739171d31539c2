package looop.cli;

import java.io.Console;
import java.util.concurrent.Callable;
import looop.io.ExitCode;
import looop.io.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "init", description = "Pick the runner that decides each beat (asks on a terminal), write looop.json, seed the profile.")
final class InitCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--runner", paramLabel = "NAME",
            description = "claude, codex, opencode, pi, gemini, openai (an OpenAI-compatible server) or offline; asked when on a terminal.")
    String runner;

    @Option(names = "--base-url", paramLabel = "URL", description = "For --runner openai: the server (default " + Init.DEFAULT_BASE_URL + ", Ollama).")
    String baseUrl;

    @Option(names = "--model", paramLabel = "NAME", description = "For --runner openai: the model (default " + Init.DEFAULT_MODEL + ").")
    String model;

    @Option(names = "--force", description = "Set the runner in an existing looop.json (its other settings are kept).")
    boolean force;

    public Integer call() {
        Init init = new Init(root.ctx.profile(), root.ctx.out());
        Init.Pick pick;
        if (runner != null) {
            pick = new Init.Pick(runner, orDefault(baseUrl, Init.DEFAULT_BASE_URL), orDefault(model, Init.DEFAULT_MODEL));
        } else if (root.onTerminal()) {
            Console console = System.console();
            pick = init.ask(prompt -> console.readLine("%s", prompt));
        } else {
            throw new UserError("looop init asks on a terminal; here, name the runner: looop init --runner NAME (claude, codex, opencode, pi, gemini, "
                    + Init.OPENAI + ", " + Init.OFFLINE + ")", ExitCode.USAGE);
        }
        init.apply(pick, force);
        return 0;
    }

    private static String orDefault(String v, String fallback) {
        return v == null || v.isBlank() ? fallback : v;
    }
}
