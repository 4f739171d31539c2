package looop.act.moves;

/**
 * One move a decision names, parsed and validated: one record per action, each
 * owning its fields (its Kind), what it does, how a crash in the middle of it
 * is settled, and the text looop journals for it. The Executor runs any move
 * the same way (intent record, perform, journal, settle); only these records
 * know what an action means.
 *
 * A new move: one record in this package (with its KIND), named in the permits
 * clause below (the compiler insists) and in Moves.ALL (the registry: prompt,
 * manual and parser all read it).
 */
public sealed interface Move permits Noop, RunShell, WriteGoal, ArchiveGoal, WriteSensor, WritePlaybook, StartWorker,
        SteerSession, SendKey, RestartSession, KillWorker, SendNotification, WriteSchedule, DropSchedule {

    /** Whether a move cut off by a crash took effect, as far as looop can tell from the files. */
    enum Happened { YES, NO, UNKNOWN }

    /** The action's name, fields and documentation. */
    Kind<?> kind();

    default String action() {
        return kind().action();
    }

    /** What the move targets: a goal id, a sensor name or a bare worker id; null for the rest. */
    default String id() {
        return null;
    }

    /** Refuses the move before anything starts (the run_shell gate); throws ShellGate.Refused. */
    default void check(Context ctx) { }

    /** Does it. A failure throws a UserError (or an I/O exception the executor words). */
    void perform(Context ctx);

    /**
     * After a crash mid-move: YES or NO for the moves looop performs itself
     * with atomic renames (their effect is on disk or not), UNKNOWN when only
     * the outside world knows (run_shell, workers).
     */
    Happened happened(Context ctx);

    /** looop's own journal text for the move once it succeeded. */
    default String summary() {
        return label();
    }

    /** What the move was, for the journal line of a move cut off mid-way. */
    default String interrupted() {
        return label();
    }

    /** Whether the move works on a goal (or on the worker serving it): sys-goals counts it as attention. */
    default boolean goalActivity() {
        return false;
    }

    /** "action id", or just the action when it has no target. */
    default String label() {
        return id() == null ? action() : action() + " " + id();
    }
}
