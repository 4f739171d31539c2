package looop.cli;

import java.util.Arrays;
import java.util.List;

/**
 * The short way for the verbs that workers and scripts call in a loop:
 * `version`, `tick`, `ls`, `ask`, and `_ flag|unflag|kill|claim|unclaim|cost`.
 * Building picocli's model of even one command costs more than starting
 * the JVM (annotation reads, reflection, its converters), and a worker pays
 * that for every flag, claim and cost report. So their plain spellings
 * (positional words only) are matched here by hand and run the very same
 * code the picocli commands run; any other spelling (an option, --help, a
 * word too many or too few, an @file, an unknown kind) is not matched and
 * picocli parses it exactly as before, with its usage and error lines.
 */
public final class QuickVerbs {
    private QuickVerbs() {}

    /** What run returns for a command line it leaves to picocli. */
    static final int NOT_MINE = Integer.MIN_VALUE;

    /** Runs args if they are a plain spelling of a quick verb; its exit code, else NOT_MINE. */
    static int run(Context ctx, String... args) {
        if (!matches(args)) return NOT_MINE;
        try {
            DataDirCheck.before(args[0], ctx);
            return perform(ctx, args);
        } catch (RuntimeException e) {
            return Main.report(e, ctx, false); // --verbose is an option, so it never comes this way
        }
    }

    /** Whether a is a plain spelling run here: positional words only, as many as the verb takes. */
    public static boolean matches(String... a) {
        if (a.length == 0) return false;
        for (String word : a) if (!plainWord(word)) return false;
        return switch (a[0]) {
            case "version", "ls", "tick" -> a.length == 1;
            case "ask" -> a.length >= 3;
            case "_" -> a.length >= 3 && switch (a[1]) {
                case "flag" -> true;
                case "unflag", "kill", "claim", "unclaim" -> a.length == 3;
                case "cost" -> a.length == 6 && isKind(a[2]);
                default -> false;
            };
            default -> false;
        };
    }

    /** A word picocli would take as it stands: not an option (-x, --x), not an @file to expand. */
    private static boolean plainWord(String arg) {
        return !arg.startsWith("-") && !arg.startsWith("@");
    }

    private static boolean isKind(String word) {
        for (RecordCostCommand.Kind k : RecordCostCommand.Kind.values()) if (k.name().equals(word)) return true;
        return false;
    }

    /** The same code the picocli command runs, with the values it would have parsed. */
    private static int perform(Context ctx, String[] a) {
        return switch (a[0]) {
            case "version" -> VersionCommand.run(ctx);
            case "ls" -> LsCommand.run(ctx, false);
            case "tick" -> TickCommand.run(ctx, false, false);
            case "ask" -> AskCommand.run(ctx, a[1], rest(a, 2), null, null);
            default -> switch (a[1]) {
                case "flag" -> FlagCommand.run(ctx, a[2], rest(a, 3));
                case "unflag" -> UnflagCommand.run(ctx, a[2]);
                case "kill" -> KillCommand.run(ctx, a[2]);
                case "claim" -> ClaimCommand.run(ctx, a[2], null);
                case "unclaim" -> UnclaimCommand.run(ctx, a[2], null);
                default -> RecordCostCommand.run(ctx, RecordCostCommand.Kind.valueOf(a[2]), a[3], a[4], a[5]);
            };
        };
    }

    private static List<String> rest(String[] a, int from) {
        return List.of(Arrays.copyOfRange(a, from, a.length));
    }
}
