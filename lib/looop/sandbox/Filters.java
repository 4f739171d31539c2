package looop.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where the seccomp filter lives for bwrap to read: a file in a dir only
 * looop writes (the data dir's .sandbox/, which every sandbox protects),
 * written when it is missing or differs, so a looop inside a sandbox, which
 * cannot write there, finds it in place and leaves it alone.
 */
final class Filters {
    private Filters() {}

    private static Path jvmDir;

    /** The filter file for this setting, in stateDir (null: a private temp dir of this JVM's); null on a host ABI it cannot read. */
    static Path ensure(Path stateDir, boolean allowUnix) throws IOException {
        if (!SocketFilter.understands(System.getProperty("os.arch"))) return null;
        Path dir = stateDir != null ? stateDir : jvmDir();
        Path file = dir.resolve(allowUnix ? "seccomp-unix-allowed.bpf" : "seccomp.bpf");
        byte[] want = SocketFilter.bytes(allowUnix);
        if (Files.isRegularFile(file) && !Files.isSymbolicLink(file) && Arrays.equals(want, Files.readAllBytes(file))) return file;
        looop.io.Fs.mkdirs(dir);
        looop.io.Fs.writeAtomic(file, want);
        return file;
    }

    private static synchronized Path jvmDir() throws IOException {
        if (jvmDir == null) {
            jvmDir = Files.createTempDirectory("looop-sandbox-"); // 0700
            File d = jvmDir.toFile();
            d.deleteOnExit();
            // the filters, and what Bwrap and Limits remember beside them
            for (String name : new String[] {"seccomp.bpf", "seccomp-unix-allowed.bpf", "bwrap-works", "cgroup-sweep"}) {
                new File(d, name).deleteOnExit();
            }
        }
        return jvmDir;
    }
}
