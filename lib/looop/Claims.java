package looop;

import java.util.List;

/** Worker leases under claims/: who holds what, and reaping leases of dead sessions. */
public final class Claims {
    public record Claim(String name, String session) {}

    public Claims(Paths paths, Sessions sessions) {
        throw new UnsupportedOperationException("todo");
    }

    /** Every lease, sorted by name. Unreadable files show with session "?". */
    public List<Claim> list() {
        throw new UnsupportedOperationException("todo");
    }

    /** Deletes leases whose session is not alive; returns their names. */
    public List<String> reapDead() {
        throw new UnsupportedOperationException("todo");
    }
}
