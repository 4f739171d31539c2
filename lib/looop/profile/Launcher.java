package looop.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import looop.io.Fnv128;
import looop.io.Fs;
import looop.io.Proc;

/**
 * $LOOOP_BIN: one executable path that runs this same looop on this profile
 * (or on the one LOOOP_DATA_DIR / LOOOP_CONFIG name, when the caller sets them),
 * so agents and sensors can call `"$LOOOP_BIN" _ flag …` without knowing how
 * looop was launched. It starts the JVM directly on the classpath this process
 * runs with: no JBang resolution on each call, which is the fastest honest way
 * to run looop as a command (docs/performance.md).
 *
 * It also uses class data sharing: the classes looop loads are mapped from
 * an archive made for exactly this JVM and classpath, instead of being read,
 * parsed and verified on every start. On JDK 17–24 that is a static AppCDS
 * archive dumped from a class list: a dynamic one (-XX:ArchiveClassesAtExit)
 * cannot hold old-format classes such as picocli's (compiled for Java 5), and
 * -XX:+AutoCreateSharedArchive needs JDK 19. So the first call records which
 * classes a training run loads (-XX:DumpLoadedClassList; TrainingRun runs the
 * common verbs and two beats in a scratch profile), adds the JDK's own default
 * class list (a custom static archive replaces the JDK's), dumps the archive
 * (-Xshare:dump), checks with -Xshare:on that it maps, and renames it into
 * place. On JDK 25 and later it makes an AOT cache instead (-XX:AOTCacheOutput,
 * JEP 483/514), checked with -XX:AOTMode=on. A JVM that maps a truncated
 * archive dies of SIGBUS, so an archive is only ever replaced by rename, never
 * written in place; concurrent first calls each dump to a file of their own
 * and the last rename wins. A failed try leaves an empty archive, which means
 * "no archive" and is not retried; a stale one (another JDK, changed jars) is
 * ignored by the JVM. LOOOP_CDS=0 in the environment of the looop that writes
 * the launcher leaves CDS out.
 */
public final class Launcher {
    private Launcher() {}

    /**
     * The JVM flags of every launch: C1 only, one compiler thread and the
     * serial GC suit a short-lived CLI best (bench/README.md: a second
     * compiler thread competes with a beat's sensors for the cores, 10 ms of
     * a one-shot tick on two). No -Xshare: the default (auto) is what a
     * launch wants, and JDK 25's -XX:AOTCache refuses any -Xshare.
     */
    private static final String OPTS = "-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC -Xlog:cds*=off";

    /** JDK 25 has -XX:AOTCacheOutput, which records and creates an AOT cache in one run. */
    private static final boolean AOT = Runtime.version().feature() >= 25;

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

