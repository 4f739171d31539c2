package looop.workers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import looop.decide.Runner;
import looop.io.ExitCode;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Journal;
import looop.profile.Launcher;
import looop.profile.Paths;

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
    /** A session this young may still be on its way into tmux, so not finding it there proves nothing yet. */
    static final long START_GRACE_MS = 10_000;
    /** A staging directory this old belongs to no start still running. */
    static final long STALE_STAGING_MS = 3_600_000;
    /** Agent TUIs drop an Enter that arrives in the same read as the text before it. */
    static final long ENTER_PAUSE_MS = 150;
    /** Keys sent in one burst can merge (Esc then x reads as Alt-x), so each key is its own write. */
    static final long KEY_PAUSE_MS = 50;
    /** Terminal-specific variables tmux sets for each pane itself. */
    private static final Set<String> TERMINAL_VARS = Set.of("TERM", "TMUX", "TMUX_PANE", "COLUMNS", "LINES");
    /** Worker ids become tmux session names, in which tmux rewrites '.' and ':' and expands '#'. */
    private static final String SAFE_ID = "[\\p{L}\\p{N}_-]+";
    /** Threads of one JVM queue here first: an OS file lock belongs to the whole process. */
    private static final ReentrantLock THREADS = new ReentrantLock();

    private final Paths paths;
    private final Tmux tmux;

    public TmuxSessions(Paths paths) {
        this.paths = paths;
        this.tmux = new Tmux(paths);
    }

    public Tmux tmux() {
        return tmux;
    }

    // -- reading ----------------------------------------------------------------

    /**
     * Every worker, sorted by id, from the files alone plus at most one tmux
     * call (only when some worker says it is alive). It never reads
     * output.log, so a worker that prints a lot cannot slow the beat.
     */
    @Override
    public List<Info> list() {
        List<Info> seen = workerDirs().stream().map(TmuxSessions::read).toList();
        if (seen.stream().noneMatch(Info::alive)) return seen;
        Set<String> live = tmux.liveIds();
        if (live == null) return seen; // cannot ask tmux: keep what the files say rather than guess "dead"
        return seen.stream().map(i -> i.alive() && !live.contains(i.id()) ? settle(files(i.id())) : i).toList();
    }

    @Override
    public boolean isAlive(String id) {
        if (Ids.problem(id) != null || id.equals(PULSE)) return false;
        SessionFiles f = files(id);
        if (!f.exists() || !read(f).alive()) return false;
        Set<String> live = tmux.liveIds();
        return live == null || live.contains(id) || settle(f).alive();
    }

    /**
     * One session, reconciled like list() but with one has-session call; the
     * pulse's own session too. Null when there is no such session.
     */
    public Info info(String id) {
        Ids.check("session id", id);
        SessionFiles f = files(id);
        if (!f.exists()) return null;
        Info seen = read(f);
        if (!seen.alive() || Tmux.find(paths) == null || tmux.has(id)) return seen;
        return settle(f);
    }

    /** One session as its files say, before asking tmux. A missing or unknown state counts as killed. */
    static Info read(SessionFiles f) {
        String state = f.readState();
        if (state == null || !List.of(SessionFiles.STARTING, SessionFiles.RUNNING, SessionFiles.EXITED).contains(state)) {
            state = SessionFiles.KILLED;
        }
        return new Info(f.id(), state, f.readExitCode(), f.readNote());
    }

    /**
     * A session that says it is alive but that tmux does not have. Its files
     * are read again, since the wrapper records a normal exit just before
     * tmux drops the session; if they still say alive, it was killed.
     */
    private Info settle(SessionFiles f) {
        Info again = read(f);
        if (!again.alive()) return again;
        boolean young = again.state().equals(SessionFiles.STARTING)
                && System.currentTimeMillis() - Fs.modifiedMillis(f.state()) < START_GRACE_MS;
        if (young) return again;
        f.writeState(SessionFiles.KILLED);
        return read(f);
    }

    private List<SessionFiles> workerDirs() {
        return Fs.listDirs(paths.sessions()).stream()
                .map(p -> p.getFileName().toString())
                .filter(name -> !name.startsWith(".") && !name.equals(PULSE))
                .sorted()
                .map(this::files)
                .toList();
    }

    private SessionFiles files(String id) {
        return SessionFiles.of(paths, id);
    }

    // -- starting -----------------------------------------------------------------

    /** Starts worker id on runner (null: the config's default) with the contract and prompt as its brief. */
    @Override
    public void start(String rawId, String prompt, String runner) {
        String id = workerId(rawId);
        if (prompt == null || prompt.isBlank()) throw new UserError("worker " + id + " needs a prompt: say what it should do");
        Tmux.requireInstalled(paths);
        Config config = Config.load(paths);
        Config.RunnerDef def = runner == null ? config.defaultRunnerDef() : config.runner(runner);
        String interactive = interactiveCommand(def);
        Path promptFile = paths.prompts().resolve(id + ".md");
        String command = Runner.withPromptFile(interactive, promptFile);
        locked(() -> {
            refuseLive(id);
            Fs.writeAtomic(promptFile, WorkerContract.brief(id, def.name(), prompt));
            launchFresh(new SessionFiles.Meta(id, def.name(), command, nowUnix(), promptFile.toString()));
        });
    }

    /**
     * Runs a bare command as session id, with no contract and no runner: for
     * the pulse's own session, which list() does not count as a worker.
     */
    public void startCommand(String id, String command) {
        Ids.check("session id", id);
        Tmux.requireInstalled(paths);
        locked(() -> {
            refuseLive(id);
            launchFresh(new SessionFiles.Meta(id, null, command, nowUnix(), null));
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
            Runner.preflight(new Config.RunnerDef(def.name(), interactive, interactive, null, null), Runner.childEnv(paths));
        } catch (UserError e) {
            // preflight names the field it knows, "tick"; here the command is the interactive one
            throw new UserError(e.getMessage().replace("\"tick\"", "\"interactive\""));
        }
        return interactive;
    }

    private void refuseLive(String id) {
        if (tmux.has(id)) {
            throw new UserError("session " + id + " is running; steer it with `looop send " + id + " …` or stop it with `looop _ kill " + id + "`");
        }
    }

    /**
     * A new session directory, built aside and renamed into place so a reader
     * never sees a half-made one, replacing a finished session of the same id
     * whole: nothing of its state, exit code, note or output survives.
     */
    private void launchFresh(SessionFiles.Meta meta) {
        Launcher.ensure(paths);
        SessionFiles f = files(meta.id());
        Path staging = stage(f, meta);
        Fs.deleteTree(f.dir());
        try {
            Files.move(staging, f.dir(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Fs.deleteTree(staging);
            throw new UncheckedIOException(e);
        }
        launch(f, false);
    }

    private Path stage(SessionFiles f, SessionFiles.Meta meta) {
        try {
            Fs.mkdirs(paths.sessions());
            SessionFiles staged = new SessionFiles(Files.createTempDirectory(paths.sessions(), ".new-" + meta.id() + "-"));
            staged.writeState(SessionFiles.STARTING);
            staged.writeMeta(meta);
            Fs.writeAtomic(staged.wrapper(), wrapper(f, meta));
            Fs.writeAtomic(staged.output(), "");
            return staged.dir();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        f.writeState(SessionFiles.STARTING);
        List<List<String>> steps = new ArrayList<>(respawn ? List.of(respawnPane(f)) : newSession(f));
        steps.add(List.of("pipe-pane", "-t", Tmux.paneTarget(id), "cat >> " + Tmux.formatLiteral(Proc.shellQuote(f.output().toString()))));
        steps.add(List.of("wait-for", "-S", Tmux.goChannel(id)));
        Tmux.Result r = tmux.runAll(steps);
        if (r.ok()) return;
        // a session left waiting for a signal that never comes would look alive forever; under the start lock it is ours
        tmux.run("kill-session", "-t", Tmux.sessionTarget(id));
        f.writeState(SessionFiles.KILLED);
        throw new UserError("tmux could not start session " + id + ": " + r.reason() + "; `looop restart " + id + "` tries again");
    }

    private List<String> respawnPane(SessionFiles f) {
        return List.of("respawn-pane", "-k", "-t", Tmux.paneTarget(f.id()), "-c", Tmux.formatLiteral(paths.data.toString()),
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
                        "-c", Tmux.formatLiteral(paths.data.toString()), "bash", f.wrapper().toString()));
    }

    private String envNames() {
        return paths.processEnv().keySet().stream()
                .filter(n -> n.matches("[A-Za-z_][A-Za-z0-9_]*") && !TERMINAL_VARS.contains(n))
                .sorted()
                .collect(Collectors.joining(" "));
    }

    /** The script tmux runs for a session. Every value in it is shell-quoted. */
    private String wrapper(SessionFiles f, SessionFiles.Meta meta) {
        Map<String, String> exports = new TreeMap<>(paths.childEnv());
        boolean worker = meta.runner() != null;
        StringBuilder s = new StringBuilder();
        s.append("#!/usr/bin/env bash\n");
        s.append("# Written by looop for session ").append(meta.id()).append(". tmux runs it: it waits until looop\n");
        s.append("# captures the terminal's output, runs the command, and records how it ended.\n");
        s.append("cd ").append(q(paths.data.toString())).append(" || exit 1\n");
        exports.forEach((k, v) -> s.append("export ").append(k).append('=').append(q(v)).append('\n'));
        // the pulse is not a worker: its sensors and runner must not inherit a session id
        s.append(worker ? "export LOOOP_SESSION_ID=" + q(meta.id()) : "unset LOOOP_SESSION_ID").append('\n');
        s.append("dir=").append(q(f.dir().toString())).append('\n');
        s.append("put() { printf '%s\\n' \"$2\" > \"$dir/.$1.$$\" && mv -f \"$dir/.$1.$$\" \"$dir/$1\"; }\n");
        s.append(tmux.command("wait-for", Tmux.goChannel(meta.id())).stream().map(TmuxSessions::q).collect(Collectors.joining(" ")))
                .append('\n');
        // C-c in the terminal signals the whole pane, this script too; a no-op trap (unlike an
        // ignored signal, not inherited by the command) keeps it alive to record the exit
        s.append("trap : INT QUIT\n");
        s.append("rm -f \"$dir/exit_code\"\n"); // a restart's previous run may have recorded one late
        s.append("put state running\n");
        s.append(String.join(" ", commandArgv(meta).stream().map(TmuxSessions::q).toList())).append('\n');
        s.append("code=$?\n");
        s.append("put exit_code \"$code\"\n");
        s.append("[ \"$(cat \"$dir/state\" 2>/dev/null)\" = killed ] || put state exited\n");
        s.append("exit \"$code\"\n");
        return s.toString();
    }

    /**
     * A worker's command runs in the sandbox (looop.profile.Confinement
     * decides its grant); the pulse's own session is looop itself and does not.
     * The wrapper around it stays outside: it records state and exit code.
     */
    private List<String> commandArgv(SessionFiles.Meta meta) {
        List<String> argv = List.of("bash", "-c", meta.command());
        if (meta.runner() == null) return argv;
        looop.profile.Confinement c = looop.profile.Confinement.of(paths, Config.load(paths));
        return c.wrap(argv, c.worker(meta.runner(), meta.id()));
    }

    private static String q(String s) {
        return Proc.shellQuote(s);
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
        Info now = list().stream().filter(i -> i.id().equals(id)).findFirst().orElse(read(f));
        String how = now.exitCode() != null ? now.state() + " with code " + now.exitCode() : now.state();
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
        SessionFiles.Meta meta = f.readMeta();
        if (meta == null) {
            throw new UserError("session " + id + " has no readable meta.json, so looop does not know its command; start it anew with `looop start-session " + id + " <prompt>`");
        }
        locked(() -> {
            Launcher.ensure(paths);
            Fs.writeAtomic(f.wrapper(), wrapper(f, meta)); // the current looop's exports, not the first start's
            Fs.delete(f.note());
            launch(f, tmux.has(id));
        });
    }

    // -- the worker's own verbs -----------------------------------------------------

    /** Files only: a worker can flag itself even where tmux is not on its PATH. */
    @Override
    public void flag(String rawId, String note) {
        SessionFiles f = existing(workerId(rawId));
        String text = Journal.oneLine(note);
        Fs.writeAtomic(f.note(), (text.isEmpty() ? "needs attention" : text) + "\n");
    }

    @Override
    public void unflag(String rawId) {
        Fs.delete(existing(workerId(rawId)).note());
    }

    /**
     * State killed first, then the terminal goes: the wrapper, cut off
     * mid-command, must find "killed" rather than record an exit. A session
     * that already ended keeps the state it ended with.
     */
    @Override
    public void kill(String rawId) {
        String id = workerId(rawId);
        Tmux.requireInstalled(paths);
        SessionFiles f = existing(id);
        if (read(f).alive()) f.writeState(SessionFiles.KILLED);
        tmux.run("kill-session", "-t", Tmux.sessionTarget(id)); // "can't find session" just means it is gone already
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
        long cutoff = System.currentTimeMillis() - ttlSeconds * 1000;
        return reap(f -> lastChange(f) <= cutoff);
    }

    @Override
    public List<String> prune() {
        return reap(f -> true);
    }

    private List<String> reap(java.util.function.Predicate<SessionFiles> old) {
        removeAbandonedStaging();
        List<String> reaped = new ArrayList<>();
        for (Info i : list()) {
            SessionFiles f = files(i.id());
            if (i.alive() || !old.test(f)) continue;
            Fs.deleteTree(f.dir());
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

    /** A worker id: `looop-` stripped, `pulse` refused, and only characters a tmux session name keeps. */
    public static String workerId(String raw) {
        String id = Ids.worker(raw);
        if (!id.matches(SAFE_ID)) {
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
        Fs.mkdirs(paths.sessions());
        THREADS.lock();
        try (FileChannel ch = FileChannel.open(paths.sessions().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = ch.lock()) {
            body.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            THREADS.unlock();
        }
    }
}
