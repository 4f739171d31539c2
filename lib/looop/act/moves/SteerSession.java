package looop.act.moves;

import java.util.List;

/** Types input + Enter into live worker <id>. */
public record SteerSession(String id, String input) implements Move {
    public static final Kind<SteerSession> KIND = new Kind<>("steer_session", List.of(Field.worker("id"), Field.text("input")),
            a -> new SteerSession(a.worker("id"), a.str("input")), "type input + Enter into live worker <id>",
            "types the text + Enter into a live worker");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        ctx.sessions.steer(id, input);
    }

    public Happened happened(Context ctx) {
        return Happened.UNKNOWN;
    }

    public String summary() {
        return Context.detailed(label(), Context.shown(input));
    }

    public boolean goalActivity() {
        return true;
    }
}
