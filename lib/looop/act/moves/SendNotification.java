package looop.act.moves;

import java.util.List;

/** Tells the human something: the journal line is the notice. */
public record SendNotification(String message) implements Move {
    public static final Kind<SendNotification> KIND = new Kind<>("send_notification", List.of(Field.nonBlank("message")),
            a -> new SendNotification(a.str("message")),
            "tell the human something; the journal line is the notice, so make it stand on its own",
            "nothing but the journal line: that is the notice");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) { }

    public Happened happened(Context ctx) {
        return Happened.YES;
    }

    public String summary() {
        return "notify: " + message;
    }
}
