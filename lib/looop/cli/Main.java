package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import looop.beat.Foreground;
import looop.beat.Pulse;
import looop.beat.Tick;
import looop.io.Json;
import looop.io.Log;
import looop.io.UserError;
import looop.profile.Paths;
import looop.workers.SessionView;
import looop.workers.Tmux;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * The command surface of looop, and nothing else: each command parses its
 * arguments and calls into lib/looop. `looop help` prints the manual.
 */
@Command(name = "looop", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A personal control loop shaped like a Kubernetes controller: sense, diff, decide ONE move, act, log.",
        subcommands = {RunCommand.class, TickCommand.class, SenseCommand.class, HashCommand.class, GateCommand.class, DecideCommand.class,
                ActCommand.class, StatusCommand.class, JournalCommand.class, CostCommand.class, DemoCommand.class,
                ConfigCommand.class, VersionCommand.class, HelpCommand.class, DoctorCommand.class, StartSessionCommand.class, LsCommand.class,
                SendCommand.class, KeyCommand.class, RestartCommand.class, PruneCommand.class, InternalCommand.class,
                AttachCommand.class, DetachCommand.class, WatchCommand.class, LogCommand.class, ShotCommand.class,
                ExpectCommand.class, WaitCommand.class, WaitIdleCommand.class, ResizeCommand.class})
public class Main implements Callable<Integer> {
    static final String VERSION = "0.1.0";

    final Context ctx;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces for errors.")
    boolean verbose;

    @Option(names = "--json", description = "Log NDJSON instead of human lines (as LOOOP_LOG_FORMAT=json).")
    boolean json;

    public Main(Context ctx) {
        this.ctx = ctx;
    }

    /** `looop` alone: the pulse as a session of its own, streamed here, stopped with everything on Ctrl-C. */
    @Override
    public Integer call() {
        return new Foreground(ctx.profile(), ctx.out(), json).run();
    }

    int pulse(boolean jsonLog) {
        Paths paths = ctx.profile();
        return new Pulse(paths, ctx.clock(), ctx.sessions(), Log.forProcess(ctx.out(), jsonLog, paths.processEnv())).run();
    }

    Tick tick(boolean toStderr) {
        Paths paths = ctx.profile();
        Log log = Log.forProcess(toStderr ? ctx.err() : ctx.out(), false, paths.processEnv());
        return new Tick(paths, ctx.clock(), ctx.sessions(), log);
    }

    /** Every session verb needs tmux: one line saying how to get it, before anything else. */
    SessionView view() {
        Paths paths = ctx.profile();
        Tmux.requireInstalled(paths);
        return new SessionView(paths);
    }

    /**
     * Whether this command runs on the process's own terminal: attach hands
     * that terminal to tmux, which a command given other streams (a test, an
     * embedding program) does not have.
     */
    boolean onTerminal() {
        return ctx.in() == System.in && ctx.out() == System.out && System.console() != null;
    }

    void printJson(JsonNode node) {
        ctx.out().println(Json.canonical(node));
        ctx.out().flush();
    }

    // -- errors ---------------------------------------------------------------------

    /** Builds the command line with looop's error rules: one line, no stack trace unless --verbose. */
    public static CommandLine commandLine(Context ctx) {
        Main root = new Main(ctx);
        CommandLine cl = new CommandLine(root);
        cl.setOut(new java.io.PrintWriter(ctx.out(), true));
        cl.setErr(new java.io.PrintWriter(ctx.err(), true));
        cl.setParameterExceptionHandler((ex, args) -> {
            ctx.err().println("looop: " + ex.getMessage() + " (see `" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help`)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (root.verbose) ex.printStackTrace(ctx.err());
            if (ex instanceof UserError u) {
                ctx.err().println("looop: " + u.getMessage());
                return u.exitCode();
            }
            if (ex instanceof UncheckedIOException io) {
                ctx.err().println("looop: " + describe(io.getCause()) + " (check the data dir's permissions and free space)");
                return 1;
            }
            ctx.err().println("looop: internal error: " + ex + " (run with --verbose for the stack trace)");
            return 1;
        });
        return cl;
    }

    static String describe(java.io.IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied: " + e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fs) return fs.getFile() + ": " + fs.getReason();
        return e.toString();
    }

    public static void main(String... args) {
        System.exit(commandLine(Context.fromProcess()).execute(args));
    }
}
