package looop.act.moves;

import java.util.List;

/** Presses named keys in worker <id>. */
public record SendKey(String id, List<String> keys) implements Move {
    public static final Kind<SendKey> KIND = new Kind<>("send_key", List.of(Field.worker("id"), Field.keys("keys")),
            a -> new SendKey(a.worker("id"), a.strings("keys")),
            "press named keys in worker <id>, e.g. [\"Esc\"], [\"C-c\"], [\"Up\",\"Enter\"]",
            "sends named keys (Enter, Esc, C-c, Up, ...)");

    public SendKey {
        keys = List.copyOf(keys);
    }

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) {
        ctx.sessions.sendKeys(id, keys);
    }

    public Happened happened(Context ctx) {
        return Happened.UNKNOWN;
    }

    public String summary() {
        return label() + ": " + String.join(" ", keys);
    }

    public boolean goalActivity() {
        return true;
    }
}
