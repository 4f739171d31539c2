package looop;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** journal.md: one line per move, `- YYYY-MM-DD HH:MM <text>` in local time. Append-only. */
public final class Journal {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private final Paths paths;
    private final Clock clock;

    public Journal(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    /** Appends one line; newlines in text are folded so a move is always one line. */
    public String append(String text) {
        String line = "- " + LocalDateTime.now(clock).format(STAMP) + " " + oneLine(text);
        Fs.appendLine(paths.journal(), line);
        return line;
    }

    public static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ⏎ ");
    }

    /** The last n lines (all when n ≤ 0). */
    public List<String> tail(int n) {
        String text = Fs.readOr(paths.journal(), "");
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return n <= 0 || lines.size() <= n ? lines : lines.subList(lines.size() - n, lines.size());
    }
}
