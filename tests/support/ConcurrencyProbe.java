package looop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Sensor scripts that show how many of them ran at once, with no clock: each
 * marks itself running in a directory, then polls how many are marked until
 * `quorum` of them are (or one of them saw that) or its ceiling passes, and
 * writes down every count it saw. A script unmarks itself before it exits, so
 * with at most k running the counts never exceed k; only a ceiling that passes
 * slows a test, none makes it fail.
 */
public final class ConcurrencyProbe {
    private final Path dir;

    public ConcurrencyProbe(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("running"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of sensor `name`: waits for quorum running at once, up to ceilingSeconds; prints `{}`. */
    public String sensorBody(String name, int quorum, int ceilingSeconds) {
        String d = "'" + dir + "'";
        return String.join("\n",
                "touch " + d + "/running/" + name,
                "for i in $(seq 1 " + ceilingSeconds * 20 + "); do",
                "  n=$(ls " + d + "/running | wc -l)",
                "  echo $n >> " + d + "/seen",
                "  if [ \"$n\" -ge " + quorum + " ]; then touch " + d + "/met; fi",
                "  [ -e " + d + "/met ] && break",
                "  sleep 0.05",
                "done",
                "rm " + d + "/running/" + name,
                "echo '{}'");
    }

    /** The most sensors any of them saw running at once. */
    public int mostAtOnce() {
        try {
            List<String> seen = Files.readAllLines(dir.resolve("seen"));
            return seen.stream().mapToInt(s -> Integer.parseInt(s.trim())).max().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
