package looop.act.moves;

import java.util.List;

/** Runs worker <id>'s command again. */
public record RestartSession(String id) implements Move {
    public static final Kind<RestartSession> KIND = new Kind<>("restart_session", List.of(Field.worker("id")),
            a -> new RestartSession(a.worker("id")), "restart worker <id>'s command", "restarts a worker's command");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        ctx.sessions.restart(id);
    }

    public Happened happened(Context ctx) {
        return Happened.UNKNOWN;
    }

    public boolean goalActivity() {
        return true;
    }
}
