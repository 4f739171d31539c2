package looop.act.moves;

import java.util.List;

/**
 * Types input + Enter into live worker <id> through the tell queue, so a
 * steer arrives exactly once like a person's tell, after the tells queued
 * before it, and waits for the answer when the worker is blocked in ask.
 */
public record SteerSession(String id, String input) implements Move {
    public static final Kind<SteerSession> KIND = new Kind<>("steer_session", List.of(Field.worker("id"), Field.text("input")),
            a -> new SteerSession(a.worker("id"), a.str("input")), "type input + Enter into live worker <id>",
            "types the text + Enter into a live worker (through the tell queue: once, after an open ask is answered)");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        looop.human.TellDelivery.of(ctx.paths, ctx.sessions, ctx.clock).steer(id, input);
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
