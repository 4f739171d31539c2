package looop.beat;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import looop.decide.Runner;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.io.Log;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Launcher;
import looop.profile.Lock;
import looop.profile.Paths;
import looop.workers.OutputLog;
import looop.workers.SessionFiles;
import looop.workers.SessionView;
import looop.workers.Tmux;

/**
 * `looop` with no verb: the loop in the foreground of a person's terminal.
 *
 * The pulse runs as a session of its own (id `pulse`, tmux session
 * `looop-pulse`, files in sessions/pulse/ like any worker's), so it can be
 * watched with `looop watch pulse` and outlives nothing by accident: this
 * process streams the pulse's output.log, and when it is told to stop (Ctrl-C,
 * SIGTERM) or the pulse dies, it stops the pulse and every live worker and
 * says what it stopped. When a live pulse session already exists (a second
 * `looop` on the profile) it attaches to it instead of starting another one;
 * Ctrl-C there stops the loop just the same (`looop watch pulse` only looks).
 *
 * A pulse that exits by itself (a bad looop.json, or `already running`
 * because a `looop run` outside tmux holds the profile's lock) has its last
 * lines printed and its exit code passed on. Workers are then stopped only if
 * no other pulse holds the lock: a running pulse elsewhere still owns them.
 *
 * The pulse logs in the format chosen by whoever started it (`looop --json`
 * passes --json on); in JSON mode anything it prints that is not a JSON object
 * reaches stdout wrapped as one. A stdout nobody reads any more (`looop | head`)
 * stops the loop like Ctrl-C does.
 */
public final class Foreground {
    public static final String PULSE = "pulse";
    /** How long the pulse gets to finish its beat after Ctrl-C before its session is killed. */
    private static final long STOP_GRACE_MS = 5_000;
    private static final long STREAM_POLL_MS = 100;
    /** Lines of a running pulse's log shown when attaching to it, like `tail`. */
    private static final int ATTACH_TAIL = 20;

    private final Paths paths;
    private final PrintStream out;
    private final boolean json;
    private final boolean color;
    private final Log log;
    private final SessionView view;
    private final Tmux tmux;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch streamed = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    public Foreground(Paths paths, PrintStream out, boolean json) {
        this.paths = paths;
        this.out = out;
        Map<String, String> env = paths.processEnv();
        this.json = json || "json".equalsIgnoreCase(env.getOrDefault("LOOOP_LOG_FORMAT", ""));
        this.color = !this.json && Log.wantsColor(env, System.console() != null);
        this.log = Log.forProcess(out, this.json, env);
        this.view = new SessionView(paths);
        this.tmux = view.tmux();
    }

