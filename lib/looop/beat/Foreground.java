package looop.beat;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Log;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Lock;
import looop.profile.Paths;
import looop.profile.RunnerCommand;
import looop.workers.OutputLog;
import looop.workers.SessionFiles;
import looop.workers.SessionView;
import looop.workers.Sessions;
import looop.workers.Tmux;
import looop.workers.TmuxSessions;

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
    public static final String PULSE = TmuxSessions.PULSE;
    /** How long the pulse gets to finish its beat after Ctrl-C before its session is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final long STREAM_POLL_MS = 100;
    /** A ceiling, not a pause: the stream ends as soon as the stopped pulse's last output is in. */
    private static final long STREAM_END_MS = 15_000;
    /** A ceiling on stopping everything: the pulse's grace, its last output, and tmux calls on a busy machine. */
    private static final long STOPPING_MS = STOP_GRACE.toMillis() + STREAM_END_MS + 30_000;
    /** Lines of a running pulse's log shown when attaching to it, like `tail`. */
    private static final int ATTACH_TAIL = 20;

    private final Paths paths;
    private final PrintStream out;
    private final boolean json;
    private final boolean color;
    private final Log log;
    private final SessionView view;
    private final TmuxSessions engine;
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
        this.engine = new TmuxSessions(paths);
        this.tmux = engine.tmux();
    }

    /** Brings the pulse up (or attaches), streams it until it ends, and returns the exit code. */
    public int run() {
        // a pulse that cannot decide would die in its session: refuse here, before anything is written
        RunnerCommand.preflight(paths, Config.load(paths).defaultRunnerDef());
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

    /**
     * The pulse through the same engine as a worker: its wrapper waits for
     * output capture, runs the pulse, records how it ended. Its own needs are
     * options of that engine: its colour choice exported, and no echoed ^C.
     */
    private long start() {
        engine.startCommand(PULSE, command(), new TmuxSessions.Options(Map.of("LOOOP_COLOR", color ? "1" : "0"), true));
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

    private String command() {
        return "\"$LOOOP_BIN\" run" + (json ? " --json" : "");
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
            awaitQuietly(finished, STOPPING_MS);
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
        awaitQuietly(streamed, STREAM_END_MS);
        summary(stopped);
    }

    /** The main thread saw the stream end while a signal was being handled: the hook finishes the job. */
    private int awaitHook() {
        awaitQuietly(finished, STOPPING_MS);
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
        return engine.stop(PULSE, STOP_GRACE);
    }

    /** Stops every live worker the way `_ kill` does; returns their ids, sorted. */
    private List<String> stopWorkers() {
        List<String> stopped = new ArrayList<>();
        for (Sessions.Info w : engine.list()) {
            if (w.alive() && engine.stop(w.id(), Duration.ZERO)) stopped.add(w.id());
        }
        return stopped;
    }

    private void summary(List<String> stopped) {
        var fields = Json.object();
        fields.set("stopped", Json.array(stopped));
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
