package looop.workers;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.TreeMap;
import java.util.stream.Collectors;
import looop.git.Worktree;
import looop.io.ExitCode;
import looop.io.FileMutex;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Journal;
import looop.profile.Launcher;
import looop.profile.Paths;
import looop.profile.RunnerCommand;
import looop.workers.SessionState.Liveness;

/**
 * Worker sessions in real terminals: one tmux session per worker on the
 * profile's private server (see {@link Tmux}), with everything that must
 * outlive the terminal in sessions/<id>/ (see {@link SessionFiles}).
 *
 * tmux runs each session's wrapper (run.sh), which waits on a tmux channel
 * until looop has turned output capture on, runs the command with `bash -c`
 * in the data dir, and records its exit. State is re-derived on every read:
 * a session that says it runs but that tmux no longer has (its server was
 * killed from outside, say) is recorded as killed.
 */
public final class TmuxSessions implements Sessions {
    /** The pulse's own session, which is not a worker: the foreground loop runs it, list() leaves it out. */
    public static final String PULSE = "pulse";
    /** A detached terminal has no client to size it; agent TUIs lay out well at this size. */
    static final int COLS = 200;
    static final int ROWS = 50;
    /** Scrollback for people who attach; output.log keeps everything anyway. */
    static final int HISTORY_LINES = 10_000;
    /** A staging directory this old belongs to no start still running. */
    static final long STALE_STAGING_MS = 3_600_000;
    /** Agent TUIs drop an Enter that arrives in the same read as the text before it. */
    static final long ENTER_PAUSE_MS = 150;
    /** Keys sent in one burst can merge (Esc then x reads as Alt-x), so each key is its own write. */
    static final long KEY_PAUSE_MS = 50;
    /** Terminal-specific variables tmux sets for each pane itself. */
    private static final Set<String> TERMINAL_VARS = Set.of("TERM", "TMUX", "TMUX_PANE", "COLUMNS", "LINES");
    private final Paths paths;
    private final Tmux tmux;
    /** looop.json as the command or the beat read it: which runner a worker runs, and its sandbox. */
    private final Supplier<Config> config;

    /** An engine that watches and stops sessions and starts none (a view, the foreground loop, the demo). */
    public TmuxSessions(Paths paths) {
        this(paths, new NoConfig());
    }

    /** config: how the command (or the beat, through withConfig) reads looop.json; asked once per start or restart. */
    public TmuxSessions(Paths paths, Supplier<Config> config) {
        this.paths = paths;
        this.tmux = new Tmux(paths);
        this.config = config;
    }

    /** This engine seeing the config a beat already read, so its moves read looop.json no more. */
    @Override
    public Sessions withConfig(Config beats) {
        return new TmuxSessions(paths, new Given(beats));
    }

    // classes, not lambdas: a quick path links no lambda (StartupTest)
    private record Given(Config config) implements Supplier<Config> {
        public Config get() {
            return config;
        }
    }

    private static final class NoConfig implements Supplier<Config> {
        public Config get() {
            throw new IllegalStateException("this engine starts no worker: make it with the command's config");
        }
    }

    public Tmux tmux() {
        return tmux;
    }

    // -- reading ----------------------------------------------------------------

    /**
     * Every worker, sorted by id, from the files alone plus at most one tmux
     * call (only when some worker's files do not say it ended). It never reads
     * output.log, so a worker that prints a lot cannot slow the beat.
     */
    @Override
    public List<Info> list() {
        List<SessionFiles> dirs = workerDirs();
        boolean allOver = true;
        for (int i = 0; allOver && i < dirs.size(); i++) allOver = recordedOver(dirs.get(i));
        // tmux is asked before the files are read again: see read(f, tmux)
        Set<String> live = allOver ? null : tmux.liveIds();
        List<Info> out = new ArrayList<>(dirs.size());
        for (SessionFiles f : dirs) {
            out.add(read(f, allOver ? Liveness.GONE : live == null ? Liveness.UNKNOWN : Liveness.of(live.contains(f.id()))));
        }
        return out;
    }

    @Override
    public boolean isAlive(String id) {
        if (Ids.problem(id) != null || id.equals(PULSE)) return false;
        return state(id).alive();
    }

