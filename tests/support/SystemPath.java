package looop;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where a tool lies on the PATH the tests were started with (a stand-in bin dir may shadow it later). */
public final class SystemPath {
    private SystemPath() {}

    public static Path find(String tool) {
        for (String d : System.getenv("PATH").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p;
        }
        throw new AssertionError(tool + " is not on PATH");
    }
}
