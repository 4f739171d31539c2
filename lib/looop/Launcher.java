package looop;

import java.nio.file.Path;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * $LOOOP_BIN: one executable path that runs this same looop on this profile,
 * so agents and sensors can call `"$LOOOP_BIN" _ flag …` without knowing how
 * looop was launched. It starts the JVM directly on the classpath this process
 * runs with: no JBang resolution on each call.
 */
public final class Launcher {
    private Launcher() {}

    public static Path ensure(Paths paths) {
        Path bin = paths.bin();
        String script = script(paths);
        if (!script.equals(Fs.readOrNull(bin))) {
            Fs.writeAtomic(bin, script);
            try {
                Files.setPosixFilePermissions(bin, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bin;
    }

    static String script(Paths paths) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        return "#!/bin/sh\n"
                + "# Written by looop: runs the same looop on the same profile. Rewritten when looop changes.\n"
                + "export LOOOP_DATA_DIR=" + Proc.shellQuote(paths.data.toString()) + "\n"
                + "export LOOOP_CONFIG=" + Proc.shellQuote(paths.config.toString()) + "\n"
                + "exec " + Proc.shellQuote(java) + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp " + Proc.shellQuote(classpath)
                + " looop \"$@\"\n";
    }
}