    /** One session, the pulse's own too, reconciled like list() with one has-session call. Null when there is no such session. */
    public Info info(String id) {
        Ids.check("session id", id);
        SessionFiles f = files(id);
        return f.exists() ? read(f, liveness(f)) : null;
    }

    /** One session's state, the pulse's too; a session with no files reads from tmux alone. */
    public SessionState state(String id) {
        SessionFiles f = files(Ids.check("session id", id));
        return f.exists() ? read(f, liveness(f)).state() : f.state(liveness(f));
    }

    /** tmux is asked only when the files do not already say the session ended. */
    private Liveness liveness(SessionFiles f) {
        return recordedOver(f) ? Liveness.GONE : tmux.liveness(f.id());
    }

    private static boolean recordedOver(SessionFiles f) {
        SessionState s = f.readState();
        return s != null && !s.alive();
    }

    /**
     * The session's files, read after tmux answered (the wrapper records a
     * normal exit just before tmux drops the session), through the one
     * derivation. An end the files do not say yet is written, so the next
     * read is stable.
     */
    private static Info read(SessionFiles f, Liveness tmux) {
        SessionState recorded = f.readState();
        SessionState now = f.state(tmux);
        if (now != recorded && !now.alive() && f.exists()) f.writeState(now);
        Waits.Wait wait = now == SessionState.WAITING || now == SessionState.BLOCKED ? Waits.read(f) : null;
        return new Info(f.id(), now, now == SessionState.EXITED ? f.readExitCode() : null, f.readNote(),
                wait == null ? List.of() : wait.after(), wait == null ? null : wait.reason());
    }

    /** The workers' session dirs, by id; plain loops, as every beat lists them (Fs.inNameOrder says why). */
    private List<SessionFiles> workerDirs() {
        List<String> names = new ArrayList<>();
        for (Path p : Fs.listDirs(paths.sessions())) {
            String name = p.getFileName().toString();
            if (!name.startsWith(".") && !name.equals(PULSE)) names.add(name);
        }
        names.sort(null);
        List<SessionFiles> out = new ArrayList<>(names.size());
        for (String name : names) {
            SessionFiles f = files(name);
            if (looopMadeIt(f)) out.add(f); // reaping deletes only what looop made
        }
        return out;
    }

