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
import looop.Doctor;
import looop.Durations;
import looop.Executor;
import looop.Foreground;
import looop.Ids;
import looop.Journal;
import looop.Json;
import looop.Lock;
import looop.Log;
import looop.Manual;
import looop.Paths;
import looop.Pulse;
import looop.Seed;
import looop.SessionLog;
import looop.SessionView;
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
                looop.ConfigCmd.class, looop.VersionCmd.class, looop.HelpCmd.class, looop.DoctorCmd.class, looop.StartSession.class, looop.Ls.class,
                looop.Send.class, looop.Key.class, looop.Restart.class, looop.Prune.class, looop.Internal.class,
                looop.Attach.class, looop.Detach.class, looop.Watch.class, looop.LogCmd.class, looop.Shot.class,
                looop.Expect.class, looop.Wait.class, looop.WaitIdle.class, looop.Resize.class})
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

    @Command(name = "doctor", description = "Check java, jbang, tmux, the runners' binaries, the data dir and the config; exit 1 if any required check fails.")
    static class DoctorCmd implements Callable<Integer> {
        @ParentCommand looop root;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        public Integer call() {
            java.util.List<Doctor.Check> checks = new Doctor(root.ctx.profile()).run();
            if (json) root.printJson(Doctor.json(checks));
            else root.ctx.out().print(Doctor.text(checks));
            return Doctor.ok(checks) ? 0 : 1;
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

    // -- watching and driving sessions ----------------------------------------------

    @Command(name = "attach", description = "Take over a worker's terminal; detach with the tmux prefix (C-b) then d.")
    static class Attach implements Callable<Integer> {
        @ParentCommand looop root;
        @Parameters(paramLabel = "ID") String id;

        public Integer call() {
            SessionView view = root.view();
            return view.attach(view.known(Ids.worker(id)), false, root.onTerminal());
        }
    }

    @Command(name = "detach", description = "Detach whoever is attached to a worker; it keeps running.")
    static class Detach implements Callable<Integer> {
        @ParentCommand looop root;
        @Parameters(paramLabel = "ID") String id;

        public Integer call() {
            SessionView view = root.view();
            String sid = view.known(Ids.worker(id));
            if (view.detach(sid) == 0) root.ctx.out().println("nobody was attached to " + sid);
            return 0;
        }
    }

    @Command(name = "watch", description = "Follow a session's terminal read-only (works for pulse); leave with C-b d.")
    static class Watch implements Callable<Integer> {
        @ParentCommand looop root;
        @Parameters(paramLabel = "ID") String id;

        public Integer call() {
            SessionView view = root.view();
            return view.attach(view.known(id), true, root.onTerminal());
        }
    }

    @Command(name = "log", description = "A session's output: escapes stripped (--raw keeps them); --json for scripts.")
    static class LogCmd implements Callable<Integer> {
        @ParentCommand looop root;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.") Integer tail;
        @Option(names = "--grep", paramLabel = "RE", description = "Only lines matching this regex.") String grep;
        @Option(names = "--since", paramLabel = "N", description = "From byte offset N (a previous --json offset_end).") Long since;
        @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the session ends.") boolean follow;
        @Option(names = "--raw", description = "The bytes as the terminal got them.") boolean raw;
        @Option(names = "--json", description = "{\"id\",\"offset_start\",\"offset_end\",\"lines\"} (one per batch with --follow).") boolean json;

        public Integer call() {
            SessionLog.Query q = new SessionLog.Query(tail, grep == null ? null : SessionView.regex(grep), since, follow, raw, json);
            SessionView view = root.view();
            return new SessionLog(view, root.ctx.out()).print(view.known(id), q);
        }
    }

    @Command(name = "shot", description = "The session's visible screen right now.")
    static class Shot implements Callable<Integer> {
        @ParentCommand looop root;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--ansi", description = "Keep colours and styles.") boolean ansi;
        @Option(names = "--json", description = "{\"id\",\"cols\",\"rows\",\"cursor_x\",\"cursor_y\",\"lines\"}.") boolean json;
        @Option(names = "--trim", description = "Drop trailing spaces and blank lines at the bottom.") boolean trim;

        public Integer call() {
            if (ansi && json) throw new UserError("shot takes --ansi or --json, not both", 2);
            SessionView view = root.view();
            String sid = view.known(id);
            SessionView.Screen screen = view.screen(sid, ansi);
            if (json) root.printJson(screen.json(sid, trim));
            else (trim ? screen.trimmed() : screen.lines()).forEach(root.ctx.out()::println);
            return 0;
        }
    }

    @Command(name = "expect", description = "Wait until a line of output (or of the screen) matches REGEX; print it. 124 on timeout.")
    static class Expect implements Callable<Integer> {
        @ParentCommand looop root;
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1", paramLabel = "REGEX") String regex;
        @Option(names = "--timeout", paramLabel = "DUR", description = "Give up after this long (default 30s).") String timeout;
        @Option(names = "--from-now", description = "Only output printed after this call started.") boolean fromNow;
        @Option(names = "--screen", description = "Match the visible screen instead of the output log.") boolean screen;

        public Integer call() {
            var re = SessionView.regex(regex);
            var limit = Durations.parseOr("--timeout", timeout, java.time.Duration.ofSeconds(30));
            if (screen && fromNow) throw new UserError("--from-now is for the output log; the screen is always now (drop one of them)", 2);
            SessionView view = root.view();
            String sid = view.known(id);
            root.ctx.out().println(screen ? view.expectScreen(sid, re, limit) : view.expectLog(sid, re, limit, fromNow));
            return 0;
        }
    }

    @Command(name = "wait", description = "Wait until the session ends; exit with its exit code (137 if killed, 124 on timeout).")
    static class Wait implements Callable<Integer> {
        @ParentCommand looop root;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--timeout", paramLabel = "DUR", description = "Give up after this long (default: never).") String timeout;

        public Integer call() {
            var limit = Durations.parseOr("--timeout", timeout, null);
            SessionView view = root.view();
            return view.waitExit(view.known(id), limit);
        }
    }

    @Command(name = "wait-idle", description = "Wait until the screen stops changing for --settle. 124 on timeout.")
    static class WaitIdle implements Callable<Integer> {
        @ParentCommand looop root;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--settle", paramLabel = "DUR", description = "How long unchanged counts as idle (default 2s).") String settle;
        @Option(names = "--timeout", paramLabel = "DUR", description = "Give up after this long (default 60s).") String timeout;

        public Integer call() {
            var quiet = Durations.parseOr("--settle", settle, java.time.Duration.ofSeconds(2));
            var limit = Durations.parseOr("--timeout", timeout, java.time.Duration.ofSeconds(60));
            SessionView view = root.view();
            view.waitIdle(view.known(id), quiet, limit);
            return 0;
        }
    }

    @Command(name = "resize", description = "Resize a worker's terminal, e.g. looop resize fix-ci 120x40.")
    static class Resize implements Callable<Integer> {
        @ParentCommand looop root;
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1", paramLabel = "COLSxROWS") String size;

        public Integer call() {
            int[] cr = SessionView.size(size);
            SessionView view = root.view();
            view.resize(view.known(Ids.worker(id)), cr[0], cr[1]);
            return 0;
        }
    }

    // -- verbs for workers and scripts --------------------------------------------

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
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "KIND") String kind;
        @Parameters(index = "1", paramLabel = "ID") String id;
        @Parameters(index = "2", paramLabel = "RUNNER") String runner;
        @Parameters(index = "3", paramLabel = "USD") String usd;

        public Integer call() {
            looop root = Internal.root(spec);
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
