package looop.io;

/**
 * Every exit code looop gives, in one place. The numbers follow the shell's
 * conventions, so scripts can tell the cases apart: 2 as for a bad flag,
 * 124 as coreutils' timeout, 137 as a process ended by SIGKILL (128 + 9).
 */
public final class ExitCode {
    private ExitCode() {}

    public static final int OK = 0;
    /** An error, or a failed move. */
    public static final int FAILED = 1;
    /** Bad usage: an unknown verb or flag, a malformed value; nothing was done. */
    public static final int USAGE = 2;
    /** `looop merge-order`: the finished branches have no clean order; the pair that blocks was printed. */
    public static final int CONFLICT = 3;
    /** `looop wait` with no worker id: no pulse runs (or it stopped while waiting), so nothing would ever change. */
    public static final int NO_PULSE = 2;
    /** A wait gave up, or a child process was killed at its time limit. */
    public static final int TIMEOUT = 124;
    /** A worker that was killed rather than exiting on its own. */
    public static final int KILLED = 137;
}
