package looop.sense;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import looop.profile.Paths;
import looop.sandbox.SandboxPolicy;

/**
 * What a sensor's script names that its sandbox will not show it, for
 * `looop doctor`: each absolute path (or ~/…, $HOME/…) on a command line
 * that exists on this machine but is hidden inside: under the private /tmp
 * without a read grant (its header's `# looop:read=` or sandbox.read), or
 * under a path the sandbox hides. A path that does not exist here is left
 * alone (a script may make its own scratch in /tmp). Only for doctor: a
 * regex, off the beat's quick path.
 */
public final class SensorSight {
    private SensorSight() {}

    private static final Pattern PATH = Pattern.compile("(~|\\$HOME|\\$\\{HOME\\})?/[A-Za-z0-9._@%+=:,/-]+");
    private static final Path TMP = Path.of("/tmp");

    /** One blind spot: where the script names it and why the sandbox hides it, with the fix. */
    public record Blind(String where, Path path, String why) {
        public String line() {
            return where + " reads " + path + ", which " + why;
        }
    }

    /** The blind spots of script, shown as shown (e.g. sensors/x.sh); hidden: what every sandboxed command has hidden. */
    public static List<Blind> of(Paths paths, SandboxPolicy policy, Path home, List<Path> hidden, Path script, String shown) {
        List<Blind> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = List.of(new String(Files.readAllBytes(script), StandardCharsets.UTF_8).split("\n", -1));
        } catch (IOException e) {
            return out;
        }
        List<Path> reads = new ArrayList<>(policy.read());
        SensorReads.of(script, home, reads);
        List<Path> visible = new ArrayList<>(reads);
        visible.addAll(policy.write());
        visible.add(paths.data);
        visible.add(paths.config);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#")) continue;
            Matcher m = PATH.matcher(line);
            while (m.find()) {
                Path p = path(m.group(), home);
                if (p == null || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) continue;
                String why = why(p, hidden, visible);
                if (why != null) out.add(new Blind(shown + ":" + (i + 1), p, why));
            }
        }
        return out;
    }

    private static Path path(String token, Path home) {
        String t = token.replaceAll("/+$", "");
        if (t.isEmpty()) return null;
        for (String prefix : new String[] {"~", "${HOME}", "$HOME"}) {
            if (t.startsWith(prefix)) return t.length() <= prefix.length() + 1 ? home : home.resolve(t.substring(prefix.length() + 1));
        }
        return Path.of(t).normalize();
    }

    private static String why(Path p, List<Path> hidden, List<Path> visible) {
        for (Path h : hidden) {
            if (p.startsWith(h.toAbsolutePath().normalize())) return "the sandbox hides (" + h + "); read something else";
        }
        if (!p.startsWith(TMP) || p.equals(TMP)) return null;
        for (Path v : visible) {
            if (p.startsWith(v.toAbsolutePath().normalize())) return null;
        }
        return "the sandbox's private /tmp hides; add `# looop:read=" + p + "` to its header";
    }
}
