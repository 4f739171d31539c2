package looop;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import looop.act.moves.Field;
import looop.act.moves.Kind;
import looop.act.moves.Moves;
import looop.io.Json;
import looop.io.UserError;

/**
 * A decision for each registered move, made from its Kind's fields, so tests
 * that cover every move take them from Moves.ALL and a new move needs no test
 * edited: its required fields filled, and when the parser still refuses (a rule
 * across fields, like write_schedule's one "when"), one optional field more.
 */
public final class MoveSamples {
    private MoveSamples() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** One accepted decision per registered move, in registry order. */
    public static List<String> all() {
        return Moves.ALL.stream().map(MoveSamples::of).toList();
    }

    /** The smallest decision naming this move that the parser accepts. */
    public static String of(Kind<?> kind) {
        ObjectNode required = F.objectNode().put("action", kind.action());
        for (Field f : kind.fields()) if (isRequired(f)) required.set(f.name(), value(f));
        List<ObjectNode> tries = new ArrayList<>(List.of(required));
        for (Field f : kind.fields()) if (!isRequired(f)) tries.add(required.deepCopy().set(f.name(), value(f)));
        for (ObjectNode o : tries) {
            try {
                kind.parse(o);
                return Json.canonical(o);
            } catch (UserError refused) {
                // try the next, one optional field more
            }
        }
        throw new AssertionError(kind.action() + ": no sample from its fields parses; fill its fields by hand here");
    }

    /** The value a sample gives a field: its name, where an id or a word will do. */
    static com.fasterxml.jackson.databind.JsonNode value(Field f) {
        return switch (f.rule()) {
            case KEYS -> F.arrayNode().add("Enter");
            case WORKERS -> F.arrayNode().add("s-" + f.name().replace('_', '-'));
            case SECONDS -> F.numberNode(60);
            default -> F.textNode("s-" + f.name().replace('_', '-'));
        };
    }

    static boolean isRequired(Field f) {
        return f.rule() != Field.Rule.OPTIONAL && f.rule() != Field.Rule.SECONDS && f.rule() != Field.Rule.WORKERS;
    }
}
