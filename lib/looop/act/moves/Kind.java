package looop.act.moves;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An action as the decider and the manual see it: its name, its fields in the
 * order they are checked, the record it parses into, and two descriptions: one
 * for the decider's prompt and one for the manual's "what looop does".
 */
public record Kind<M extends Move>(String action, List<Field> fields, Function<Args, M> parser, String forDecider,
        String whatLooopDoes) {

    /** Checks every field, then builds the record; a one-line UserError for the first bad field. */
    public M parse(JsonNode root) {
        for (Field f : fields) f.check(action, root);
        return parser.apply(new Args(root));
    }

    /** The fields as the tables show them: "id, keys[]", "reason?". */
    public String fieldList() {
        return fields.stream().map(Field::shown).collect(Collectors.joining(", "));
    }

    /** The validated fields of one decision, for a record's constructor. */
    public record Args(JsonNode root) {
        public String str(String field) {
            JsonNode v = root.get(field);
            return v != null && v.isTextual() ? v.textValue() : null;
        }

        /** A validated SECONDS field as a Duration (millisecond precision), or null when absent. */
        public java.time.Duration seconds(String field) {
            JsonNode v = root.get(field);
            return v != null && v.isNumber() ? java.time.Duration.ofMillis(Math.round(v.doubleValue() * 1000)) : null;
        }

        public List<String> strings(String field) {
            JsonNode v = root.get(field);
            if (v == null || !v.isArray()) return List.of();
            return java.util.stream.StreamSupport.stream(v.spliterator(), false).map(JsonNode::asText).toList();
        }

        /** A worker id without looop's `looop-` prefix, as the engine names it. */
        public String worker(String field) {
            return looop.io.Ids.worker(str(field));
        }
    }
}
