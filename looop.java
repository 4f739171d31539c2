///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//SOURCES lib/looop/*.java
//FILES runners/offline.sh=runners/offline.sh
//FILES sensors/today.sh=sensors/today.sh

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import looop.Budget;
import looop.Claims;
import looop.Context;
import looop.Decision;
import looop.Demo;
import looop.Executor;
import looop.Journal;
import looop.Json;
import looop.Log;
import looop.Manual;
import looop.Paths;
import looop.Pulse;
import looop.Seed;
import looop.Sessions;
import looop.Stages;
import looop.Status;
import looop.Tick;
import looop.Tmux;
import looop.TmuxSessions;
import looop.UserError;
import looop.WorkerVerbs;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * The command surface of looop, and nothing else: each command parses its
 * arguments and calls into lib/looop. `looop help` prints the manual.
 */
@Command(name = "looop", mixinStandardHelpOptions = true, versionProvider = looop.Version.class,
        description = "A personal control loop shaped like a Kubernetes controller: sense, diff, decide ONE move, act, log.",
        subcommands = {looop.Run.class, looop.TickCmd.class, looop.Sense.class, looop.Hash.class, looop.Decide.class,
                looop.Act.class, looop.StatusCmd.class, looop.JournalCmd.class, looop.Cost.class, looop.DemoCmd.class,
                looop.ConfigCmd.class, looop.VersionCmd.class, looop.HelpCmd.class, looop.StartSession.class, looop.Ls.class,
                looop.Send.class, looop.Key.class, looop.Restart.class, looop.Prune.class, looop.Internal.class})
public class looop implements Callable<Integer> {
    static final String VERSION = "0.1.0";

    final Context ctx;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces for errors.")
    boolean verbose;

    @Option(names = "--json", description = "Log NDJSON instead of human lines (as LOOOP_LOG_FORMAT=json).")
    boolean json;

    public looop(Context ctx) {
        this.ctx = ctx;
    }

    /** `looop` alone runs the loop in the foreground. */
    @Override
    public Integer call() {
        return pulse(json);
    }

    int pulse(boolean jsonLog) {
        Paths paths = ctx.profile();
        Seed.ensure(paths);
        return new Pulse(paths, ctx.clock(), ctx.sessions(), Log.forProcess(ctx.out(), jsonLog, paths.processEnv())).run();
    }

    Tick tick(boolean toStderr) {
        Paths paths = ctx.profile();
        Log log = Log.forProcess(toStderr ? ctx.err() : ctx.out(), false, paths.processEnv());
        return new Tick(paths, ctx.clock(), ctx.sessions(), log);
    }

    void printJson(JsonNode node) {
        ctx.out().println(Json.canonical(node));
        ctx.out().flush();
    }

    // -- the loop ---------------------------------------------------------------

    @Command(name = "run", description = "Run the pulse: one beat per interval until Ctrl-C (one pulse per data dir).")
    static class Run implements Callable<Integer> {
        @ParentCommand looop root;

        @Option(names = "--json", description = "Log NDJSON lines (as LOOOP_LOG_FORMAT=json).")
        boolean json;

        public Integer call() {
            return root.pulse(json);
        }
    }

    @Command(name = "tick", description = "Run one beat now: sense, hash, decide, act.")
    static class TickCmd implements Callable<Integer> {
        @ParentCommand looop root;

        @Option(names = "--force", description = "Re-decide even if the world is unchanged.")
        boolean force;

        public Integer call() {
            Tick.Outcome o = root.tick(false).beat(force);
            return o.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
        }
    }

    // -- the stages ---------------------------------------------------------------

    @Command(name = "sense", description = "Stage 1: housekeeping, run every sensor; prints the readings as JSON.")
    static class Sense implements Callable<Integer> {
        @ParentCommand looop root;

        public Integer call() {
            Tick tick = root.tick(true);
            root.printJson(Stages.sensed(root.ctx.profile(), tick.sense()));
            return 0;
        }
    }

    @Command(name = "hash", description = "Stage 2: the world hash of sense's JSON on stdin (or of what is on disk, given none).")
    static class Hash implements Callable<Integer> {
        @ParentCommand looop root;

