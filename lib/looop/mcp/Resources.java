package looop.mcp;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import looop.io.Fs;
import looop.profile.Paths;

/** The resources `looop mcp` offers: goals, PLAYBOOK and the journal, read from the data dir when asked for. */
public final class Resources {
    private Resources() {}

    /** One resource: its URI, its name, one line for the agent, and how to read it now. */
    public record Resource(String uri, String name, String description, Supplier<String> read) {}

    public static List<Resource> all(Paths paths) {
        return List.of(
                new Resource("looop://goals", "goals", "Every goal (goals/*.md): what should be true, in the person's words.",
                        () -> goals(paths)),
                new Resource("looop://playbook", "PLAYBOOK", "PLAYBOOK.md: how the loop works for this person.",
                        () -> orEmpty(paths.playbook())),
                new Resource("looop://journal", "journal", "journal.md: one line per move, oldest first.",
                        () -> orEmpty(paths.journal())));
    }

    /** Each goal under a heading naming its file, in file-name order. */
    static String goals(Paths paths) {
        StringBuilder out = new StringBuilder();
        for (Path goal : Fs.listFiles(paths.goals(), ".md")) {
            out.append("<!-- goals/").append(goal.getFileName()).append(" -->\n").append(orEmpty(goal));
            if (out.charAt(out.length() - 1) != '\n') out.append('\n');
        }
        return out.isEmpty() ? "(no goals)\n" : out.toString();
    }

    private static String orEmpty(Path file) {
        String text = Fs.readOrNull(file);
        return text == null ? "" : text;
    }
}
