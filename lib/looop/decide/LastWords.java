package looop.decide;

import java.util.ArrayDeque;
import java.util.Locale;

/**
 * The last lines a runner printed, kept so a failed beat can say why in the
 * runner's own words ("ENOENT: no such file or directory, mkdir …") where a
 * person looks: the beat line, `status`, the next prompt's LAST FAILURE and
 * the web page, not only runs/&lt;id&gt;/output.log.
 */
final class LastWords {
    /** Enough for a stack of error lines; the full output stays in the run's archive. */
    static final int KEEP = 40;
    /** One line for a person, however long the runner's was. */
    static final int MAX_CHARS = 240;
    /** Words that mark a line as the complaint rather than progress (checked lowercased). */
    private static final String[] MARKS = {"error", "fail", "denied", "refused", "not found", "no such", "cannot", "can't",
            "unable", "invalid", "expired", "unauthorized", "forbidden", "limit", "enoent", "eacces", "erofs", "eperm",
            "read-only", "not allowed", "missing", "exception"};

    private final ArrayDeque<String> lines = new ArrayDeque<>();

    void add(String line) {
        String s = line.strip();
        if (s.isEmpty()) return;
        if (lines.size() == KEEP) lines.removeFirst();
        lines.addLast(s);
    }

    /**
     * The last line that reads like a complaint, else (orElseLast) the last
     * line, which a runner that exited by itself most often spent on why;
     * null when there is none. A runner killed at its timeout was cut off
     * mid-work: its last line is progress, so only a complaint counts.
     */
    String complaint(boolean orElseLast) {
        String last = null;
        for (var it = lines.descendingIterator(); it.hasNext(); ) {
            String s = it.next();
            if (last == null) last = s;
            if (marked(s)) return shorten(s);
        }
        return last == null || !orElseLast ? null : shorten(last);
    }

    private static boolean marked(String line) {
        String lower = line.toLowerCase(Locale.ROOT);
        for (String m : MARKS) if (lower.contains(m)) return true;
        return false;
    }

    private static String shorten(String s) {
        String one = looop.io.Controls.replace(s, " ");
        return one.length() <= MAX_CHARS ? one : one.substring(0, MAX_CHARS - 1) + "…";
    }
}
