package looop.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a command can tell about the sandbox it runs in. Every backend sets
 * {@link #ENV} inside, so looop's own verbs called from a sandboxed worker
 * know to leave what they cannot write (the ledger, the outbox, tmux) to the
 * channel in the worker's session dir instead of failing.
 */
public final class Inside {
    private Inside() {}

    /** Set to "1" in every sandboxed command's environment. */
    public static final String ENV = "LOOOP_SANDBOXED";

    /** Whether the value of {@link #ENV} says this process runs sandboxed. */
    public static boolean confined(String envValue) {
        return "1".equals(envValue);
    }

    /**
     * Ends every process of this sandbox but this one (which then exits by
     * itself): a worker's `_ kill` of itself, since the tmux server is out of
     * its reach. Only inside bubblewrap's own pid namespace, whose pid 1 is
     * bwrap: anywhere else "every process" would be the user's whole session,
     * so false and nothing is signalled.
     */
    public static boolean endEveryOtherProcess() {
        if (!ownPidNamespace()) return false;
        long me = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().filter(h -> h.pid() != 1 && h.pid() != me).forEach(ProcessHandle::destroyForcibly);
        return true;
    }

    private static boolean ownPidNamespace() {
        try {
            return Files.readString(Path.of("/proc/1/comm")).strip().equals("bwrap");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
