package looop.act.moves;

import java.util.List;

/** Nothing is worth doing now: the journal line is the whole move. */
public record Noop(String reason) implements Move {
    public static final Kind<Noop> KIND = new Kind<>("noop", List.of(Field.optional("reason")),
            a -> new Noop(a.str("reason")), "nothing is worth doing now", "nothing");

    public Kind<?> kind() {
        return KIND;
    }

    public void perform(Context ctx) { }

    public Happened happened(Context ctx) {
        return Happened.YES;
    }

    public String summary() {
        return Context.detailed("noop", reason);
    }
}
