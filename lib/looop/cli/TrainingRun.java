package looop.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import looop.human.Asks;
import looop.io.Fs;
import looop.profile.Paths;
import looop.workers.SessionFiles;
import looop.workers.SessionState;

/**
 * What the launcher's first call runs to learn which classes looop loads
 * (docs/performance.md): the class-data archive holds exactly the
 * classes one JVM loaded, so that JVM runs the commands people and workers
 * call most, a beat that decides, a beat that skips, the worker verbs, in
 * a scratch profile of its own that is deleted afterwards. Its runner only
 * prints a noop: training never calls an AI, never touches the caller's
 * profile, config or tmux workers. Its beats run in the sandbox, as the
 * default config's do where bwrap works (else unconfined, mode auto): a
 * sandboxed beat's classes (the mount plan, the limits, the sensors'
 * launcher) would otherwise be read from the jar on every tick.
 */
public final class TrainingRun {
    private TrainingRun() {}

    /** A runner that always decides nothing, so a training beat goes through decide and act without an AI. */
    static final String CONFIG = """
            {"default": "train", "runners": {"train": {"tick": "printf '{\\"action\\":\\"noop\\",\\"reason\\":\\"training\\"}' >\\"$LOOOP_DECISION_FILE\\""}},
             "sandbox": {"mode": "auto"}}
            """;

    static final List<List<String>> HUMAN = List.of(
            List.of("tick"), List.of("tick"), List.of("version"), List.of("status"), List.of("ls"), List.of("journal"),
            List.of("cost"), List.of("asks"), List.of("--help"));

    static final List<List<String>> WORKER = List.of(
            List.of("_", "claim", "training"), List.of("_", "unclaim", "training"), List.of("_", "flag", "training", "x"),
            List.of("_", "unflag", "training"), List.of("_", "cost", "session", "training", "train", "0.001"));

    public static void main(String... args) throws IOException {
        Path scratch = Files.createTempDirectory("looop-training-");
        try {
            Files.writeString(scratch.resolve("looop.json"), CONFIG);
            seedSensors(scratch);
            finishedWorker(scratch);
            for (List<String> line : HUMAN) run(scratch, Map.of(), line);
            for (List<String> line : WORKER) run(scratch, Map.of("LOOOP_SESSION_ID", "training"), line);
            askAnsweredMeanwhile(scratch);
        } finally {
            Fs.deleteTree(scratch);
        }
    }

    /** Two sensors, so the beat runs them as a pool does (one alone runs on the beat's thread). */
    private static void seedSensors(Path scratch) throws IOException {
        Path sensors = Files.createDirectories(scratch.resolve("sensors"));
        for (String name : List.of("a.sh", "b.sh")) {
            Path s = Files.writeString(sensors.resolve(name), "#!/bin/sh\necho '{\"signal\":{\"training\":true}}'\n");
            s.toFile().setExecutable(true, true);
        }
    }

    /**
     * A worker that has finished, as its wrapper leaves it: every beat then
     * lists it from its files alone (no tmux), and the worker verbs and `ask`
     * below find a session of their own, as a worker's do. A class the
     * archive lacks is read from the jar, which costs a first open of it.
     */
    private static void finishedWorker(Path scratch) {
        SessionFiles f = SessionFiles.of(paths(scratch, Map.of()), "training");
        Fs.mkdirs(f.dir());
        f.writeMeta(new SessionFiles.Meta("training", "train", "true", System.currentTimeMillis() / 1000, null));
        Fs.writeAtomic(f.exitCode(), "0\n");
        f.writeState(SessionState.EXITED);
    }

    /** `ask` as a restarted asker runs it: its answer came meanwhile, so it returns at once. */
    private static void askAnsweredMeanwhile(Path scratch) {
        Map<String, String> worker = Map.of("LOOOP_SESSION_ID", "training");
        try {
            Asks asks = new Asks(paths(scratch, worker), Clock.systemUTC());
            asks.open("training", "go on?", null, Long.MAX_VALUE, null); // an asker pid no process has
            asks.answer("training", "yes", true);
        } catch (RuntimeException e) {
            return;
        }
        run(scratch, worker, List.of("ask", "training", "go", "on?"));
    }

    /** The scratch profile with the caller's environment, less anything that names the caller's own profile or session. */
    private static Paths paths(Path scratch, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("LOOOP_CONFIG");
        env.remove("LOOOP_SESSION_ID");
        env.put("LOOOP_DATA_DIR", scratch.toString());
        env.put("LOOOP_SANDBOX", "auto");
        env.putAll(extra);
        return Paths.fromEnv(env);
    }

    /** One command line on the scratch profile, its output dropped; a failure is only fewer classes learnt. */
    private static void run(Path scratch, Map<String, String> extra, List<String> line) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        Context ctx = new Context(paths(scratch, extra), null, null, new ByteArrayInputStream(new byte[0]), sink, sink);
        try {
            Main.run(ctx, line.toArray(String[]::new));
        } catch (RuntimeException e) {
            // the next line still teaches
        }
    }
}
