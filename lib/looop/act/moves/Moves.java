package looop.act.moves;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registry: every action a decision may name, in the order the prompt and
 * the manual list them. Both action tables are rendered from here, so the
 * decider, the manual and the parser cannot disagree.
 */
public final class Moves {
    private Moves() {}

    public static final List<Kind<?>> ALL = List.of(
            Noop.KIND,
            RunShell.KIND,
            WriteGoal.KIND,
            ArchiveGoal.KIND,
            WriteSensor.KIND,
            WritePlaybook.KIND,
            StartWorker.KIND,
            SteerSession.KIND,
            SendKey.KIND,
            RestartSession.KIND,
            KillWorker.KIND,
            SendNotification.KIND,
            WriteSchedule.KIND,
            DropSchedule.KIND);

    /** The action names, in table order. */
    public static List<String> names() {
        return ALL.stream().map(Kind::action).toList();
    }

    public static Optional<Kind<?>> named(String action) {
        return ALL.stream().filter(k -> k.action().equals(action)).findFirst();
    }

    /** Parses the action-specific fields of a decision whose "action" names a known action. */
    public static Move parse(String action, JsonNode root) {
        return named(action).orElseThrow(() -> new IllegalArgumentException("not an action: " + action)).parse(root);
    }

    /** Which description a table shows. */
    public enum Audience { DECIDER, MANUAL }

    /**
     * The action table as fixed-width text: indent, the action padded to
     * actionWidth, the fields padded to fieldsWidth, then the description
     * wrapped so no line is wider than width.
     */
    public static String table(Audience audience, String indent, int actionWidth, int fieldsWidth, int width) {
        return table(audience, indent, actionWidth, fieldsWidth, width, k -> true);
    }

    /** As above, only the actions offered. */
    public static String table(Audience audience, String indent, int actionWidth, int fieldsWidth, int width,
            java.util.function.Predicate<Kind<?>> offered) {
        StringBuilder out = new StringBuilder();
        String hanging = " ".repeat(indent.length() + actionWidth + fieldsWidth);
        for (Kind<?> k : ALL) {
            if (!offered.test(k)) continue;
            String text = audience == Audience.DECIDER ? k.forDecider() : k.whatLooopDoes();
            String head = indent + pad(k.action(), actionWidth) + pad(k.fieldList(), fieldsWidth);
            // a field list wider than its column leaves the first line less room than the rest
            List<String> lines = wrap(text, width - head.length(), width - hanging.length());
            out.append(head).append(lines.get(0)).append('\n');
            for (String line : lines.subList(1, lines.size())) out.append(hanging).append(line).append('\n');
        }
        return out.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    /** Greedy word wrap; a word longer than the width gets a line of its own. */
    static List<String> wrap(String text, int width) {
        return wrap(text, width, width);
    }

    /** As above, the first line firstWidth wide (at least one word), the others width. */
    static List<String> wrap(String text, int firstWidth, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > (lines.isEmpty() ? firstWidth : width)) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
