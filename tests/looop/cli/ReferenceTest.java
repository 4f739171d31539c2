package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import looop.Beats;
import looop.TestProfile;
import looop.io.Fs;
import looop.profile.Knob;
import org.junit.jupiter.api.Test;

/** docs/reference.md is what `looop _ reference` prints: generated from the code, so it cannot drift. */
class ReferenceTest {
    @Test
    void theCommittedReferenceIsTheGeneratedOne() {
        Beats.Cli r = Beats.cli(new TestProfile(Path.of(System.getProperty("java.io.tmpdir")).resolve("looop-reference-" + ProcessHandle.current().pid())),
                "", "_", "reference");
        assertEquals(0, r.code(), r.err());
        String generated = r.out();
        for (Knob k : Knob.values()) if (k.env != null) assertTrue(generated.contains("`" + k.env + "`"), k.env);
        assertTrue(generated.contains("### looop kill\n") && generated.contains("### looop schedule add\n"), "every command, sub-verbs too");
        assertEquals(generated, Fs.readOrNull(Path.of("docs/reference.md")),
                "docs/reference.md differs from the code; regenerate it: ./jbang looop _ reference > docs/reference.md");
    }

    /** The manual names every environment variable of the knob table (it is written by hand: this keeps it honest). */
    @Test
    void theManualNamesEveryKnobsVariable() {
        for (Knob k : Knob.values()) if (k.env != null) assertTrue(looop.cli.Manual.text().contains(k.env), "looop help lacks " + k.env);
    }
}
