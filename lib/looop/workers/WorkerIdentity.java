package looop.workers;

import looop.io.ExitCode;
import looop.io.UserError;
import looop.profile.Paths;
import looop.sandbox.Inside;

/**
 * Who a worker verb acts as. Outside a sandbox, whoever runs looop is the
 * person, and may act for any worker. Inside, a worker acts as itself only:
 * its own outbox is the one it can write (the mounts enforce that; this
 * check turns the write that would fail into one clear line), and its id is
 * the one looop started it with, $LOOOP_SESSION_ID.
 */
public final class WorkerIdentity {
    private WorkerIdentity() {}

    /** Whether this process runs inside looop's sandbox. */
    public static boolean confined(Paths paths) {
        return Inside.confined(paths.env(Inside.ENV));
    }

    /** The worker a sandboxed process is, or null outside a sandbox or without $LOOOP_SESSION_ID. */
    public static String self(Paths paths) {
        return confined(paths) ? paths.env("LOOOP_SESSION_ID") : null;
    }

    /** id, when this process may act as it: always outside a sandbox, inside only as itself; verb as a person types it (`_ flag`). */
    public static String own(Paths paths, String id, String verb) {
        if (!confined(paths)) return id;
        String self = paths.env("LOOOP_SESSION_ID");
        if (self != null && self.equals(id)) return id;
        throw new UserError("inside the sandbox a worker's `" + verb + "` acts only on itself: `" + verb + " "
                + (self == null ? "<your id>" : self) + " …`", ExitCode.USAGE);
    }
}