        public Integer call() {
            Paths paths = root.ctx.profile();
            Tick tick = root.tick(true);
            JsonNode in = Stages.readInput(root.ctx.in(), "hash");
            Tick.Sensed sensed = in == null ? new Tick.Sensed(tick.readingsOnDisk()) : Stages.readSensed(paths, in);
            root.printJson(Stages.hashed(paths, tick.hash(sensed)));
            return 0;
        }
    }

    @Command(name = "decide", description = "Stage 3: skip, back off, or ask the runner for one move; reads hash's JSON.")
    static class Decide implements Callable<Integer> {
        @ParentCommand looop root;

        @Option(names = "--force", description = "Re-decide even if the world is unchanged.")
        boolean force;

        public Integer call() {
            Paths paths = root.ctx.profile();
            JsonNode in = Stages.readInput(root.ctx.in(), "decide");
            if (in == null) throw new UserError("`looop decide` reads the output of `looop hash` on stdin; try `looop sense | looop hash | looop decide`", 2);
            Tick.Decided d = root.tick(true).decide(Stages.readHashed(paths, in), force);
            root.printJson(Stages.decided(paths, d));
            return d.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
        }
    }

    @Command(name = "act", description = "Stage 4: execute decide's move (or a bare {\"action\":…} object) and journal it.")
    static class Act implements Callable<Integer> {
        @ParentCommand looop root;

        public Integer call() {
            Paths paths = root.ctx.profile();
            JsonNode in = Stages.readInput(root.ctx.in(), "act");
            if (in == null) throw new UserError("`looop act` reads a decision on stdin, e.g. echo '{\"action\":\"noop\"}' | looop act", 2);
            if (!in.has("outcome")) return actByHand(paths, in);
            Tick.Outcome o = root.tick(true).act(Stages.readDecided(paths, in));
            root.printJson(Stages.outcome(o));
            return o.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
        }

        /** A bare decision, typed by a person: executed and journaled; the world hash is not touched. */
        private int actByHand(Paths paths, JsonNode decision) {
            Seed.ensure(paths);
            Executor.Move move = new Executor(paths, root.ctx.sessions(), root.ctx.clock()).act(Decision.parse(Json.canonical(decision)));
            ObjectNode out = Json.object();
            out.put("outcome", "acted");
            out.set("move", Stages.move(move));
            root.printJson(out);
            return 0;
        }
    }

    // -- looking at the loop ------------------------------------------------------

    @Command(name = "status", description = "Is the pulse running, when did it last beat, what do workers do, what did today cost.")
    static class StatusCmd implements Callable<Integer> {
        @ParentCommand looop root;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        public Integer call() {
            Status status = new Status(root.ctx.profile(), root.ctx.clock(), root.ctx.sessions());
            if (json) root.printJson(status.json());
            else root.ctx.out().print(status.text());
            return 0;
        }
    }

    @Command(name = "journal", description = "Print the journal: one line per move.")
    static class JournalCmd implements Callable<Integer> {
        @ParentCommand looop root;

        @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.")
        int tail;

        public Integer call() {
            if (tail < 0) throw new UserError("--tail takes a number ≥ 0, got " + tail, 2);
            new Journal(root.ctx.profile(), root.ctx.clock()).tail(tail).forEach(root.ctx.out()::println);
            return 0;
        }
    }

    @Command(name = "cost", description = "What the runners cost: today (default) or all time.")
    static class Cost implements Callable<Integer> {
        @ParentCommand looop root;

        @Parameters(arity = "0..1", paramLabel = "today|all", description = "The period (default: today).")
        String period = "today";

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        public Integer call() {
            if (!period.equals("today") && !period.equals("all")) throw new UserError("cost takes 'today' or 'all', got '" + period + "'", 2);
            Budget budget = new Budget(root.ctx.profile(), root.ctx.clock());
            Budget.Summary s = budget.summarize(period.equals("today"));
            if (json) root.printJson(Budget.summaryJson(period, s));
            else root.ctx.out().print(Budget.summaryText(period, s));
            return 0;
        }
    }

    // -- getting started ----------------------------------------------------------

    @Command(name = "demo", description = "Run two beats on a throwaway demo profile with an offline decider.")
    static class DemoCmd implements Callable<Integer> {
        @ParentCommand looop root;

