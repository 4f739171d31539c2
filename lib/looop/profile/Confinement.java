package looop.profile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import looop.io.Fs;
import looop.io.UserError;
import looop.sandbox.Grant;
import looop.sandbox.Mode;
import looop.sandbox.Protected;
import looop.sandbox.RunnerState;
import looop.sandbox.Sandbox;
import looop.sandbox.SandboxPolicy;
import looop.sandbox.SandboxUnavailable;

/**
 * Which grant each kind of command the AI can cause gets, on top of the
 * profile's sandbox policy. Decided here, by looop, never by config or AI:
 *
 * <pre>
 * every command   data dir and config readable (a private /tmp would cover a data dir there),
 *                 looop's own files protected (policy, history, bookkeeping), the tmux socket's dir and private/ hidden
 * run_shell       + reports/ writable
 * user sensor     nothing more
 * tick command    + the runner's state dirs, + runs/&lt;id&gt;/decide/ (where its decision goes)
 * worker          + its own dir workers/&lt;id&gt;/ (outbox and tells), the claims lock file, reports/, the
 *                 runner's state dirs, its worktree and its branch's part of the repo; keeps its terminal
 *
 * Nothing looop runs (a session's wrapper), trusts as its own record
 * (sessions/, meta.json, state, others' leases) or follows as a path is in
 * any of these: the worker's word reaches looop through its outbox, read as data.
 * </pre>
 */
public final class Confinement {
    /** The environment knob that overrides sandbox.mode (the human's, as no sandboxed command can set looop's env). */
    public static final String MODE_ENV = "LOOOP_SANDBOX";

    private final Paths paths;
    private final Config config;
    private final Sandbox sandbox;

    private Confinement(Paths paths, Config config, Sandbox sandbox) {
        this.paths = paths;
        this.config = config;
        this.sandbox = sandbox;
    }

    /** The environment knob naming the bwrap binary, where PATH's is not the one to use. */
    public static final String BWRAP_ENV = "LOOOP_BWRAP";

    public static Confinement of(Paths paths, Config config) {
        return of(paths, config, paths.data.resolve(Sandbox.STATE_DIR));
    }

    /** The same grants with the seccomp filter in a temp dir of this JVM's: for `doctor` and `status`, which write nothing in the data dir. */
    public static Confinement probing(Paths paths, Config config) {
        return of(paths, config, null);
    }

    private static Confinement of(Paths paths, Config config, Path filterDir) {
        String bwrap = paths.env(BWRAP_ENV);
        SandboxPolicy policy = policy(paths, config.sandbox());
        Path bin = bwrap != null ? Path.of(bwrap) : looop.sandbox.Bwrap.onPath();
        Sandbox box = Sandbox.of(policy, bin, filterDir);
        return new Confinement(paths, config, box);
    }

