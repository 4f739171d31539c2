package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import looop.Beats;
import looop.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `looop goal`: a person writes, lists and archives goals as the write_goal and archive_goal moves do, and a mistake is one line. */
class GoalCommandTest {
    @TempDir Path tmp;

    @Test
    void writesListsAndArchivesAGoal() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Beats.Cli wrote = Beats.cli(p, "# Tidy repo\nNothing stays uncommitted.\n", "goal", "write", "tidy", "-");
        assertEquals(0, wrote.code(), wrote.err());
        assertEquals("# Tidy repo\nNothing stays uncommitted.\n", Files.readString(tmp.resolve("goals/tidy.md")));
        assertEquals("tidy  Tidy repo\n", Beats.cli(p, "", "goal", "ls").out());
        assertTrue(Beats.cli(p, "", "goal", "ls", "--json").out().contains("\"body\":\"# Tidy repo\\nNothing stays uncommitted.\\n\""));
        Beats.Cli archived = Beats.cli(p, "", "goal", "archive", "tidy");
        assertEquals(0, archived.code(), archived.err());
        assertTrue(Files.isRegularFile(tmp.resolve("goals/archive/tidy.md")));
        assertEquals("no goals\n", Beats.cli(p, "", "goal", "ls").out());
        assertTrue(p.read("events.jsonl").contains("\"event\":\"goal_archived\""), "recorded as a person's act");
    }

    @Test
    void mistakesAreOneLineAndChangeNothing() {
        TestProfile p = new TestProfile(tmp);
        for (String[] args : new String[][] {{"goal", "write", "../x", "body"}, {"goal", "archive", "nothing"}, {"goal", "write", "empty", " "}}) {
            Beats.Cli r = Beats.cli(p, "", args);
            assertTrue(r.code() != 0, String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("looop: "), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("x.md")));
        assertFalse(Files.exists(tmp.resolve("goals/empty.md")));
    }
}
