package looop.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import looop.io.Fs;
import looop.io.Proc;
import looop.sense.WorldHash;

/**
 * $LOOOP_BIN: one executable path that runs this same looop on this profile,
 * so agents and sensors can call `"$LOOOP_BIN" _ flag …` without knowing how
 * looop was launched. It starts the JVM directly on the classpath this process
 * runs with: no JBang resolution on each call, which is the fastest honest way
 * to run looop as a command (README, "Running it fast").
 *
 * It also uses class data sharing (AppCDS): the classes looop loads are
 * mapped from an archive made for exactly this JVM and classpath, instead of
 * being read, parsed and verified on every start. JDK 17 cannot create an
 * archive on the fly (-XX:+AutoCreateSharedArchive needs JDK 19), so the
 * first call records one with -XX:ArchiveClassesAtExit from a read-only
 * `looop hash`, checks with -Xshare:on that it loads, and renames it into
 * place. A JVM that maps a truncated archive dies of SIGBUS, so an archive is
 * only ever replaced by rename, never written in place. A failed try leaves
 * an empty archive, which means "no archive" and is not retried; a stale one
 * (another JDK, changed jars) is ignored by the JVM. LOOOP_CDS=0 in the
 * environment of the looop that writes the launcher leaves CDS out.
 */
public final class Launcher {
    private Launcher() {}

    /** The JVM flags of every launch: C1 only and the serial GC suit a short-lived CLI best. */
    private static final String OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:cds*=off";

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
            dropStaleArchives(paths);
        }
        return bin;
    }

    static String script(Paths paths) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        String head = "#!/bin/sh\n"
                + "# Written by looop: runs the same looop on the same profile. Rewritten when looop changes.\n"
                + "export LOOOP_DATA_DIR=" + Proc.shellQuote(paths.data.toString()) + "\n"
                + "export LOOOP_CONFIG=" + Proc.shellQuote(paths.config.toString()) + "\n"
                + "set -f  # $opts holds a '*' that must reach the JVM as it is\n"
                + "java=" + Proc.shellQuote(java) + "\n"
                + "cp=" + Proc.shellQuote(classpath) + "\n"
                + "opts='" + OPTS + "'\n";
        if ("0".equals(paths.env("LOOOP_CDS"))) return head + "exec \"$java\" $opts -cp \"$cp\" looop.cli.Main \"$@\"\n";
        return head + "cds=" + Proc.shellQuote(archive(paths, java, classpath).toString()) + "\n" + WITH_CDS;
    }

    /** The archive for this JVM and classpath; a new looop build or JDK gets a new name. */
    static Path archive(Paths paths, String java, String classpath) {
        String key = java + "\n" + Runtime.version() + "\n" + classpath;
        return paths.bin().resolveSibling("looop-" + WorldHash.of(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16) + ".jsa");
    }

    /** Archives of earlier builds are 8 MB each and never used again. Unlinking one a JVM has mapped is safe. */
    private static void dropStaleArchives(Paths paths) {
        String current = archive(paths, ProcessHandle.current().info().command().orElse("java"),
                System.getProperty("java.class.path")).getFileName().toString();
        for (Path old : Fs.listFiles(paths.bin().getParent(), ".jsa")) {
            if (!old.getFileName().toString().equals(current)) Fs.delete(old);
        }
    }

    private static final String WITH_CDS = """
            if [ ! -e "$cds" ] && [ -w "${cds%/*}" ]; then
              tmp="$cds.$$.tmp"
              "$java" -XX:ArchiveClassesAtExit="$tmp" $opts -cp "$cp" looop.cli.Main hash </dev/null >/dev/null 2>&1
              "$java" -Xshare:on -XX:SharedArchiveFile="$tmp" -XX:ErrorFile=/dev/null $opts -cp "$cp" looop.cli.Main version \\
                </dev/null >/dev/null 2>&1 && sync "$tmp" 2>/dev/null || : > "$tmp"
              mv -f "$tmp" "$cds" 2>/dev/null || rm -f "$tmp"
            fi
            [ -s "$cds" ] && exec "$java" -XX:SharedArchiveFile="$cds" $opts -cp "$cp" looop.cli.Main "$@"
            exec "$java" $opts -cp "$cp" looop.cli.Main "$@"
            """;
}
