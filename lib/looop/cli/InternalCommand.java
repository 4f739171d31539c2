package looop.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** `_`: its verbs are in Commands.INTERNAL. */
@Command(name = "_", description = "Internal verbs that workers call through $LOOOP_BIN.")
final class InternalCommand {
    /** The root command, whose context every internal verb runs against. */
    static Main root(CommandLine.Model.CommandSpec spec) {
        return (Main) spec.root().userObject();
    }
}
