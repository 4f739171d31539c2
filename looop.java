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
import java.util.concurrent.Callable;
import looop.Budget;
import looop.Context;
import looop.Decision;
import looop.Demo;
import looop.Executor;
import looop.Journal;
import looop.Json;
import looop.Lock;
import looop.Log;
import looop.Manual;
import looop.Paths;
import looop.Pulse;
import looop.Seed;
import looop.Stages;
import looop.Status;
import looop.Tick;
import looop.UserError;
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
                looop.ConfigCmd.class, looop.VersionCmd.class, looop.HelpCmd.class, looop.Internal.class})
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
            Tick tick = root.tick(false);
            tick.preflight();
            try (Lock lock = Lock.acquireOneShot(root.ctx.profile())) {
                Tick.Outcome o = tick.beat(force);
                return o.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
            }
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

        /** Reads stdin before taking the lock: a pipe's upstream stages run while act waits for them. */
        public Integer call() {
            Paths paths = root.ctx.profile();
            JsonNode in = Stages.readInput(root.ctx.in(), "act");
            if (in == null) throw new UserError("`looop act` reads a decision on stdin, e.g. echo '{\"action\":\"noop\"}' | looop act", 2);
            if (!in.has("outcome")) return actByHand(paths, in);
            Tick.Decided decided = Stages.readDecided(paths, in);
            try (Lock lock = Lock.acquireOneShot(paths)) {
                Tick.Outcome o = root.tick(true).act(decided);
                root.printJson(Stages.outcome(o));
                return o.result() == Tick.Outcome.Result.FAILED ? 1 : 0;
            }
        }

        /** A bare decision, typed by a person: executed and journaled; the world hash is not touched. */
        private int actByHand(Paths paths, JsonNode decision) {
            Decision parsed = Decision.parse(Json.canonical(decision));
            Executor.Move move;
            try (Lock lock = Lock.acquireOneShot(paths)) {
                Seed.ensure(paths);
                move = root.tick(true).actByHand(parsed);
            }
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

    // -- verbs for workers and scripts --------------------------------------------

    @Command(name = "_", description = "Internal verbs that workers call through $LOOOP_BIN.", subcommands = {looop.CostRow.class})
    static class Internal {
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
