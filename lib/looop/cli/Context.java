package looop.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import looop.io.SystemClock;
import looop.profile.Config;
import looop.profile.Paths;
import looop.workers.Sessions;
import looop.workers.TmuxSessions;

/** What a command runs against: the profile, a clock, the worker engine, and its standard streams. */
public record Context(Paths paths, Clock clock, Sessions sessions, InputStream in, PrintStream out, PrintStream err) {

    /** The real process: the profile from the environment, the system clock and the tmux engine, each made only when used. */
    public static Context fromProcess() {
        return new Context(null, null, null, System.in, System.out, System.err);
    }

    /** The clock; null means the system's, in the system's time zone (looked up only when asked for). */
    @Override
    public Clock clock() {
        return clock != null ? clock : SystemClock.INSTANCE;
    }

    /** The profile is resolved lazily so `looop version` works without a usable HOME. */
    public Paths profile() {
        return paths != null ? paths : Paths.fromEnv();
    }

    /**
     * The worker engine; null means tmux on this profile. Building it costs
     * nothing and needs no tmux: only a worker verb or a live worker asks tmux.
     */
    @Override
    public Sessions sessions() {
        return sessions != null ? sessions : new TmuxSessions(profile(), new LoadsConfig(profile()));
    }

    /** looop.json read when a worker starts (a class, not a lambda: the quick paths link none, StartupTest). */
    private record LoadsConfig(Paths paths) implements java.util.function.Supplier<Config> {
        public Config get() {
            return Config.load(paths);
        }
    }

    /** looop.json as this command reads it (a command reads it where it needs it; below cli, it is handed down). */
    public Config config() {
        return Config.load(profile());
    }

    public Map<String, String> env() {
        return profile().processEnv();
    }
}
