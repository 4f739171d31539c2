package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import looop.Beats;
import looop.NoSessions;
import looop.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short way for the verbs workers call in a loop (QuickVerbs) against
 * picocli's, side by side on twin profiles: the same exit code, output,
 * error line and files, for each plain spelling and its failures; and any
 * other spelling is left to picocli.
 */
class QuickVerbsTest {
    @TempDir Path tmp;

    static final List<List<String>> LINES = List.of(
            List.of("version"),
            List.of("ls"),
            List.of("tick"), List.of("tick"),
            List.of("_", "cost", "tick", "t1", "offline", "0.25"),
            List.of("_", "cost", "session", "w1", "pi", "$0.1"),
            List.of("_", "cost", "tick", "t1", "offline", "lots"),
            List.of("_", "claim", "lease-a"),
            List.of("_", "unclaim", "lease-a"),
            List.of("_", "flag", "w1", "needs", "a", "look"),
            List.of("_", "unflag", "w1"),
            List.of("_", "kill", "w1"),
            List.of("_", "flag", "../escape", "x"),
            List.of("ask", "w1"));

    @Test
    void thePlainSpellingsDoWhatPicocliDoes() throws Exception {
        Beats quick = twin("a"), picocli = twin("b"); // names of one length: a prompt holds its path, and is cut at a length
        for (List<String> line : LINES) {
            String[] args = line.toArray(String[]::new);
            Run q = run(quick, args, true), p = run(picocli, args, false);
            assertEquals(p, q, String.join(" ", line));
            assertEquals(files(picocli.profile.dir), files(quick.profile.dir), "files after " + String.join(" ", line));
        }
        // a worker's own claim
        Run q = run(quick, new String[] {"_", "claim", "lease-b"}, true, Map.of("LOOOP_SESSION_ID", "w1"));
        Run p = run(picocli, new String[] {"_", "claim", "lease-b"}, false, Map.of("LOOOP_SESSION_ID", "w1"));
        assertEquals(p, q);
        assertEquals(0, q.code(), q.toString());
    }

    @Test
    void onlyPlainSpellingsGoTheShortWay() {
        for (String line : List.of("version", "ls", "tick", "ask w1 what now", "_ flag w1", "_ flag w1 a b c", "_ unflag w1", "_ kill w1",
                "_ claim x", "_ unclaim x", "_ cost tick t offline 1", "_ cost session w1 pi 0.5")) {
            assertTrue(QuickVerbs.matches(line.split(" ")), line);
        }
        for (String line : List.of("", "version --json", "--json version", "ls --watch", "ls --json", "tick --force", "tick --help", "ask w1",
                "ask w1 --options a,b which", "ask w1 -x", "_", "_ flag", "_ flag w1 @notes.txt", "_ claim x --session s", "_ claim x y",
                "_ cost bogus t offline 1", "_ cost tick t offline", "_ kill w1 now", "_ frob w1", "status", "help", "-h", "journal")) {
            assertFalse(QuickVerbs.matches(line.isEmpty() ? new String[0] : line.split(" ")), line);
        }
    }

    /** A profile with the offline runner and worker w1's session dir, the same in both. */
    Beats twin(String name) throws Exception {
        Beats b = new Beats(tmp.resolve(name), "{\"action\":\"noop\",\"reason\":\"twin\"}");
        Files.createDirectories(b.profile.paths.sessions().resolve("w1"));
        return b;
    }

    record Run(int code, String out, String err) {}

    Run run(Beats b, String[] args, boolean quick) {
        return run(b, args, quick, Map.of());
    }

    /** One command line on b's profile, by Main.run (the short way first) or by picocli alone; paths made alike. */
    Run run(Beats b, String[] args, boolean quick, Map<String, String> env) {
        TestProfile profile = env.isEmpty() ? b.profile : new TestProfile(b.profile.dir, env);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Context ctx = new Context(profile.paths, b.profile.clock, NoSessions.none(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = quick ? Main.run(ctx, args) : Main.commandLine(ctx, args).execute(args);
        return new Run(code, alike(out.toString(StandardCharsets.UTF_8), b.profile.dir), alike(err.toString(StandardCharsets.UTF_8), b.profile.dir));
    }

    /** Text with the profile's path and the log's wall-clock stamps (the process's own clock, not the profile's) masked. */
    static String alike(String text, Path dir) {
        return text.replace(dir.toString(), "<dir>").replaceAll("\\[\\d\\d:\\d\\d:\\d\\d\\]", "[hh:mm:ss]");
    }

    /** Every file under dir with its bytes (run dirs and temp names carry no random part here). */
    static Map<String, String> files(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (var s = Files.walk(dir)) {
            // the offline runner's own log stamps the wall clock and hashes the prompt's bytes, path included;
            // the cgroup sweep's stamp is written by whichever JVM sweeps first in a minute, a matter of timing
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.toString().contains(".offline-runner"))
                    .filter(p -> !p.endsWith(Path.of(".sandbox", "cgroup-sweep"))).toList()) {
                out.put(dir.relativize(p).toString(), alike(Files.readString(p, StandardCharsets.ISO_8859_1), dir));
            }
        }
        return out;
    }
}
