package looop.sense;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import looop.io.Proc;

/**
 * A sandboxed sensor that ran fine but whose stderr says "No such file":
 * its reading is likely empty because the sandbox hides what it reads (the
 * private /tmp above all). When the path it names exists on this machine,
 * the warning names it and the header line that shows it. Written by hand
 * (no regex): it runs on every beat's results.
 */
final class SensorBlindness {
    private SensorBlindness() {}

    private static final String NO_SUCH = "No such file";

    /** The beat line's warning for this run, or null. */
    static String warning(String name, Proc.Result r) {
        if (r.timedOut() || r.exitCode() != 0) return null; // a failure is said already
        String err = r.stderrTail();
        if (!err.contains(NO_SUCH)) return null;
        Path hidden = hostPath(err);
        String start = "sensor " + name + " read nothing it could not see: its stderr says \"" + NO_SUCH + "\"";
        if (hidden == null) return start + " inside the sandbox; if it reads a path under /tmp, add `# looop:read=<path>` to sensors/" + name + ".sh";
        return start + " for " + hidden + ", which exists outside the sandbox; add `# looop:read=" + hidden + "` to sensors/" + name + ".sh";
    }

    /** The first absolute path on a "No such file" line that exists here (outside the sandbox), or null. */
    private static Path hostPath(String err) {
        for (String line : err.lines().toList()) {
            if (!line.contains(NO_SUCH)) continue;
            for (int i = line.indexOf('/'); i >= 0; i = line.indexOf('/', i + 1)) {
                if (i > 0 && !boundary(line.charAt(i - 1))) continue;
                int end = i;
                while (end < line.length() && !boundary(line.charAt(end))) end++;
                Path p = Path.of(line.substring(i, end));
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return p;
                i = end;
            }
        }
        return null;
    }

    private static boolean boundary(char c) {
        return c == '\'' || c == '"' || c == ':' || c == ' ' || c == '\t' || c == '`' || c == '(' || c == ')';
    }
}
