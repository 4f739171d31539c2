package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import looop.Beats;
import looop.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A runner whose binary is missing stops everything before the first beat: one line, exit 1, no file written. */
class RunnerPreflightTest {
    @TempDir Path dir;

    static final String MISSING = "{\"default\":\"x\",\"runners\":{\"x\":{\"tick\":\"no-such-decider-cli --go\"}}}";
    static final String LINE = "looop: runner 'x' needs `no-such-decider-cli`, which is not on PATH; "
            + "install it or fix the runner's \"tick\" command in looop.json\n";

    /** Runs the command; a pulse that got past the preflight would never return, hence the bound. */
    static Beats.Cli refused(TestProfile p, String... args) throws Exception {
        Map<String, String> before = Beats.tree(p.dir.getParent());
        Beats.Cli r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Beats.cli(p, "", args), "the pulse started");
        assertEquals(1, r.code(), r.err());
        assertEquals(LINE, r.err());
        assertEquals("", r.out());
        assertEquals(before, Beats.tree(p.dir.getParent()), "a refused start wrote files");
        return r;
    }

    @Test
    void thePulseRefusesToStart() throws Exception {
        TestProfile p = new TestProfile(dir.resolve("data"));
        p.write("looop.json", MISSING);
        refused(p, "run");
        refused(p, "run", "--json");
        refused(p);
    }

    @Test
    void aBeatRefusesToStart() throws Exception {
        TestProfile p = new TestProfile(dir.resolve("data"));
        p.write("looop.json", MISSING);
        refused(p, "tick");
        refused(p, "tick", "--force");
    }

    @Test
    void aProfileThatDoesNotExistYetIsNotCreated() throws Exception {
        // the default runner is claude; this PATH has no claude on it
        TestProfile p = new TestProfile(dir.resolve("fresh"), Map.of("PATH", dir.resolve("empty-bin").toString()));
        Files.createDirectories(dir.resolve("empty-bin"));
        Beats.Cli r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Beats.cli(p, "", "run"));
        assertEquals(1, r.code());
        assertEquals("looop: runner 'claude' needs `claude`, which is not on PATH; install it with: npm install -g @anthropic-ai/claude-code\n", r.err());
        assertFalse(Files.exists(dir.resolve("fresh")), "the data dir was created for a pulse that never started");
    }
}
