package looop;

import java.io.File;
import java.nio.file.Path;

/**
 * The real agent CLIs for tests that run them, found on PATH (CI installs
 * them globally with npm); a test skips with one line naming the package
 * when one is missing (see {@link Needs#cli}). On PATH only: a suite run
 * with the CLIs hidden from PATH must not find them elsewhere.
 */
public final class Clis {
    private Clis() {}

    /** The dir holding bin on PATH, or null. */
    public static Path dirOf(String bin) {
        String found = looop.io.Proc.onPath(bin);
        return found == null ? null : Path.of(found).getParent();
    }

    /** Skips the test unless bin is on PATH; returns a PATH that has it (its dir first, then the test's own PATH). */
    public static String require(String bin) {
        Needs.cli(bin);
        return dirOf(bin) + File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    }
}
