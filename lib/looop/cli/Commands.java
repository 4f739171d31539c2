package looop.cli;

import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * Which commands looop has, in the order help lists them, and the command
 * tree picocli parses against. Building picocli's model of a command costs
 * milliseconds each (annotation reads, reflection, converters), so a call
 * that names a known verb gets a tree with only that verb (and, under `_`,
 * only that internal verb); anything else (no verb, an option first, an
 * unknown name, `help`, --help) gets the whole tree, so suggestions, usage and
 * the manual see every command.
 */
final class Commands {
    private Commands() {}

    /** Every verb of `looop`, name → command class; the name is the class's @Command name. */
    static final List<Map.Entry<String, Class<?>>> ROOT = List.of(
            Map.entry("run", RunCommand.class),
            Map.entry("tick", TickCommand.class),
            Map.entry("sense", SenseCommand.class),
            Map.entry("hash", HashCommand.class),
            Map.entry("gate", GateCommand.class),
            Map.entry("decide", DecideCommand.class),
            Map.entry("act", ActCommand.class),
            Map.entry("status", StatusCommand.class),
            Map.entry("state", StateCommand.class),
            Map.entry("constitution", ConstitutionCommand.class),
            Map.entry("journal", JournalCommand.class),
            Map.entry("cost", CostCommand.class),
            Map.entry("demo", DemoCommand.class),
            Map.entry("config", ConfigCommand.class),
            Map.entry("version", VersionCommand.class),
            Map.entry("help", HelpCommand.class),
            Map.entry("doctor", DoctorCommand.class),
            Map.entry("start-session", StartSessionCommand.class),
            Map.entry("ls", LsCommand.class),
            Map.entry("send", SendCommand.class),
            Map.entry("key", KeyCommand.class),
            Map.entry("restart", RestartCommand.class),
            Map.entry("prune", PruneCommand.class),
            Map.entry("diff", DiffCommand.class),
            Map.entry("merge", MergeCommand.class),
            Map.entry("merge-order", MergeOrderCommand.class),
            Map.entry("discard", DiscardCommand.class),
            Map.entry("kill", KillCommand.class),
            Map.entry("_", InternalCommand.class),
            Map.entry("attach", AttachCommand.class),
            Map.entry("detach", DetachCommand.class),
            Map.entry("watch", WatchCommand.class),
            Map.entry("log", LogCommand.class),
            Map.entry("shot", ShotCommand.class),
            Map.entry("expect", ExpectCommand.class),
            Map.entry("wait", WaitCommand.class),
            Map.entry("wait-idle", WaitIdleCommand.class),
            Map.entry("resize", ResizeCommand.class),
            Map.entry("ask", AskCommand.class),
            Map.entry("asks", AsksCommand.class),
            Map.entry("answer", AnswerCommand.class),
            Map.entry("tell", TellCommand.class),
            Map.entry("schedule", ScheduleCommand.class),
            Map.entry("goal", GoalCommand.class),
            Map.entry("mcp", McpCommand.class),
            Map.entry("web", WebCommand.class),
            Map.entry("playbook", PlaybookCommand.class), Map.entry("init", InitCommand.class));

    /** The verbs under `_`, which workers call through $LOOOP_BIN. */
    static final List<Map.Entry<String, Class<?>>> INTERNAL = List.of(
            Map.entry("cost", RecordCostCommand.class),
            Map.entry("flag", FlagCommand.class),
            Map.entry("unflag", UnflagCommand.class),
            Map.entry("kill", KillCommand.class),
            Map.entry("claim", ClaimCommand.class),
            Map.entry("unclaim", UnclaimCommand.class),
            Map.entry("openai", OpenAiCommand.class),
            Map.entry("reference", ReferenceCommand.class));

    /** Options that may stand before the verb without changing which verb runs. */
    private static final Set<String> LEADING_GLOBALS = Set.of("--json", "--verbose");

    /** Words that ask for usage or the version: picocli answers them from the whole tree. */
    private static final Set<String> HELP_WORDS = Set.of("-h", "--help", "-V", "--version");

    /** Adds every command to root. */
    static void addAll(CommandLine root) {
        for (var e : ROOT) root.addSubcommand(e.getKey(), e.getValue() == InternalCommand.class ? internal(root, null) : e.getValue());
    }

    /** Adds the commands these arguments can reach: the one they name, or all of them. */
    static void addFor(CommandLine root, String... args) {
        int i = 0;
        while (i < args.length && LEADING_GLOBALS.contains(args[i])) i++;
        Class<?> verb = i < args.length ? find(ROOT, args[i]) : null;
        if (verb == null || verb == HelpCommand.class || List.of(args).stream().anyMatch(HELP_WORDS::contains)) {
            addAll(root);
        } else if (verb == InternalCommand.class) {
            root.addSubcommand(args[i], internal(root, i + 1 < args.length ? args[i + 1] : null));
        } else {
            root.addSubcommand(args[i], verb);
        }
    }

    /** `_` with the one internal verb named, or with all of them when that names none. */
    private static CommandLine internal(CommandLine root, String name) {
        CommandLine internal = new CommandLine(InternalCommand.class, root.getFactory());
        Class<?> only = name == null ? null : find(INTERNAL, name);
        for (var e : INTERNAL) {
            if (only == null || e.getValue() == only) internal.addSubcommand(e.getKey(), e.getValue());
        }
        return internal;
    }

    private static Class<?> find(List<Map.Entry<String, Class<?>>> table, String name) {
        for (var e : table) if (e.getKey().equals(name)) return e.getValue();
        return null;
    }
}
