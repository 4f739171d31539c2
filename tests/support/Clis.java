package looop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real agent CLIs for tests that run them: found on PATH (CI installs
 * them globally with npm) or in /opt/clis/bin (a machine that keeps them off
 * PATH); a test skips with one line naming the package when one is missing.
 */
public final class Clis {
    private Clis() {}

    public static final Path OPT = Path.of("/opt/clis/bin");

    /** The dir holding bin, or null. */
    public static Path dirOf(String bin) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, bin))) return Path.of(d);
        }
        return Files.isExecutable(OPT.resolve(bin)) ? OPT : null;
    }

    /** Skips the test unless bin is there; returns a PATH that has it (its dir first, then the test's own PATH). */
    public static String require(String bin) {
        Path dir = dirOf(bin);
        String pkg = looop.profile.Presets.named(bin).map(p -> p.install()).orElse("install " + bin);
        assumeTrue(dir != null, bin + " is not on PATH nor in " + OPT + ": " + pkg + " to run this test");
        return dir + File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    }
}
