package looop.decide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import looop.act.Decision;
import looop.io.Fs;
import looop.io.Proc;
import looop.profile.Config;
import looop.profile.Paths;
import looop.profile.RunnerCommand;

/** Runs a runner's tick command for one beat: prompt in, rendered archive and metered cost out. */
public final class Runner {
    private Runner() {}

    /** In a holder: a formatter costs milliseconds to build, and a beat that skips never runs a runner. */
    private static final class Hms {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("HH:mm:ss");
    }

    /** exitCode 124 with timedOut when killed at the timeout; costUsd null when unmetered. */
    /** How a run ended; complaint is the runner's own last words on a failure (see {@link LastWords}), null when none. */
    /** limit: the usage limit the runner's output reported (LimitSigns), null when none. */
    public record Result(int exitCode, boolean timedOut, Double costUsd, String complaint, looop.profile.LimitSigns.Sign limit) {
        public Result(int exitCode, boolean timedOut, Double costUsd) {
            this(exitCode, timedOut, costUsd, null, null);
        }

        public Result(int exitCode, boolean timedOut, Double costUsd, String complaint) {
            this(exitCode, timedOut, costUsd, complaint, null);
        }

        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** "runner exited 1: ENOENT: …" — the why a person reads in the beat line, status and the next prompt. */
        public String why(String ended) {
            return complaint == null ? ended : ended + ": " + complaint;
        }
    }

    public static Result runTick(Paths paths, Config.RunnerDef def, Path promptFile, Path runDir, Duration timeout, Clock clock) {
        return runTick(paths, def, promptFile, runDir, timeout, clock, null);
    }

    /**
     * confine wraps the command (a sandbox; null: none). Either way the runner
     * learns where its decision goes from $LOOOP_DECISION_FILE (and the prompt).
     */
    public static Result runTick(Paths paths, Config.RunnerDef def, Path promptFile, Path runDir, Duration timeout, Clock clock,
            java.util.function.UnaryOperator<List<String>> confine) {
        Map<String, String> env = RunnerCommand.childEnv(paths);
        env.put(Decision.FILE_ENV, Decision.fileIn(runDir).toString());
        Fs.mkdirs(Decision.fileIn(runDir).getParent()); // the runner writes a file there, it need not make the dir
        RunnerCommand.preflight(def, env);
        boolean byFile = def.tick().contains(RunnerCommand.PROMPT_FILE);
        String command = byFile ? RunnerCommand.withPromptFile(def.tick(), promptFile) : def.tick();
        byte[] stdin = byFile ? null : read(promptFile);
        Meter meter = new Meter(def.cost());
        Render render = new Render();
        Path output = runDir.resolve("output.log");
        // there even when the runner says nothing, so every run in runs/ has its pair of files
        Fs.writeAtomic(output, "");
        Archive archive = new Archive(clock, List.of(output, paths.tickLog()));
        LastWords last = new LastWords();
        // the CLI's stdout as it came, before rendering: its limit event is structured data
        looop.profile.LimitSigns limit = new looop.profile.LimitSigns(clock.instant(), java.time.ZoneId.systemDefault());
        Proc.Result r = Proc.stream(new Proc.Spec(command, paths.data, env, stdin, timeout, confine), line -> {
            meter.accept(line);
            limit.accept(line);
            for (String shown : render.render(line)) {
                archive.write(shown);
                last.add(shown);
            }
        });
        if (r.timedOut()) archive.write("✗ runner timed out after " + seconds(timeout) + " s");
        else if (r.exitCode() != 0) archive.write("✗ runner exited " + r.exitCode());
        return new Result(r.exitCode(), r.timedOut(), meter.cost(), r.exitCode() == 0 ? null : last.complaint(!r.timedOut()), limit.sign());
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rendered stream, stamped `[HH:MM:SS] ` in the clock's zone, appended to every file. */
    private static final class Archive {
        private final Clock clock;
        private final List<Path> files;

        Archive(Clock clock, List<Path> files) {
            this.clock = clock;
            this.files = files;
        }

        void write(String line) {
            String stamped = "[" + LocalTime.now(clock).format(Hms.FORMAT) + "] " + line;
            for (Path f : files) Fs.appendLine(f, stamped);
        }
    }
}
