package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import looop.beat.Foreground;
import looop.beat.Pulse;
import looop.beat.Tick;
import looop.io.ExitCode;
import looop.io.Ids;
import looop.io.Json;
import looop.io.Log;
import looop.io.UnsafePathException;
import looop.io.UserError;
import looop.profile.Paths;
import looop.workers.SessionView;
import looop.workers.Tmux;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The command surface of looop, and nothing else: each command parses its
 * arguments and calls into lib/looop. `looop help` prints the manual.
 */
@Command(name = "looop", versionProvider = VersionProvider.class,
        description = "A personal control loop shaped like a Kubernetes controller: sense, diff, decide ONE move, act, log.")
public class Main implements Callable<Integer> {
    static final String VERSION = "0.1.0";

    final Context ctx;

    /** --help, --json, --verbose: set here whichever verb they follow. */
    @Mixin GlobalOptions options;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print looop's version and exit.")
    boolean version;

    public Main(Context ctx) {
        this.ctx = ctx;
    }

    /** `looop` alone: the pulse as a session of its own, streamed here, stopped with everything on Ctrl-C. */
    @Override
    public Integer call() {
        refuseInsideWorker("looop");
        return new Foreground(ctx.profile(), ctx.out(), options.json).run();
    }

    /**
     * A worker proposes policy, it never writes it (the worker contract says
     * so): the verbs that run beats or moves, and so can rewrite PLAYBOOK.md,
     * goals, sensors or the config, refuse inside a worker's session. A
     * tripwire, not a wall: the sandbox is the wall.
     */
    void refuseInsideWorker(String verb) {
        refuseInsideWorker(ctx, verb);
    }

    static void refuseInsideWorker(Context ctx, String verb) {
        String session = ctx.env().get("LOOOP_SESSION_ID");
        if (session != null && !session.isBlank()) {
            throw new UserError("`" + verb + "` is not for workers (this is worker " + Ids.printable(session) + "): a worker does not change"
                    + " the playbook, goals, sensors or config; propose the change in a file under reports/ and ask the human", ExitCode.FAILED);
        }
    }

    /** Whether the user asked for JSON (--json anywhere on the line). */
    boolean json() {
        return options.json;
    }

    int pulse() {
        Paths paths = ctx.profile();
        // kept in run.log too, for `looop watch pulse` and `looop log pulse` in another terminal (RunLog)
        java.io.PrintStream out = looop.beat.RunLog.tee(ctx.out(), paths);
        return new Pulse(paths, ctx.clock(), ctx.sessions(), Log.forProcess(out, options.json, paths.processEnv())).run();
    }

    /** Whether id is the pulse and it runs as `looop run`, outside tmux: its output is then in run.log (RunLog). */
    boolean pulseRunsOutsideTmux(SessionView view, String id) {
        if (!SessionView.id(id).equals(looop.workers.TmuxSessions.PULSE)) return false;
        boolean sessionAlive;
        try {
            sessionAlive = view.state(looop.workers.TmuxSessions.PULSE).alive();
        } catch (UserError e) {
            sessionAlive = false;
        }
        return looop.beat.RunLog.running(ctx.profile(), sessionAlive);
    }

    Tick tick(boolean toStderr) {
        return tick(ctx, options.json, toStderr);
    }

    /** A beat on ctx's profile, logging to its stdout (or stderr, for the stages that print JSON on stdout). */
    static Tick tick(Context ctx, boolean json, boolean toStderr) {
        Paths paths = ctx.profile();
        Log log = Log.forProcess(toStderr ? ctx.err() : ctx.out(), json, paths.processEnv());
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

    /** The whole command line with looop's error rules: one line, no stack trace unless --verbose. */
    public static CommandLine commandLine(Context ctx) {
        return commandLine(ctx, false);
    }

    /** The command line that runs args: only the verb they name, which parses and fails as in the whole one (see Commands). */
    public static CommandLine commandLine(Context ctx, String... args) {
        return build(ctx, false, cl -> Commands.addFor(cl, args));
    }

    /** The whole tree; forScript: completion candidates stand as markers a completion script replaces (see LiveIds). */
    static CommandLine commandLine(Context ctx, boolean forScript) {
        return build(ctx, forScript, Commands::addAll);
    }

    /** The root, its verbs, then looop's error rules and streams (picocli passes those only to verbs already added). */
    private static CommandLine build(Context ctx, boolean forScript, java.util.function.Consumer<CommandLine> verbs) {
        Main root = new Main(ctx);
        CommandLine cl = new CommandLine(root, new Factory(ctx, forScript));
        verbs.accept(cl);
        cl.setExecutionStrategy(parsed -> {
            try {
                DataDirCheck.before(parsed, ctx);
            } catch (UserError e) {
                throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), e.getMessage(), e); // handled below, as any verb's
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setOut(new java.io.PrintWriter(ctx.out(), true));
        cl.setErr(new java.io.PrintWriter(ctx.err(), true));
        cl.setParameterExceptionHandler((ex, args) -> {
            if (root.options.verbose) ex.printStackTrace(ctx.err());
            ctx.err().println("looop: " + UsageErrors.describe(ex));
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> report(ex, ctx, root.options.verbose));
        return cl;
    }

    /** A failed command as its one line on stderr (a stack trace too with --verbose), and the exit code it earns. */
    static int report(Exception ex, Context ctx, boolean verbose) {
        if (verbose) ex.printStackTrace(ctx.err());
        if (ex instanceof UserError u) {
            ctx.err().println("looop: " + u.getMessage());
            return u.exitCode();
        }
        if (ex instanceof UncheckedIOException io) {
            ctx.err().println("looop: " + describe(io.getCause())
                    + (io.getCause() instanceof UnsafePathException ? "" : " (check the data dir's permissions and free space)"));
            return ExitCode.FAILED;
        }
        ctx.err().println("looop: internal error: " + ex + " (run with --verbose for the stack trace)");
        return ExitCode.FAILED;
    }

    static String describe(java.io.IOException e) {
        if (e instanceof UnsafePathException) return e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied: " + e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fs) return fs.getFile() + ": " + fs.getReason();
        return e.toString();
    }

    /**
     * Runs one command line against ctx and returns its exit code: the plain
     * spellings of the verbs workers call in a loop go the short way
     * (QuickVerbs), everything else through picocli.
     */
    public static int run(Context ctx, String... args) {
        int quick = QuickVerbs.run(ctx, args);
        return quick != QuickVerbs.NOT_MINE ? quick : commandLine(ctx, args).execute(args);
    }

    public static void main(String... args) {
        System.exit(run(Context.fromProcess(), args));
    }
}
