package looop.cli;

import java.util.Collection;
import java.util.List;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/** A usage error as one line: what was wrong, the close matches if any, and where the usage is. */
final class UsageErrors {
    private UsageErrors() {}

    static String describe(ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        String help = " (see `" + cl.getCommandSpec().qualifiedName() + " --help`)";
        if (!(ex instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) return ex.getMessage() + help;
        String word = u.getUnmatched().get(0);
        var spec = cl.getCommandSpec();
        if (word.startsWith("-")) return ex.getMessage() + didYouMean(word, spec.optionsMap().keySet()) + help;
        if (spec.subcommands().isEmpty() || !spec.positionalParameters().isEmpty()) return ex.getMessage() + help;
        if (spec.subcommands().containsKey("_") && Commands.INTERNAL.stream().anyMatch(e -> e.getKey().equals(word))) {
            return "unknown command '" + word + "'; `looop _ " + word + "` is a worker's verb, called through $LOOOP_BIN" + help;
        }
        return "unknown command '" + word + "'" + didYouMean(word, spec.subcommands().keySet()) + help;
    }

    static List<String> closeTo(String typed, Collection<String> names) {
        return looop.io.CloseNames.closeTo(typed, names);
    }

    private static String didYouMean(String typed, Collection<String> names) {
        List<String> close = closeTo(typed, names);
        return close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?";
    }
}