    /** Brings the pulse up (or attaches), streams it until it ends, and returns the exit code. */
    public int run() {
        // a pulse that cannot decide would die in its session: refuse here, before anything is written
        Runner.preflight(paths, Config.load(paths).defaultRunnerDef());
        requireTmux();
        // the hook goes in first: Ctrl-C while the pulse is being started must stop it too
        Thread hook = new Thread(this::onSignal, "looop-foreground-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long from;
        try {
            from = bringUp();
        } catch (RuntimeException e) {
            forget(hook); // nothing was brought up, so an exit must not stop the workers
            throw e;
        }
        stream(from);
        if (!stopping.compareAndSet(false, true)) return awaitHook();
        try {
            forget(hook);
            if (out.checkError()) {
                stopEverything(); // nobody reads the loop any more (`looop | head`): as if Ctrl-C
                return 141;
            }
            return pulseEnded();
        } finally {
            finished.countDown(); // a signal that came in meanwhile finds the work done
        }
    }

    private void requireTmux() {
        try {
            Tmux.requireInstalled(paths);
        } catch (UserError e) {
            throw new UserError(e.getMessage() + "; or run the pulse alone with `looop run`");
        }
    }

    // -- bringing the pulse up -------------------------------------------------------------

    /**
     * Attaches to a live pulse session or starts one; returns the log offset
     * to stream from. Two `looop`s starting at once take turns on a lock file,
     * so the second finds the first's session instead of clearing its files.
     */
    private long bringUp() {
        Fs.mkdirs(paths.sessions());
        try (FileChannel ch = FileChannel.open(paths.sessions().resolve(".pulse-start.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            return tmux.has(PULSE) ? attachPoint() : start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long start() {
        Launcher.ensure(paths);
        SessionFiles f = SessionFiles.of(paths, PULSE);
        for (var p : List.of(f.output(), f.exitCode(), f.note())) Fs.delete(p);
        Fs.writeAtomic(f.state(), "starting\n");
        Fs.writeAtomic(f.meta(), meta());
        Fs.writeAtomic(f.wrapper(), wrapper(f));
        Tmux.Result r = tmux.run("new-session", "-d", "-s", Tmux.sessionName(PULSE), "-x", "160", "-y", "50",
                "exec bash " + Proc.shellQuote(f.wrapper().toString()));
        if (!r.ok()) throw new UserError("cannot start the pulse's tmux session: " + r.err().strip() + " (is the data dir writable?)");
        // capture before the pulse prints anything: the wrapper waits until output.log exists
        Tmux.Result pipe = tmux.run("pipe-pane", "-o", "-t", Tmux.paneTarget(PULSE), "cat >> " + Proc.shellQuote(f.output().toString()));
        if (!pipe.ok()) {
            tmux.run("kill-session", "-t", Tmux.sessionTarget(PULSE));
            throw new UserError("cannot capture the pulse's output: " + pipe.err().strip() + " (is tmux 3.0 or newer installed?)");
        }
        log.line(Log.Level.STEP, "foreground.start", "pulse up in tmux session " + Tmux.sessionName(PULSE)
                + "; Ctrl-C stops it and every worker; `looop watch pulse` shows its terminal");
        return 0;
    }

    /** Attaching to a live pulse: its last lines first, then whatever it prints next. */
    private long attachPoint() {
        var f = SessionFiles.of(paths, PULSE).output();
        List<OutputLog.Line> last = OutputLog.tail(f, 0, OutputLog.size(f), ATTACH_TAIL, l -> true);
        log.line(Log.Level.STEP, "foreground.attach", "attached to the running pulse (tmux session "
                + Tmux.sessionName(PULSE) + "); Ctrl-C stops it and every worker");
        return last.isEmpty() ? 0 : last.get(0).offset();
    }

    private String meta() {
        var m = Json.object();
        m.put("id", PULSE);
        m.putNull("runner");
        m.put("command", command());
        m.put("started_unix", System.currentTimeMillis() / 1000);
        m.putNull("prompt_file");
        return Json.pretty(m) + "\n";
    }

    private String command() {
        return "\"$LOOOP_BIN\" run" + (json ? " --json" : "");
    }

    /**
     * The script tmux runs. Whoever started the profile's tmux server decides
     * the environment a new session inherits, so everything the pulse needs
     * (profile, knobs, PATH, colour choice) is exported here explicitly. INT
     * is trapped, not ignored: Ctrl-C still reaches the pulse (an ignored
     * signal would be inherited), and bash stays to record how the pulse ended.
     */
    private String wrapper(SessionFiles f) {
        StringBuilder s = new StringBuilder("#!/usr/bin/env bash\n# Written by looop: the pulse's session. Waits for output capture, runs the pulse, records how it ended.\n");
        s.append("cd ").append(q(paths.data)).append(" || exit 1\n");
        exports().forEach((k, v) -> s.append("export ").append(k).append('=').append(Proc.shellQuote(v)).append('\n'));
        s.append("for _ in $(seq 1 250); do [ -e ").append(q(f.output())).append(" ] && break; sleep 0.02; done\n");
        s.append(record(f.state(), "running"));
        s.append("stty -echoctl 2>/dev/null\n"); // Ctrl-C stops the pulse without a stray ^C in its log
        s.append("trap true INT\n");
        s.append(command()).append("\ncode=$?\n");
        s.append(record(f.exitCode(), "$code"));
        s.append(record(f.state(), "exited"));
        s.append("exit $code\n");
        return s.toString();
    }

    /** An atomic write from the shell: a reader never sees a half-written state file. */
    private static String record(java.nio.file.Path file, String value) {
        String tmp = q(file.resolveSibling("." + file.getFileName() + ".tmp"));
        return "printf '%s\\n' \"" + value + "\" > " + tmp + " && mv -f " + tmp + " " + q(file) + "\n";
    }

    private Map<String, String> exports() {
        Map<String, String> env = new java.util.TreeMap<>();
        paths.processEnv().forEach((k, v) -> {
            boolean wanted = k.startsWith("LOOOP_") || List.of("PATH", "HOME", "XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME").contains(k);
            if (wanted && k.matches("[A-Za-z_][A-Za-z0-9_]*") && !k.equals("LOOOP_SESSION_ID")) env.put(k, v);
        });
        env.putAll(paths.childEnv());
        env.put("LOOOP_COLOR", color ? "1" : "0");
        return env;
    }

    private static String q(java.nio.file.Path p) {
        return Proc.shellQuote(p.toString());
    }

    // -- streaming -------------------------------------------------------------------------

    /** Copies the pulse's output.log to stdout as it grows, until the pulse session is over. */
    private void stream(long from) {
        OutputLog.Follower follower = new OutputLog.Follower(SessionFiles.of(paths, PULSE).output(), from);
        SessionView.EndWatch end = view.endWatch(PULSE);
        try {
            while (!out.checkError()) {
                boolean over = end.ended(); // asked before reading, so the last read sees everything it printed
                follower.poll().forEach(this::print);
                if (over) {
                    if (follower.rest() != null) print(follower.rest());
                    return;
                }
                SessionView.nap(STREAM_POLL_MS);
            }
        } finally {
            out.flush();
            streamed.countDown();
        }
    }

    /**
     * Colour on: the bytes as the pulse wrote them. Off: the text without
     * escapes. JSON: the pulse's own NDJSON as is; anything else it printed
     * (an error before its log began) wrapped as a `pulse.output` object, so
     * stdout stays one JSON object per line.
     */
    private void print(OutputLog.Line line) {
        String text = line.text();
        if (json) {
            var node = Json.parseOrNull(text);
            if (node != null && node.isObject()) out.println(text);
            else if (!text.isBlank()) log.line(Log.Level.INFO, "pulse.output", text);
        } else if (color) {
            out.writeBytes(line.fileBytes());
        } else {
            out.println(text);
        }
        out.flush();
    }

    // -- stopping --------------------------------------------------------------------------

    /** SIGINT or SIGTERM: stop everything, let the stream show the pulse's last words, say what stopped. */
    private void onSignal() {
        if (!stopping.compareAndSet(false, true)) {
            awaitQuietly(finished, STOP_GRACE_MS * 2);
            return;
        }
        try {
            stopEverything();
        } finally {
            finished.countDown();
        }
    }

    private void stopEverything() {
        List<String> stopped = new ArrayList<>();
        if (stopPulse()) stopped.add(PULSE);
        stopWorkers().forEach(id -> stopped.add("worker " + id));
        awaitQuietly(streamed, 2_000);
        summary(stopped);
    }

    /** The main thread saw the stream end while a signal was being handled: the hook finishes the job. */
    private int awaitHook() {
        awaitQuietly(finished, STOP_GRACE_MS * 3);
        return 130;
    }

    /** The pulse ended without being asked to: pass on its exit code, and stop workers nobody else owns. */
    private int pulseEnded() {
        int code = view.exitCode(PULSE);
        log.line(code == 0 ? Log.Level.INFO : Log.Level.ERROR, "foreground.pulse_ended",
                "the pulse ended (" + view.state(PULSE) + ", exit code " + code + "); `looop log pulse` has its output");
        if (!Lock.isHeld(paths)) {
            List<String> stopped = stopWorkers().stream().map(id -> "worker " + id).toList();
            if (!stopped.isEmpty()) summary(stopped);
        }
        return code;
    }

    /** Ctrl-C to the pulse, as a person would type it, then the session killed if the beat does not wind down. */
    private boolean stopPulse() {
        if (!tmux.has(PULSE)) return false;
        tmux.run("send-keys", "-t", Tmux.paneTarget(PULSE), "C-c");
        long deadline = System.currentTimeMillis() + STOP_GRACE_MS;
        while (tmux.has(PULSE) && System.currentTimeMillis() < deadline) SessionView.nap(50);
        if (tmux.has(PULSE)) {
            tmux.run("kill-session", "-t", Tmux.sessionTarget(PULSE));
            Fs.writeAtomic(SessionFiles.of(paths, PULSE).state(), "killed\n");
        }
        return true;
    }

    /** Kills every live worker's tmux session and marks it killed; returns their ids, sorted. */
    private List<String> stopWorkers() {
        List<String> stopped = new ArrayList<>();
        for (String id : liveWorkers()) {
            tmux.run("kill-session", "-t", Tmux.sessionTarget(id));
            if (Files.isDirectory(SessionFiles.of(paths, id).dir())) Fs.writeAtomic(SessionFiles.of(paths, id).state(), "killed\n");
            stopped.add(id);
        }
        return stopped;
    }

    /** Workers with a tmux session on the profile's server whose files do not say they are over. */
    private List<String> liveWorkers() {
        Tmux.Result r = tmux.run("list-sessions", "-F", "#{session_name}");
        if (!r.ok()) return List.of(); // no server: nothing runs
        return r.out().lines()
                .filter(n -> n.startsWith("looop-"))
                .map(n -> n.substring("looop-".length()))
                .filter(id -> !id.equals(PULSE) && Ids.problem(id) == null && !view.ended(id))
                .sorted()
                .toList();
    }

    private void summary(List<String> stopped) {
        var fields = Json.object();
        fields.set("stopped", Json.MAPPER.valueToTree(stopped));
        String what = stopped.isEmpty() ? "nothing (the pulse had already ended)" : String.join(", ", stopped);
        log.line(Log.Level.OK, "foreground.stopped", "stopped: " + what, fields);
    }

    private static void forget(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and must stay
        }
    }

    private static void awaitQuietly(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
