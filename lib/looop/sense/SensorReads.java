package looop.sense;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import looop.fast.Text;

/**
 * The paths a sensor's header asks to read inside the sandbox, one
 * `# looop:read=<path>` line each (absolute, or under ~/), among its leading
 * comment lines like `# looop:interval=`. What may be granted is
 * looop.sandbox.ReadGrants's to say.
 */
final class SensorReads {
    private SensorReads() {}

    static final String KEY = "looop:read=";

    /** Adds the script's read grants to out; returns why its header is wrong (with the fix), or null. */
    static String of(Path script, Path home, List<Path> out) {
        String text;
        try {
            text = new String(Files.readAllBytes(script), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null; // the run says what is wrong with it
        }
        for (String line : Text.lines(text)) {
            String l = line.strip();
            if (l.isEmpty()) continue;
            if (!l.startsWith("#")) break; // the header ends at the first command
            String value = SensorCache.headerValue(l, KEY);
            if (value == null) continue;
            Path p;
            if (value.equals("~")) p = home;
            else if (value.startsWith("~/")) p = home.resolve(value.substring(2));
            else p = Path.of(value);
            if (!p.isAbsolute()) return "`# " + KEY + value + "` is not an absolute path; write it as /… or ~/…";
            if (!out.contains(p.normalize())) out.add(p.normalize());
        }
        return null;
    }
}
