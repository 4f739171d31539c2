package looop.act.moves;

import java.util.List;

/** Starts worker <id> (an agent in its own terminal) with a brief. */
public record StartWorker(String id, String prompt) implements Move {
    public static final Kind<StartWorker> KIND = new Kind<>("start_worker", List.of(Field.worker("id"), Field.text("prompt")),
            a -> new StartWorker(a.worker("id"), a.str("prompt")),
            "start worker <id>, an agent in its own terminal, with this brief", "starts worker session <id> with that brief");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        ctx.sessions.start(id, prompt, null);
    }

    public Happened happened(Context ctx) {
        return Happened.UNKNOWN;
    }

    public boolean goalActivity() {
        return true;
    }
}
