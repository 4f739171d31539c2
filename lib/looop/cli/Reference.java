package looop.cli;

import looop.profile.Knob;
import looop.profile.Variable;
import picocli.CommandLine;

/**
 * docs/reference.md: every command's usage as picocli prints it, and every
 * setting from the knob table and every variable from Variable's, so the reference is the code's own words and
 * cannot drift. `looop _ reference` prints it; ReferenceTest fails when the
 * committed file differs.
 */
final class Reference {
    private Reference() {}

    static String markdown(CommandLine root) {
        StringBuilder out = new StringBuilder("""
                # Reference

                Generated from looop's command model (picocli) and its knob table
                (`lib/looop/profile/Knob.java`); do not edit by hand. Regenerate with
                `./jbang looop _ reference > docs/reference.md` (ReferenceTest fails while
                this file differs). `looop help` prints the manual; [the README](../README.md)
                is the path for a newcomer.

                ## Commands

                """);
        commands(root, out);
        out.append("""
                ## Settings

                Each setting in `looop.json` (dots: a key inside a section), and the
                environment variable that wins over it. A setting in seconds also takes a
                duration as people write it: `"30m"`, `"1d"`, `"1h30m"`.

                | looop.json key | environment variable | what it sets | value |
                |---|---|---|---|
                """);
        for (Knob k : Knob.values()) {
            out.append("| ").append(k.key == null ? "" : "`" + k.key + "`").append(" | ")
                    .append(k.env == null ? "" : "`" + k.env + "`").append(" | ").append(k.meaning()).append(" | ").append(k.range()).append(" |\n");
        }
        out.append("""

                ## Environment

                The variables of the settings above, and these (`lib/looop/profile/Variable.java`).

                | variable | who sets it | what it is |
                |---|---|---|
                """);
        for (Variable v : Variable.values()) {
            out.append("| `").append(v.name()).append("` | ").append(v.who.words).append(" | ").append(v.meaning.replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    /** Each visible command under cl, depth first in the order help lists them, as its usage text. */
    private static void commands(CommandLine cl, StringBuilder out) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().usageMessage().hidden()) continue;
            out.append("### ").append(sub.getCommandSpec().qualifiedName()).append("\n\n```\n")
                    .append(sub.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n\n");
            commands(sub, out);
        }
    }
}
