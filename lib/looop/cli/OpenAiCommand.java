package looop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import looop.io.ExitCode;
import looop.io.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * `_ openai`: the openai runner's tick command. It starts the profile's
 * runners/OpenAiHttp.java with the java and the Jackson jars this looop runs
 * on, found now rather than written into looop.json by `init`, so the entry
 * survives the next JDK or dependency update.
 */
@Command(name = "openai", description = "Run the openai runner (runners/OpenAiHttp.java) on looop's own java and Jackson.")
final class OpenAiCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public Integer call() throws Exception {
        Context ctx = InternalCommand.root(spec).ctx;
        Path source = ctx.profile().data.resolve("runners/OpenAiHttp.java");
        if (!Files.isRegularFile(source)) {
            throw new UserError(source + " is missing; `looop init --runner openai --force` puts it back", ExitCode.FAILED);
        }
        List<String> command = new ArrayList<>(List.of(java(), "-cp", jacksonClasspath(), source.toString()));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    /** The java running this looop: it has the single-file source launcher. */
    private static String java() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    /** The Jackson jars on this looop's classpath, which are all OpenAiHttp.java needs. */
    private static String jacksonClasspath() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (entry.contains("jackson")) jars.add(entry);
        }
        return String.join(java.io.File.pathSeparator, jars);
    }
}