        @Option(names = "--dir", paramLabel = "DIR", description = "Where to put the demo profile (default: a new temp dir).")
        Path dir;

        public Integer call() {
            return new Demo(root.ctx.out(), root.ctx.clock()).run(dir);
        }
    }

    @Command(name = "config", description = "Print a shell completion script: looop config bash|zsh.")
    static class ConfigCmd implements Callable<Integer> {
        @ParentCommand looop root;

        @Parameters(paramLabel = "bash|zsh", description = "The shell.")
        String shell;

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        public Integer call() {
            String script = AutoComplete.bash("looop", spec.parent().commandLine());
            switch (shell) {
                case "bash" -> root.ctx.out().print(script);
                case "zsh" -> root.ctx.out().print("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script);
                default -> throw new UserError("no completion for '" + shell + "'; use `looop config bash` or `looop config zsh`", 2);
            }
            return 0;
        }
    }

    @Command(name = "version", description = "Print looop's version.")
    static class VersionCmd implements Callable<Integer> {
        @ParentCommand looop root;

        public Integer call() {
            root.ctx.out().println(new Version().getVersion()[0]);
            return 0;
        }
    }

    @Command(name = "help", description = "Print the manual, or the usage of one command: looop help [COMMAND].")
    static class HelpCmd implements Callable<Integer> {
        @ParentCommand looop root;

        @Parameters(arity = "0..1", paramLabel = "COMMAND")
        String command;

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        public Integer call() {
            if (command == null) {
                root.ctx.out().print(Manual.text());
                return 0;
            }
            CommandLine sub = spec.parent().subcommands().get(command);
            if (sub == null) throw new UserError("no command '" + command + "'; `looop help` lists them all", 2);
            sub.usage(root.ctx.out());
            return 0;
        }
    }

    static class Version implements CommandLine.IVersionProvider {
        public String[] getVersion() {
            return new String[] {"looop " + VERSION + " (Java " + Runtime.version().feature() + ")"};
        }
    }

    // -- workers --------------------------------------------------------------------

    @Command(name = "start-session", description = "Start worker <id> on the runner's interactive command, with the worker contract and <prompt> as its brief.")
    static class StartSession implements Callable<Integer> {
        @ParentCommand looop root;

        @Parameters(index = "0", paramLabel = "ID", description = "The worker's id: letters, digits, '-' or '_'.") String id;
        @Parameters(index = "1", paramLabel = "PROMPT", description = "What the worker should do.") String prompt;
        @Parameters(index = "2", arity = "0..1", paramLabel = "RUNNER", description = "A runner from looop.json (default: its \"default\").") String runner;

        public Integer call() {
            root.ctx.sessions().start(id, prompt, runner);
            root.ctx.out().println("started worker " + TmuxSessions.workerId(id) + "; `looop ls` shows how it is doing");
            return 0;
        }
    }

    @Command(name = "ls", description = "List every worker: state, exit code, flag note.")
    static class Ls implements Callable<Integer> {
        @ParentCommand looop root;

        @Option(names = "--json", description = "Print one JSON object: {\"sessions\":[…]}.")
        boolean json;

        public Integer call() {
            Tmux.requireInstalled(root.ctx.profile());
            print(root.ctx.sessions().list());
            return 0;
        }

        /** One listing; a --watch loop prints this again whenever it changes. */
        void print(List<Sessions.Info> workers) {
            if (json) root.printJson(WorkerVerbs.json(workers));
            else root.ctx.out().print(WorkerVerbs.table(workers));
        }
    }

    @Command(name = "send", description = "Type text into a live worker, then press Enter (unless -n).")
    static class Send implements Callable<Integer> {
        @ParentCommand looop root;

        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The words to type, joined by spaces.") List<String> text;

        @Option(names = "-n", description = "Do not press Enter after the text.")
        boolean noEnter;

        public Integer call() {
            root.ctx.sessions().send(id, String.join(" ", text), !noEnter);
            return 0;
        }
    }

    @Command(name = "key", description = "Press keys in a live worker: Enter Tab Esc Up Down Left Right C-c C-d F1…F12 PageUp …")
    static class Key implements Callable<Integer> {
        @ParentCommand looop root;

        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY") List<String> keys;

        public Integer call() {
            root.ctx.sessions().sendKeys(id, keys);
            return 0;
        }
    }

