package looop.workers;

import java.util.Locale;

/**
 * What a session is doing, derived in one place from its files and whether
 * tmux has its terminal. Every reader (ls, wait, status, sys-sessions, the
 * foreground loop) gets its answer from {@link #derive}, so they cannot
 * disagree about the same session.
 *
 * The files have the last word once they say the session ended (exited,
 * killed). While they say it is alive (starting, running), tmux confirms or
 * refutes it: a session tmux no longer has ended anyway (its server was
 * killed from outside, say), as exited when the wrapper recorded an exit
 * code, else as killed; a session just made (starting, younger than
 * START_GRACE_MS) may still be on its way into tmux, so its absence proves
 * nothing yet. A state file that is missing, empty or holds an unknown word
 * (looop writes it whole, so only someone else makes it so) claims nothing:
 * tmux alone decides, a live terminal reading as running. When tmux cannot be
 * asked (not installed, not answering), what the files say stands, and files
 * that say nothing read as killed.
 *
 * Two states have no terminal at all and are the files' alone: waiting (a
 * worker started with "after", which looop starts once the workers it names
 * ended well: see {@link Waits}) and blocked (one of them failed, was killed
 * or discarded, so it never starts). Neither is alive: they count against
 * nothing a live worker does.
 */
public enum SessionState {
    STARTING, RUNNING, EXITED, KILLED, WAITING, BLOCKED;

    /** A session this young may still be on its way into tmux, so not finding it there proves nothing yet. */
    public static final long START_GRACE_MS = 10_000;

    /** Whether tmux has the session's terminal. */
    public enum Liveness {
        LIVE, GONE, UNKNOWN;

        public static Liveness of(boolean live) {
            return live ? LIVE : GONE;
        }
    }

    /** As it is written in the state file and shown to people: starting, running, exited, killed, waiting, blocked. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }

    public boolean alive() {
        return this == STARTING || this == RUNNING;
    }

    /** Whether the session is done for good: ended, or blocked before it ever started (not waiting, which is yet to come). */
    public boolean over() {
        return this == EXITED || this == KILLED || this == BLOCKED;
    }

    /** The state a word names, or null when it names none (missing, empty, unknown). */
    public static SessionState parse(String word) {
        if (word == null) return null;
        for (SessionState s : values()) {
            if (s.word().equals(word.strip())) return s;
        }
        return null;
    }

    /**
     * The one derivation (see the class comment). recorded is the state file's
     * state (null: unreadable), exitRecorded whether an exit code is on file,
     * ageMillis how long ago the state file was last written.
     */
    public static SessionState derive(SessionState recorded, boolean exitRecorded, long ageMillis, Liveness tmux) {
        if (recorded != null && !recorded.alive()) return recorded;
        if (tmux == Liveness.LIVE) return recorded != null ? recorded : RUNNING;
        if (tmux == Liveness.UNKNOWN && recorded != null) return recorded;
        if (recorded == STARTING && tmux == Liveness.GONE && ageMillis < START_GRACE_MS) return STARTING;
        return exitRecorded ? EXITED : KILLED;
    }
}