    private static SandboxPolicy policy(Paths paths, SandboxPolicy configured) {
        String mode = paths.env(MODE_ENV);
        if (mode == null) return configured;
        for (Mode m : Mode.values()) {
            if (m.key().equals(mode.toLowerCase(Locale.ROOT))) {
                return configured.withMode(m);
            }
        }
        throw new UserError(MODE_ENV + " must be auto, required or off, not \"" + mode + "\"; fix or unset it");
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** run_shell: it may leave what it made in reports/. */
    public UnaryOperator<List<String>> runShell() {
        return wrapper(runShellGrant());
    }

    /** run_shell's wrapper that also hands made the shape of each sandbox it builds (a spare's: see looop.act.moves.SpareShell). */
    public UnaryOperator<List<String>> runShell(Consumer<Sandbox.Shape> made) {
        return wrapper(runShellGrant(), made);
    }

    /** The shape run_shell's sandbox would have now; null when commands run unconfined. */
    public Sandbox.Shape runShellShape() {
        return sandbox.shape(runShellGrant());
    }

    private Grant runShellGrant() {
        Fs.mkdirs(paths.reports());
        return base().write(List.of(paths.reports()));
    }

    /** A user sensor: reads what it watches, writes nothing (its stdout is its reading). */
    public UnaryOperator<List<String>> sensor() {
        return wrapper(base());
    }

    /**
     * The sensors of one beat that share these read grants (their headers'
     * `# looop:read=`), run together in one sandbox: each reads what it
     * watches, and the one scratch dir their launcher reports through is
     * writable (see looop.sense.SensorBox). Vet the reads first ({@link #readRefusal}).
     */
    public UnaryOperator<List<String>> sensors(List<Path> reads, Path scratch) {
        return wrapper(base().read(reads).write(List.of(scratch)));
    }

    /** Why these read grants may not be shown (one line, with the fix), or null (see ReadGrants). */
    public String readRefusal(List<Path> reads) {
        return looop.sandbox.ReadGrants.refusal(reads, hiddenPaths(), sandbox.policy().write());
    }

    /** What every sandboxed command has hidden: the deny list and looop's own hidden dirs. */
    public List<Path> hiddenPaths() {
        List<Path> out = new ArrayList<>(sandbox.policy().denyRead());
        out.addAll(ownHidden());
        return out;
    }

    /**
     * A command of looop's own that reads what a sandboxed process wrote (git
     * on a worker's worktree, whose files and attributes the worker shapes):
     * readable, where the private /tmp would hide them, and nothing writable.
     */
    public UnaryOperator<List<String>> reader(List<Path> readable) {
        return wrapper(base().read(readable));
    }

    /** A runner's tick command: its CLI's own state, and the one dir where its decision goes. */
    public UnaryOperator<List<String>> decide(String runner, Path decisionDir) {
        Fs.mkdirs(decisionDir);
        RunnerState.State state = state(runner, false);
        List<Path> writable = new ArrayList<>(runnerState(runner, state, true));
        writable.add(decisionDir);
        return wrapper(base().write(writable).protect(state.policy()));
    }

    /** What `looop doctor` runs a runner's checks under: the tick's grant without a decision dir, and nothing made. */
    public UnaryOperator<List<String>> runnerCheck(String runner) {
        RunnerState.State state = state(runner, false);
        return wrapper(base().write(runnerState(runner, state, false)).protect(state.policy()));
    }

    /**
     * The state of the CLI runner's command runs (see RunnerCli: by the
     * command, not the name), in looop's environment and the command's own
     * assignments; a runner looop.json does not define counts by its name.
     */
    public RunnerState.State state(String runner, boolean worker) {
        Config.RunnerDef def = config.runners().get(runner);
        RunnerCli cli = def != null ? RunnerCli.of(def, worker) : new RunnerCli(runner, java.util.Map.of());
        return cli.state(paths, home());
    }

    /**
     * What every worker's command gets whatever its engine: looop's files
     * protected as for every command, its CLI's state writable and the CLI's
     * policy protected, and what writable names (the worker's own channel,
     * which workers.WorkerGrant makes and adds its worktree to).
     */
    public Grant worker(String runner, List<Path> writable) {
        RunnerState.State state = state(runner, true);
        List<Path> all = new ArrayList<>(writable);
        all.addAll(runnerState(runner, state, true));
        return base().write(all).protect(state.policy()).interactive(true);
    }

    /** The argv that runs a worker's argv under grant; refused in one line when the sandbox is required but missing. */
    public List<String> wrap(List<String> argv, Grant grant) {
        return wrap(argv, grant, null);
    }

    private List<String> wrap(List<String> argv, Grant grant, Consumer<Sandbox.Shape> made) {
        try {
            return sandbox.wrap(argv, grant, made);
        } catch (SandboxUnavailable e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The grant as a wrapper for Proc.Spec; a class, as sensors are wrapped every beat (Fs.inNameOrder). */
    private UnaryOperator<List<String>> wrapper(Grant grant) {
        return wrapper(grant, null);
    }

    private UnaryOperator<List<String>> wrapper(Grant grant, Consumer<Sandbox.Shape> made) {
        return new UnaryOperator<>() {
            @Override
            public List<String> apply(List<String> argv) {
                return wrap(argv, grant, made);
            }
        };
    }

    private Grant base() {
        String bad = readRefusal(sandbox.policy().read());
        if (bad != null) throw new UserError("sandbox.read in " + paths.config + ": " + bad);
        return Grant.none()
                .protect(protectedPaths())
                .hide(ownHidden())
                .read(List.of(paths.data, paths.config));
    }

    private List<Path> ownHidden() {
        // the socket's whole dir, made by socket() before any command: a server started later stays out of reach;
        // private/: notify secrets, the page's sign-in; outbox/: notices and a channel's errors, which may echo a secret
        return List.of(TmuxSocket.of(paths).getParent(), Secrets.hiddenDir(paths), notifyOutbox());
    }

    /** The notification outbox, made before the sandbox that hides it (a sandbox hides what exists). */
    private Path notifyOutbox() {
        try {
            Fs.mkdirs(paths.outbox());
        } catch (RuntimeException readOnly) {
            // inside a sandbox already: nothing to make
        }
        return paths.outbox();
    }

    /**
     * The sandbox's list plus what this layout holds beyond it, and the data
     * dir itself: a write list naming ~ must not open it (a new file there
     * could be one looop reads later). Grants reopen exactly their holes.
     */
    private List<Path> protectedPaths() {
        List<Path> out = new ArrayList<>(Protected.of(paths.data, paths.configTarget()));
        out.addAll(List.of(paths.data, paths.config, paths.asks(), paths.outbox(), paths.schedules(), paths.workerOutboxes(),
                paths.bin().getParent(), paths.data.resolve(".act-pending.json")));
        return out;
    }

    /**
     * A grant beats protection, and a runner's "sandbox_write" and the CLI's
     * variables are config: so a state dir at or under one of looop's own
     * files (goals/, the journal…) is dropped. A dir of its own in the data
     * dir (the offline runner's) stays. The CLI's own dirs are made first, as
     * a grant opens only what exists (pi stops with ENOENT otherwise); a
     * runner's own list is taken as it is.
     */
    private List<Path> runnerState(String runner, RunnerState.State state, boolean make) {
        List<Path> override = config.sandboxWrite(runner);
        if (override == null && make) state.dirs().stream().filter(this::grantable).forEach(Confinement::makeQuietly);
        return (override != null ? List.copyOf(override) : state.writable()).stream().filter(this::grantable).toList();
    }

    /** Not at or under looop's own files (the data dir itself aside). */
    public boolean grantable(Path p) {
        Path n = p.toAbsolutePath().normalize();
        return protectedPaths().stream().filter(q -> !q.equals(paths.data)).noneMatch(n::startsWith);
    }

    /** A state dir that cannot be made stays out of the grant; `looop doctor` says why. */
    private static void makeQuietly(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException | SecurityException e) {
            // the CLI will say so in its own words, and the doctor in ours
        }
    }

    public Path home() {
        String home = paths.env("HOME");
        return Path.of(home != null ? home : System.getProperty("user.home")).toAbsolutePath().normalize();
    }
}