    /** A session directory looop made has the files it writes at every start; anything else is not a worker's. */
    static boolean looopMadeIt(SessionFiles f) {
        for (Path own : List.of(f.wrapper(), f.meta(), f.dir().resolve("state"))) {
            if (java.nio.file.Files.isRegularFile(own, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return true;
        }
        return false;
    }

    private SessionFiles files(String id) {
        return SessionFiles.of(paths, id);
    }

    // -- starting -----------------------------------------------------------------

    /** Starts worker id on runner (null: the config's default) with the contract and prompt as its brief. */
    @Override
    public void start(String rawId, String prompt, String runner) {
        start(rawId, prompt, runner, null, null);
    }

    /**
     * The same, in a worktree of its own when repo is given: a new branch
     * looop/&lt;id&gt; from base (null: the checkout's HEAD), its cwd there, and
     * repo, branch and base recorded in meta.json.
     */
    @Override
    public void start(String rawId, String prompt, String runner, Path repo, String base) {
        start(rawId, prompt, runner, repo, base, null);
    }

    /** The same, with verify (null: none) kept in meta.json for {@link Verify} to run once the worker exits. */
    @Override
    public void start(String rawId, String prompt, String runner, Path repo, String base, String verify) {
        String id = workerId(rawId);
        if (prompt == null || prompt.isBlank()) throw new UserError("worker " + id + " needs a prompt: say what it should do");
        Tmux.requireInstalled(paths);
        Config config = this.config.get();
        Config.RunnerDef def = runner == null ? config.defaultRunnerDef() : config.runner(runner);
        String interactive = interactiveCommand(def);
        Path promptFile = paths.prompts().resolve(id + ".md");
        String command = RunnerCommand.withPromptFile(interactive, promptFile);
        locked(() -> {
            refuseLive(id);
            refuseWaiting(id);
            WorkerRepos.refuseLeftWorktree(paths, id);
            Worktree w = repo == null ? null : WorkerRepos.worktrees(paths, this.config).create(id, repo, base);
            try {
                Fs.writeAtomic(promptFile, WorkerContract.brief(id, def.name(), prompt, w));
                launchFresh(new SessionFiles.Meta(id, def.name(), command, nowUnix(), promptFile.toString(), verify), Options.WORKER, w, config);
            } catch (RuntimeException e) {
                // nothing of the worker's is in it yet: a start that failed leaves no worktree behind
                if (w != null) WorkerRepos.worktrees(paths, this.config).discard(w);
                throw e;
            }
        });
    }

    /**
     * The same, once the workers in after have ended well (and, with a repo,
     * been merged): recorded as waiting now, checked like a start (the prompt,
     * the runner, the repo, every id in after), started by a beat's
     * housekeeping ({@link Waits#reconcile}). after empty: a start now.
     */
    @Override
    public void start(String rawId, String prompt, String runner, Path repo, String base, String verify, List<String> after) {
        if (after == null || after.isEmpty()) {
            start(rawId, prompt, runner, repo, base, verify);
            return;
        }
        String id = workerId(rawId);
        if (prompt == null || prompt.isBlank()) throw new UserError("worker " + id + " needs a prompt: say what it should do");
        Tmux.requireInstalled(paths);
        Config.RunnerDef def = runner == null ? config.get().defaultRunnerDef() : config.get().runner(runner);
        interactiveCommand(def);
        if (repo != null) looop.git.Repo.open(repo); // not a checkout: refused now, not when its turn comes
        List<String> deps = Waits.check(paths, id, after);
        locked(() -> {
            refuseLive(id);
            refuseWaiting(id);
            WorkerRepos.refuseLeftWorktree(paths, id);
            Waits.writeWaiting(paths, id, new Waits.Wait(deps, prompt, def.name(), repo == null ? null : repo.toString(), base, verify, null));
            Fs.delete(paths.prompts().resolve(id + ".md"));
        });
    }

    /** A waiting worker is started by looop alone, under its claim (see {@link Waits}); anyone else is told how it goes. */
    private void refuseWaiting(String id) {
        SessionFiles f = files(id);
        if (f.readState() != SessionState.WAITING || Files.exists(Waits.pending(paths, id))) return;
        Waits.Wait w = Waits.read(f);
        throw new UserError("worker " + id + " waits for " + (w == null ? "other workers" : String.join(", ", w.after()))
                + "; looop starts it once they are done, or `looop kill " + id + "` drops it");
    }

    /** After a crash mid-start: a new session whose terminal tmux never got is launched now; one tmux has is left alone. */
    @Override
    public void finishStart(String id) {
        SessionFiles f = files(workerId(id));
        if (f.readState() == SessionState.STARTING && !tmux.has(id)) restart(id);
    }

    /**
     * What a session's wrapper does beyond running its command, for a session
     * that is not a worker (the pulse's): variables of its own to export, and
     * a terminal that does not echo ^C, so Ctrl-C leaves no stray `^C` in its
     * log. Workers get neither: an agent's TUI sets its terminal up itself.
     */
    public record Options(Map<String, String> env, boolean quietCtrlC) {
        public static final Options WORKER = new Options(Map.of(), false);
    }

    /**
     * Runs a bare command as session id, with no contract and no runner: for
     * the pulse's own session, which list() does not count as a worker.
     */
    public void startCommand(String id, String command, Options options) {
        Ids.check("session id", id);
        Tmux.requireInstalled(paths);
        locked(() -> {
            refuseLive(id);
            launchFresh(new SessionFiles.Meta(id, null, command, nowUnix(), null), options, null, null);
        });
    }

    /** The runner's worker command, checked like a tick command: there, and its program on PATH. */
    private String interactiveCommand(Config.RunnerDef def) {
        String interactive = def.interactive();
        if (interactive == null || interactive.isBlank()) {
            throw new UserError("runner '" + def.name() + "' has no \"interactive\" command, so it cannot run a worker; add one "
                    + "with {{prompt_file}} (e.g. \"my-agent \\\"$(cat '{{prompt_file}}')\\\"\") to looop.json");
        }
        try {
            RunnerCommand.preflight(new Config.RunnerDef(def.name(), interactive, interactive, null, null), RunnerCommand.childEnv(paths));
        } catch (UserError e) {
            // preflight names the field it knows, "tick"; here the command is the interactive one
            throw new UserError(e.getMessage().replace("\"tick\"", "\"interactive\""));
        }
        return interactive;
    }

    /**
     * A session whose files say it ended may still hold its terminal for a
     * moment (its wrapper recorded the end and is exiting): that terminal is
     * closed, not taken for a live worker. Anything else tmux has is live.
     */
    private void refuseLive(String id) {
        if (tmux.has(id) && recordedOver(files(id))) tmux.run("kill-session", "-t", Tmux.sessionTarget(id));
        if (tmux.has(id)) {
            throw new UserError("session " + id + " is running; steer it with `looop send " + id + " …` or stop it with `looop _ kill " + id + "`");
        }
    }

    /**
     * A new session directory, built aside and renamed into place so a reader
     * never sees a half-made one, replacing a finished session of the same id
     * whole: nothing of its state, exit code, note or output survives.
     */
    private void launchFresh(SessionFiles.Meta meta, Options options, Worktree worktree, Config config) {
        Launcher.ensure(paths);
        SessionFiles f = files(meta.id());
        Path staging = stage(f, meta, options, worktree, config);
        Fs.deleteTree(f.dir());
        freshOutbox(f, meta.runner() != null);
        try {
            Fs.move(staging, f.dir());
        } catch (UncheckedIOException e) {
            Fs.deleteTree(staging);
            throw e;
        }
        launch(f, false);
    }

    private Path stage(SessionFiles f, SessionFiles.Meta meta, Options options, Worktree worktree, Config config) {
        Path dir = paths.sessions().resolve(".new-" + meta.id() + "-" + Fs.unique());
        Fs.mkdirs(dir); // through Fs: a sessions/ swapped for a link is refused, never written through
        SessionFiles staged = new SessionFiles(dir, f.outbox());
        staged.writeState(SessionState.STARTING);
        staged.writeMeta(meta, worktree);
        Fs.writeAtomic(staged.wrapper(), wrapper(f, meta, options, worktree, config));
        Fs.writeAtomic(staged.output(), "");
        return staged.dir();
    }

    /** A worker starts with an empty outbox: nothing a previous run of the id left there is its word now. */
    private static void freshOutbox(SessionFiles f, boolean worker) {
        Fs.deleteTree(f.outbox().dir());
        if (worker) f.outbox().make();
    }

    /**
     * Puts the wrapper into tmux (a new session, or the existing pane
     * respawned), turns output capture on, and only then lets the wrapper
     * run the command, so output.log holds its very first line. One tmux
     * call: a sequence stops at its first failing command.
     */
    private void launch(SessionFiles f, boolean respawn) {
        String id = f.id();
        Fs.delete(f.exitCode());
        Fs.delete(f.verify()); // a new run: its exit gets a verify of its own
        Fs.delete(f.outbox().killed());
        f.writeState(SessionState.STARTING);
        List<List<String>> steps = new ArrayList<>(respawn ? List.of(respawnPane(f)) : newSession(f));
        steps.add(List.of("pipe-pane", "-t", Tmux.paneTarget(id), Tmux.formatLiteral(appendCommand(f.output()))));
        steps.add(List.of("wait-for", "-S", Tmux.goChannel(id)));
        Tmux.Result r = tmux.runAll(steps);
        for (int attempt = 1; !r.ok() && !respawn && r.serverGone() && attempt <= 3; attempt++) {
            // the last session just ended and the server was exiting as we connected: a new one starts on the next try
            pause(100L * attempt);
            r = tmux.runAll(steps);
        }
        if (r.ok()) return;
        // a session left waiting for a signal that never comes would look alive forever; under the start lock it is ours
        tmux.run("kill-session", "-t", Tmux.sessionTarget(id));
        f.writeState(SessionState.KILLED);
        String retry = id.equals(PULSE) ? "`looop` tries again" : "`looop restart " + id + "` tries again";
        throw new UserError("tmux could not start session " + id + ": " + r.reason() + "; " + retry);
    }

    /**
     * What tmux pipes the pane into: dd appending by handle, refusing a link
     * at the log's name (O_NOFOLLOW), never a shell redirect that would
     * follow one. Each read from the pane is written as it came (no
     * fullblock), so the log keeps up with the screen.
     */
    static String appendCommand(Path log) {
        return "exec dd of=" + Proc.shellQuote(log.toString()) + " oflag=append,nofollow conv=notrunc bs=65536 status=none";
    }

    private List<String> respawnPane(SessionFiles f) {
        return List.of("respawn-pane", "-k", "-t", Tmux.paneTarget(f.id()), "-c", Tmux.formatLiteral(workDir(f).toString()),
                "bash", f.wrapper().toString());
    }

    /**
     * Server options, then the session, in one tmux call: options set on the
     * server only reach panes made after them. A new session takes the
     * variables named in update-environment from this client, whose
     * environment is looop's own; their values never appear in an argv.
     */
    private List<List<String>> newSession(SessionFiles f) {
        return List.of(
                List.of("start-server"),
                List.of("set-option", "-g", "history-limit", String.valueOf(HISTORY_LINES)),
                List.of("set-option", "-g", "remain-on-exit", "off"),
                List.of("set-option", "-g", "update-environment", envNames()),
                List.of("new-session", "-d", "-s", Tmux.sessionName(f.id()), "-x", String.valueOf(COLS), "-y", String.valueOf(ROWS),
                        "-c", Tmux.formatLiteral(workDir(f).toString()), "bash", f.wrapper().toString()));
    }

    private String envNames() {
        return paths.processEnv().keySet().stream()
                .filter(n -> n.matches("[A-Za-z_][A-Za-z0-9_]*") && !TERMINAL_VARS.contains(n))
                .sorted()
                .collect(Collectors.joining(" "));
    }

    /** Where a session runs: its worktree when it has one, else the data dir. */
    private Path workDir(SessionFiles f) {
        Worktree w = WorkerRepos.read(paths, f.id());
        return w == null ? paths.data : w.path();
    }

    /** The script tmux runs for a session, in its worktree (null: none, the data dir). Every value in it is shell-quoted. */
    private String wrapper(SessionFiles f, SessionFiles.Meta meta, Options options, Worktree worktree, Config config) {
        Path cwd = worktree == null ? paths.data : worktree.path();
        Map<String, String> exports = new TreeMap<>(paths.childEnv());
        exports.putAll(options.env());
        boolean worker = meta.runner() != null;
        StringBuilder s = new StringBuilder();
        s.append("#!/usr/bin/env bash\n");
        s.append("# Written by looop for session ").append(meta.id()).append(". tmux runs it: it waits until looop\n");
        s.append("# captures the terminal's output, runs the command, and records how it ended.\n");
        s.append("cd ").append(q(cwd.toString())).append(" || exit 1\n");
        exports.forEach((k, v) -> s.append("export ").append(k).append('=').append(q(v)).append('\n'));
        // the pulse is not a worker: its sensors and runner must not inherit a session id
        s.append(worker ? "export LOOOP_SESSION_ID=" + q(meta.id()) : "unset LOOOP_SESSION_ID").append('\n');
        s.append("dir=").append(q(f.dir().toString())).append('\n');
        s.append("box=").append(q(f.outbox().dir().toString())).append('\n');
        // private whatever the umask (the command itself keeps the user's, for the files it makes), and
        // renamed into place, so a link planted at state or exit_code is replaced, never written through
        // (set -C: the temp name is created fresh, O_EXCL, so a link planted there is not followed either)
        s.append("put() { ( umask 077; rm -f \"$dir/.$1.$$\"; set -C; printf '%s\\n' \"$2\" > \"$dir/.$1.$$\" ) && { mv -fT \"$dir/.$1.$$\" \"$dir/$1\" 2>/dev/null || mv -f \"$dir/.$1.$$\" \"$dir/$1\"; }; }\n"); // -T: a link to a dir is replaced, not entered
        s.append(tmux.command("wait-for", Tmux.goChannel(meta.id())).stream().map(TmuxSessions::q).collect(Collectors.joining(" ")))
                .append('\n');
        // C-c in the terminal signals the whole pane, this script too; a no-op trap (unlike an
        // ignored signal, not inherited by the command) keeps it alive to record the exit
        s.append("trap : INT QUIT\n");
        if (options.quietCtrlC()) s.append("stty -echoctl 2>/dev/null\n");
        s.append("rm -f \"$dir/exit_code\"\n"); // a restart's previous run may have recorded one late
        s.append("put state running\n");
        s.append(String.join(" ", commandArgv(meta, worktree, config).stream().map(TmuxSessions::q).toList())).append('\n');
        s.append("code=$?\n");
        s.append("put exit_code \"$code\"\n");
        // killed by looop (state says so) or by the worker itself (its outbox says so: `_ kill <own id>`)
        // (a plain file, not a link: the word is looked at, never followed)
        s.append("if { [ -f \"$box/killed\" ] && [ ! -L \"$box/killed\" ]; } || [ \"$(cat \"$dir/state\" 2>/dev/null)\" = killed ]; then put state killed; else put state exited; fi\n");
        s.append("exit \"$code\"\n");
        return s.toString();
    }

    /**
     * A worker's command runs in the sandbox (looop.profile.Confinement
     * decides its grant); the pulse's own session is looop itself and does not.
     * The wrapper around it stays outside: it records state and exit code.
     */
    private List<String> commandArgv(SessionFiles.Meta meta, Worktree worktree, Config config) {
        List<String> argv = List.of("bash", "-c", meta.command());
        if (meta.runner() == null) return argv;
        looop.profile.Confinement c = looop.profile.Confinement.of(paths, config);
        return c.wrap(argv, WorkerGrant.of(c, paths, meta.runner(), meta.id(), worktree));
    }

    private static String q(String s) {
        return Proc.shellQuote(s);
    }

    /** One tmux call: the pane's text with its colours, then its cursor; null once the pane is gone. */
    @Override
    public String fingerprint(String id) {
        if (Ids.problem(id) != null) return null;
        try {
            Tmux.Result r = tmux.runAll(List.of(
                    List.of("capture-pane", "-p", "-e", "-t", Tmux.paneTarget(id)),
                    List.of("display-message", "-p", "-t", Tmux.paneTarget(id), "#{cursor_x},#{cursor_y} #{pane_width}x#{pane_height}")));
            return r.ok() ? r.out() : null;
        } catch (UncheckedIOException e) {
            return null; // no tmux to ask: nothing seen, nothing recorded
        }
    }

    // -- driving ------------------------------------------------------------------

    @Override
    public void steer(String id, String input) {
        send(id, input, true);
    }

    /** The text in one write, then Enter in another after a pause: see ENTER_PAUSE_MS. */
    @Override
    public void send(String rawId, String text, boolean enter) {
        String id = workerId(rawId);
        String typed = text == null ? "" : text;
        if (typed.isEmpty() && !enter) throw new UserError("nothing to send to " + id + ": give some text, or drop -n to press Enter");
        Tmux.requireInstalled(paths);
        if (!typed.isEmpty()) {
            sent(id, tmux.run("send-keys", "-t", Tmux.paneTarget(id), "-l", "--", typed));
            if (enter) pause(ENTER_PAUSE_MS);
        }
        if (enter) sent(id, tmux.run("send-keys", "-t", Tmux.paneTarget(id), "Enter"));
    }

    @Override
    public void sendKeys(String rawId, List<String> keys) {
        String id = workerId(rawId);
        if (keys == null || keys.isEmpty()) throw new UserError("name at least one key to press, e.g. Enter, Esc or C-c", ExitCode.USAGE);
        List<String> names = keys.stream().map(Tmux::keyName).toList(); // all checked before any is pressed
        Tmux.requireInstalled(paths);
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) pause(KEY_PAUSE_MS);
            sent(id, tmux.run("send-keys", "-t", Tmux.paneTarget(id), names.get(i)));
        }
    }

