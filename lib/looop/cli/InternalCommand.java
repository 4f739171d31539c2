package looop.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

@Command(name = "_", description = "Internal verbs that workers call through $LOOOP_BIN.", subcommands = {RecordCostCommand.class,
        FlagCommand.class, UnflagCommand.class, KillCommand.class, ClaimCommand.class, UnclaimCommand.class})
final class InternalCommand {
    /** The root command, whose context every internal verb runs against. */
    static Main root(CommandLine.Model.CommandSpec spec) {
        return (Main) spec.root().userObject();
    }
}
