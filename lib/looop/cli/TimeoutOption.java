package looop.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** `--timeout DURATION` for the verbs that wait; each gives its own default, which its description names. */
public final class TimeoutOption {
    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up after this long, with exit 124: 500ms, 30s, 5m, 1h (a bare number is seconds).")
    Duration timeout;

    Duration or(Duration fallback) {
        return timeout != null ? timeout : fallback;
    }
}