    /**
     * The java that runs this looop: the JDK's own launcher under java.home
     * (its real directory, as the process's executable is), read from a
     * property rather than from /proc through ProcessHandle.info, which costs
     * every beat a native call and a process-handle start.
     */
    private static String javaBinary() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : ProcessHandle.current().info().command().orElse("java");
    }

    static String script(Paths paths) {
        String java = javaBinary();
        String classpath = System.getProperty("java.class.path");
        String head = "#!/bin/sh\n"
                + "# Written by looop: runs the same looop on the same profile. Rewritten when looop changes.\n"
                + "# Its own profile only when the caller names none (blank is unset, as for looop itself):\n"
                + "# linked onto PATH it is the user's looop for every profile.\n"
                + "case ${LOOOP_DATA_DIR:-} in *[![:space:]]*) ;; *)\n"
                + "  export LOOOP_DATA_DIR=" + Proc.shellQuote(paths.data.toString()) + "\n"
                + "  case ${LOOOP_CONFIG:-} in *[![:space:]]*) ;; *) export LOOOP_CONFIG=" + Proc.shellQuote(paths.config.toString()) + " ;; esac ;;\n"
                + "esac\n"
                + buildKey(paths)
                + "set -f  # $opts holds a '*' that must reach the JVM as it is\n"
                + "java=" + Proc.shellQuote(java) + "\n"
                + "cp=" + Proc.shellQuote(classpath) + "\n"
                + "opts='" + OPTS + (AOT ? " -Xlog:aot*=off" : "") + "'\n";
        if ("0".equals(paths.env("LOOOP_CDS"))) return head + "exec \"$java\" $opts -cp \"$cp\" looop.cli.Main \"$@\"\n";
        String cds = "cds=" + Proc.shellQuote(archive(paths, java, classpath).toString()) + "\n";
        if (AOT) return head + cds + WITH_AOT_CACHE;
        Path jdkList = Path.of(System.getProperty("java.home"), "lib", "classlist");
        return head + cds + "jdklist=" + Proc.shellQuote(jdkList.toString()) + "\n" + WITH_STATIC_CDS;
    }

    /**
     * The checkout's build this looop was started from, as ./jbang computes it
     * from the sources (LOOOP_BUILD_KEY): ./jbang runs this launcher instead of
     * JBang while its key is the sources' current one. Exported, so every looop
     * this one starts (a pulse's beats) writes the same launcher.
     */
    private static String buildKey(Paths paths) {
        String key = paths.env("LOOOP_BUILD_KEY");
        return key != null && isHexKey(key) ? "export LOOOP_BUILD_KEY=" + key + "\n" : "";
    }

    /** 16 to 64 lowercase hex digits, checked by hand (a regex compiles cold in every beat). */
    private static boolean isHexKey(String key) {
        if (key.length() < 16 || key.length() > 64) return false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    /** The archive for this JVM and classpath; a new looop build or JDK gets a new name. */
    static Path archive(Paths paths, String java, String classpath) {
        String key = (AOT ? "aot" : "static") + "\n" + java + "\n" + System.getProperty("java.runtime.version") + "\n" + classpath;
        return paths.bin().resolveSibling("looop-" + Fnv128.of(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16) + ".jsa");
    }

    /** Archives of earlier builds are 8 MB each and never used again. Unlinking one a JVM has mapped is safe. */
    private static void dropStaleArchives(Paths paths) {
        String current = archive(paths, javaBinary(),
                System.getProperty("java.class.path")).getFileName().toString();
        for (Path old : Fs.listFiles(paths.bin().getParent(), ".jsa")) {
            if (!old.getFileName().toString().equals(current)) Fs.delete(old);
        }
    }

    private static final String WITH_STATIC_CDS = """
            if [ ! -e "$cds" ] && [ -w "${cds%/*}" ]; then
              tmp="$cds.$$.tmp"
              "$java" -XX:DumpLoadedClassList="$tmp.classes" $opts -cp "$cp" looop.cli.TrainingRun </dev/null >/dev/null 2>&1
              cat "$jdklist" >>"$tmp.classes" 2>/dev/null
              "$java" $opts -Xshare:dump -XX:SharedClassListFile="$tmp.classes" -XX:SharedArchiveFile="$tmp" -cp "$cp" \\
                </dev/null >/dev/null 2>&1 \\
                && "$java" -Xshare:on -XX:SharedArchiveFile="$tmp" -XX:ErrorFile=/dev/null $opts -cp "$cp" looop.cli.Main version \\
                </dev/null >/dev/null 2>&1 && sync "$tmp" 2>/dev/null || : > "$tmp"
              rm -f "$tmp.classes"
              mv -f "$tmp" "$cds" 2>/dev/null || rm -f "$tmp"
            fi
            [ -s "$cds" ] && exec "$java" -XX:SharedArchiveFile="$cds" $opts -cp "$cp" looop.cli.Main "$@"
            exec "$java" $opts -cp "$cp" looop.cli.Main "$@"
            """;

    private static final String WITH_AOT_CACHE = """
            if [ ! -e "$cds" ] && [ -w "${cds%/*}" ]; then
              tmp="$cds.$$.tmp"
              "$java" -XX:AOTCacheOutput="$tmp" $opts -cp "$cp" looop.cli.TrainingRun </dev/null >/dev/null 2>&1 \\
                && "$java" -XX:AOTMode=on -XX:AOTCache="$tmp" -XX:ErrorFile=/dev/null $opts -cp "$cp" looop.cli.Main version \\
                </dev/null >/dev/null 2>&1 && sync "$tmp" 2>/dev/null || : > "$tmp"
              rm -f "$tmp.config"
              mv -f "$tmp" "$cds" 2>/dev/null || rm -f "$tmp"
            fi
            [ -s "$cds" ] && exec "$java" -XX:AOTCache="$cds" $opts -cp "$cp" looop.cli.Main "$@"
            exec "$java" $opts -cp "$cp" looop.cli.Main "$@"
            """;
}
