package looop;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Runs a runner's tick command for one beat: prompt in, rendered archive and metered cost out. */
public final class Runner {
    private Runner() {}

    /** exitCode 124 with timedOut when killed at the timeout; costUsd null when unmetered. */
    public record Result(int exitCode, boolean timedOut, Double costUsd) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    /** Fails with a one-line UserError when the command's first word is not on env's PATH. */
    public static void preflight(Config.RunnerDef def, Map<String, String> env) {
        throw new UnsupportedOperationException("todo");
    }

    public static Result runTick(Paths paths, Config.RunnerDef def, Path promptFile, Path runDir, Duration timeout, Clock clock) {
        throw new UnsupportedOperationException("todo");
    }
}
