package looop;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/** What a command runs against: the profile, a clock, the worker engine, and its standard streams. */
public record Context(Paths paths, Clock clock, Sessions sessions, InputStream in, PrintStream out, PrintStream err) {

    public static Context fromProcess() {
        return new Context(null, Clock.systemDefaultZone(), Sessions.none(), System.in, System.out, System.err);
    }

    /** The profile is resolved lazily so `looop version` works without a usable HOME. */
    public Paths profile() {
        return paths != null ? paths : Paths.fromEnv();
    }

    public Map<String, String> env() {
        return profile().processEnv();
    }
}