    @Command(name = "restart", description = "Run a worker's command again (its session is respawned or recreated).")
    static class Restart implements Callable<Integer> {
        @ParentCommand looop root;

        @Parameters(index = "0", paramLabel = "ID") String id;

        public Integer call() {
            root.ctx.sessions().restart(id);
            return 0;
        }
    }

    @Command(name = "prune", description = "Remove every finished (exited or killed) session now.")
    static class Prune implements Callable<Integer> {
        @ParentCommand looop root;

        public Integer call() {
            Tmux.requireInstalled(root.ctx.profile());
            root.ctx.out().print(WorkerVerbs.pruned(root.ctx.sessions().prune()));
            return 0;
        }
    }

    // -- verbs for workers and scripts --------------------------------------------

    @Command(name = "_", description = "Internal verbs that workers call through $LOOOP_BIN.", subcommands = {looop.CostRow.class,
            looop.FlagCmd.class, looop.UnflagCmd.class, looop.KillCmd.class, looop.ClaimCmd.class, looop.UnclaimCmd.class})
    static class Internal {
        /** The root command, whose context every internal verb runs against. */
        static looop root(CommandLine.Model.CommandSpec spec) {
            return (looop) spec.root().userObject();
        }
    }

    @Command(name = "flag", description = "Mark worker <id> as waiting for a human: _ flag <id> [note].")
    static class FlagCmd implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1..*", arity = "0..*", paramLabel = "NOTE", description = "The question (default: needs attention).") List<String> note;

        public Integer call() {
            Internal.root(spec).ctx.sessions().flag(id, note == null ? "" : String.join(" ", note));
            return 0;
        }
    }

    @Command(name = "unflag", description = "The human answered: _ unflag <id>.")
    static class UnflagCmd implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID") String id;

        public Integer call() {
            Internal.root(spec).ctx.sessions().unflag(id);
            return 0;
        }
    }

    @Command(name = "kill", description = "End worker <id> for good (a worker calls it when its work is done).")
    static class KillCmd implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID") String id;

        public Integer call() {
            Internal.root(spec).ctx.sessions().kill(id);
            return 0;
        }
    }

    @Command(name = "claim", description = "Take the lease <name>: exit 0 when held, 1 naming the holder when taken.")
    static class ClaimCmd implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Option(names = "--session", paramLabel = "S", description = "The claiming session (default: $LOOOP_SESSION_ID).")
        String session;

        public Integer call() {
            looop root = Internal.root(spec);
            String s = WorkerVerbs.claimant(session, root.ctx.env(), "claim");
            root.ctx.out().println(WorkerVerbs.claim(new Claims(root.ctx.profile(), root.ctx.sessions()), name, s));
            return 0;
        }
    }

    @Command(name = "unclaim", description = "Release the lease <name> (refused when another live session holds it).")
    static class UnclaimCmd implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Option(names = "--session", paramLabel = "S", description = "The releasing session (default: $LOOOP_SESSION_ID).")
        String session;

        public Integer call() {
            looop root = Internal.root(spec);
            String s = WorkerVerbs.claimant(session, root.ctx.env(), "unclaim");
            root.ctx.out().println(WorkerVerbs.unclaim(new Claims(root.ctx.profile(), root.ctx.sessions()), name, s));
            return 0;
        }
    }

    @Command(name = "cost", description = "Record spend in the ledger: _ cost <kind> <id> <runner> <usd>.")
    static class CostRow implements Callable<Integer> {
        @ParentCommand Internal parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "KIND") String kind;
        @Parameters(index = "1", paramLabel = "ID") String id;
        @Parameters(index = "2", paramLabel = "RUNNER") String runner;
        @Parameters(index = "3", paramLabel = "USD") String usd;

        public Integer call() {
            looop root = (looop) spec.root().userObject();
            double amount = Budget.parseUsd(usd);
            new Budget(root.ctx.profile(), root.ctx.clock()).record(kind, id, runner, amount);
            return 0;
        }
    }

    // -- errors ---------------------------------------------------------------------

    /** Builds the command line with looop's error rules: one line, no stack trace unless --verbose. */
    public static CommandLine commandLine(Context ctx) {
        looop root = new looop(ctx);
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