    /** A failed send-keys: most often the session is not running, which the files then explain. */
    private void sent(String id, Tmux.Result r) {
        if (r.ok()) return;
        if (tmux.has(id)) throw new UserError("could not type into session " + id + ": " + r.reason());
        SessionFiles f = files(id);
        if (!f.exists()) throw noSession(id);
        Info now = info(id);
        String how = now.exitCode() != null ? now.state() + " with code " + now.exitCode() : now.state().word();
        throw new UserError("session " + id + " is not running (" + how + "); run it again with `looop restart " + id + "`");
    }

    private static UserError noSession(String id) {
        return new UserError("no session '" + id + "'; `looop ls` lists them, `looop start-session " + id + " <prompt>` starts one");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the session's command again from its saved meta.json: the pane is
     * respawned if the session still exists, else a new one is made. Output
     * is appended to the same output.log; the exit code and flag go.
     */
    @Override
    public void restart(String rawId) {
        String id = workerId(rawId);
        Tmux.requireInstalled(paths);
        SessionFiles f = existing(id);
        refuseWaiting(id);
        if (f.readState() == SessionState.BLOCKED) {
            Waits.Wait w = Waits.read(f);
            throw new UserError("worker " + id + " never started (" + (w == null ? "blocked" : w.reason()) + "); start it anew with `looop start-session "
                    + id + " <prompt>`");
        }
        SessionFiles.Meta meta = f.readMeta();
        if (meta == null) {
            throw new UserError("session " + id + " has no readable meta.json, so looop does not know its command; start it anew with `looop start-session " + id + " <prompt>`");
        }
        locked(() -> {
            Launcher.ensure(paths);
            Fs.writeAtomic(f.wrapper(), wrapper(f, meta, Options.WORKER, WorkerRepos.read(paths, id), config.get())); // the current looop's exports, not the first start's
            Fs.delete(f.outbox().note());
            f.outbox().make();
            launch(f, tmux.has(id));
        });
    }

    // -- the worker's own verbs -----------------------------------------------------

    /** Files only, in the worker's outbox: a worker can flag itself even where tmux is not on its PATH. */
    @Override
    public void flag(String rawId, String note) {
        SessionFiles f = existing(ownId(rawId, "flag"));
        String text = Journal.oneLine(note);
        Fs.mkdirs(f.outbox().dir());
        Fs.writeAtomic(f.outbox().note(), (text.isEmpty() ? "needs attention" : text) + "\n");
    }

    @Override
    public void unflag(String rawId) {
        Fs.delete(existing(ownId(rawId, "unflag")).outbox().note());
    }

    /**
     * Outside a sandbox, the engine ends the session. Inside, tmux is out of
     * reach and sessions/ is looop's: the worker says so in its outbox and
     * ends every process of its sandbox; its wrapper, outside, records killed.
     */
    @Override
    public void kill(String rawId) {
        String id = ownId(rawId, "kill");
        if (WorkerIdentity.confined(paths)) {
            Fs.writeAtomic(existing(id).outbox().killed(), "");
            looop.sandbox.Inside.endEveryOtherProcess();
            return;
        }
        Tmux.requireInstalled(paths);
        existing(id);
        stop(id, Duration.ZERO);
    }

    /** The worker id a worker verb acts on; inside a sandbox only the worker's own (see {@link WorkerIdentity}). */
    private String ownId(String rawId, String verb) {
        return WorkerIdentity.own(paths, workerId(rawId), "_ " + verb);
    }

    /**
     * The one way a session is stopped, a worker's or the pulse's. With a
     * grace, Ctrl-C first, as a person would type it, and the session gets
     * that long to end by itself (the pulse finishes its beat). Then, if it
     * still runs: state killed first, then the terminal goes, so the wrapper,
     * cut off mid-command, finds "killed" rather than record an exit. A
     * session that already ended keeps the state it ended with. Returns
     * whether the session's terminal was there to stop.
     */
    public boolean stop(String id, Duration grace) {
        SessionFiles f = files(Ids.check("session id", id));
        boolean there = tmux.has(id);
        if (there && !grace.isZero()) {
            tmux.run("send-keys", "-t", Tmux.paneTarget(id), "C-c");
            long deadline = System.nanoTime() + grace.toNanos();
            while (tmux.has(id) && System.nanoTime() - deadline < 0) pause(50);
        }
        SessionState recorded = f.readState();
        if (f.exists() && (recorded == null || recorded.alive() || recorded == SessionState.WAITING)) f.writeState(SessionState.KILLED);
        tmux.run("kill-session", "-t", Tmux.sessionTarget(id)); // "can't find session" just means it is gone already
        return there;
    }

    private SessionFiles existing(String id) {
        SessionFiles f = files(id);
        if (!f.exists()) throw noSession(id);
        return f;
    }

    // -- cleaning up --------------------------------------------------------------

    /** Finished sessions whose state last changed more than ttlSeconds ago: directory and brief removed. */
    @Override
    public List<String> reapOlderThan(long ttlSeconds) {
        return reap(System.currentTimeMillis() - ttlSeconds * 1000);
    }

    @Override
    public List<String> prune() {
        return reap(Long.MAX_VALUE);
    }

    /** Removes the finished sessions whose state last changed at or before cutoff (epoch millis). */
    private List<String> reap(long cutoff) {
        removeAbandonedStaging();
        List<String> reaped = new ArrayList<>();
        List<Info> all = list();
        Set<String> awaited = Waits.awaited(paths, all); // a waiting worker still has to read how these ended
        for (Info i : all) {
            SessionFiles f = files(i.id());
            if (i.alive() || i.state() == SessionState.WAITING || awaited.contains(i.id())) continue;
            if (cutoff != Long.MAX_VALUE && lastChange(f) > cutoff) continue;
            if (WorkerRepos.keepsUnmerged(paths, i.id(), config)) continue;
            CostQueue.ingest(paths, i.id()); // what it spent outlives its files
            Fs.deleteTree(f.dir());
            Fs.deleteTree(f.outbox().dir());
            Fs.delete(paths.prompts().resolve(i.id() + ".md"));
            reaped.add(i.id());
        }
        reaped.sort(Comparator.naturalOrder());
        return reaped;
    }

    /** A start that died between staging a directory and renaming it into place leaves `.new-*` behind. */
    private void removeAbandonedStaging() {
        long cutoff = System.currentTimeMillis() - STALE_STAGING_MS;
        for (Path p : Fs.listDirs(paths.sessions())) {
            if (p.getFileName().toString().startsWith(".new-") && Fs.modifiedMillis(p) < cutoff) Fs.deleteTree(p);
        }
    }

    private static long lastChange(SessionFiles f) {
        return Files.exists(f.state()) ? Fs.modifiedMillis(f.state()) : Fs.modifiedMillis(f.dir());
    }

    // -- helpers ----------------------------------------------------------------------

    /**
     * Whether id can be a worker's: worker ids become tmux session names, in
     * which tmux rewrites '.' and ':' and expands '#', so only [\p{L}\p{N}_-]+.
     * Checked by hand: a regex compiles cold in every `_ flag` (StartupTest
     * holds the two alike on every code point).
     */
    public static boolean isSafeId(String id) {
        if (id.isEmpty()) return false;
        for (int i = 0; i < id.length(); ) {
            int c = id.codePointAt(i);
            i += Character.charCount(c);
            if (c == '_' || c == '-' || Character.isLetter(c)) continue;
            int type = Character.getType(c);
            if (type != Character.DECIMAL_DIGIT_NUMBER && type != Character.LETTER_NUMBER && type != Character.OTHER_NUMBER) return false;
        }
        return true;
    }

    /** A worker id: `looop-` stripped, `pulse` refused, and only characters a tmux session name keeps. */
    public static String workerId(String raw) {
        String id = Ids.worker(raw);
        if (!isSafeId(id)) {
            throw new UserError("bad session id '" + id + "': worker ids become tmux session names, so use only letters, digits, '-' or '_'");
        }
        return id;
    }

    private static long nowUnix() {
        return System.currentTimeMillis() / 1000;
    }

    /**
     * Starting and restarting are check-then-act (is the id free?), so they
     * run under sessions/.lock, an OS lock the kernel drops if looop dies.
     */
    private void locked(Runnable body) {
        new FileMutex(paths.sessions().resolve(".lock")).locked(body);
    }
}
