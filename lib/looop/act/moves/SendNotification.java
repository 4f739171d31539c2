package looop.act.moves;

import java.util.List;

/**
 * Tells the human something: the journal line, and an event in the outbox
 * for the channels in "notify" (the pulse delivers it, so a channel that is
 * down never fails the move).
 */
public record SendNotification(String message) implements Move {
    public static final Kind<SendNotification> KIND = new Kind<>("send_notification", List.of(Field.nonBlank("message")),
            a -> new SendNotification(a.str("message")),
            "tell the human something; the journal line is the notice, so make it stand on its own",
            "the journal line, and a `notification` event to the \"notify\" channels");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        var now = ctx.clock.instant();
        String occurrence = now.toEpochMilli() + "-" + Integer.toHexString(message.hashCode());
        looop.notify.Outbox.of(ctx.paths, ctx.config(), ctx.clock).record(looop.notify.Notices.notification(message, occurrence, now));
    }

    public Happened happened(Context ctx) {
        return Happened.YES;
    }

    public String summary() {
        return "notify: " + message;
    }
}
