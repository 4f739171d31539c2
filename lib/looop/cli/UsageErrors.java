package looop.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** A usage error as one line: what was wrong, the close matches if any, and where the usage is. */
final class UsageErrors {
    private UsageErrors() {}

    static String describe(ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        String help = " (see `" + cl.getCommandSpec().qualifiedName() + " --help`)";
        if (!(ex instanceof UnmatchedArgumentException u)) return ex.getMessage() + help;
        String first = u.getUnmatched().isEmpty() ? "" : u.getUnmatched().get(0);
        String close = closeOnes(u);
        if (isUnknownCommand(cl, first)) return "unknown command '" + first + "'" + close + help;
        return ex.getMessage() + close + help;
    }

    /** A word where a verb goes: the command has verbs and takes no words of its own. */
    private static boolean isUnknownCommand(CommandLine cl, String word) {
        var spec = cl.getCommandSpec();
        return !spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()
                && !word.startsWith("-") && cl.getParseResult() != null && cl.getParseResult().originalArgs().indexOf(word) >= 0
                && !cl.getParseResult().hasSubcommand();
    }

    private static String closeOnes(UnmatchedArgumentException u) {
        List<String> s = u.getSuggestions();
        return s.isEmpty() ? "" : "; did you mean " + String.join(" or ", s) + "?";
    }
}
