package looop.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's pid. */
public final class Pid {
    private Pid() {}

    private static volatile long own;

    /**
     * Read from /proc/self where there is one: ProcessHandle.current() starts
     * the JDK's process reaper, and with it the JVM's lambda machinery, which
     * is milliseconds of a one-shot `ask` or `tick` that starts no process.
     */
    public static long own() {
        long pid = own;
        if (pid == 0) own = pid = read();
        return pid;
    }

    private static long read() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            return ProcessHandle.current().pid();
        }
    }
}
