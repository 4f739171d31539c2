package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;
import looop.NoSessions;
import looop.TestProfile;
import looop.act.GoalActivity;
import looop.act.moves.Kind;
import looop.act.moves.Moves;
import looop.act.moves.SendKey;
import looop.act.moves.StartWorker;
import looop.sense.Recall;
import looop.sense.Sensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptTest {
    @TempDir
    Path tmp;

    private static final List<Sensors.Reading> READINGS = List.of(
            new Sensors.Reading("sensor-today.json", "{\"signal\":{\"date\":\"2026-11-23\"}}"),
            new Sensors.Reading("sys-claims.json", "{\"signal\":[]}\n"),
            new Sensors.Reading("sys-goals.json", "{\"signal\":{},\"detail\":{}}\n"));
    private static final List<String> JOURNAL = List.of("- 2026-11-23 11:00 wrote goal ship-it",
            "- 2026-11-23 11:30 started worker ship-it");

    private TestProfile world() {
        TestProfile p = new TestProfile(tmp);
        p.write("PLAYBOOK.md", "# Playbook\nShip small.\n");
        p.write("goals/zeta.md", "# Zeta\n");
        p.write("goals/alpha.md", "# Alpha");
        p.write("goals/archive/done.md", "# Done long ago\n");
        p.write("goals/notes.txt", "not a goal\n");
        return p;
    }

    @Test
    void sectionsComeInOrderWithTheClockAndHindsightLast() {
        TestProfile p = world();
        String prompt = Prompt.build(p.paths, READINGS, JOURNAL, p.clock);
        int instructions = prompt.indexOf(".decision.json");
        int playbook = prompt.indexOf("\n=== PLAYBOOK ===\n# Playbook\nShip small.\n");
        int goals = prompt.indexOf("\n=== GOALS ===\n");
        int readings = prompt.indexOf("\n=== SENSOR READINGS ===\n");
        int journal = prompt.indexOf("\n=== RECENT JOURNAL ===\n");
        int now = prompt.indexOf("\n=== NOW ===\n");
        int changed = prompt.indexOf("\n=== WHAT CHANGED ===\n");
        int failure = prompt.indexOf("\n=== LAST FAILURE ===\n");
        int shell = prompt.indexOf("\n=== LAST SHELL OUTPUT ===\n");
        assertTrue(0 <= instructions && instructions < playbook && playbook < goals && goals < readings
                && readings < journal && journal < now && now < changed && changed < failure && failure < shell, prompt);
        String tail = prompt.substring(now + "\n=== NOW ===\n".length());
        assertEquals("2026-11-23T12:00:00+00:00 (Monday)\n--- snapshots/sys-goals.json\n{\"signal\":{},\"detail\":{}}\n"
                + "\n=== WHAT CHANGED ===\n(no beat decided yet: all of it is new)\n"
                + "\n=== LAST FAILURE ===\n(none: the last beat succeeded)\n"
                + "\n=== LAST SHELL OUTPUT ===\n(none)\n", tail);
    }

    @Test
    void hindsightSectionsSayWhatChangedWhatFailedAndWhatTheShellPrinted() {
        TestProfile p = world();
        Prompt.Hindsight seen = new Prompt.Hindsight(List.of("PLAYBOOK.md changed", "snapshots/sensor-ci.json: {\"red\":1} → {\"red\":0}"),
                List.of("sensor-clock.json"), new Recall.Failure(0, "runner_failed", "runner exited 3 · replay: runs/x"),
                new Recall.Shell(0, "git status --short", 0, false, " M README.md", true));
        String prompt = Prompt.build(p.paths, READINGS, JOURNAL, p.clock, seen);
        assertEquals("- PLAYBOOK.md changed\n- snapshots/sensor-ci.json: {\"red\":1} → {\"red\":0}\n"
                + "! snapshots/sensor-clock.json is flapping: its signal changed on every recent beat. Its sensor should move the"
                + " volatile part into \"detail\" (write_sensor), or every beat wakes you.\n",
                between(prompt, "=== WHAT CHANGED ===\n", "\n=== LAST FAILURE ==="));
        assertEquals("runner_failed: runner exited 3 · replay: runs/x\n", between(prompt, "=== LAST FAILURE ===\n", "\n=== LAST SHELL OUTPUT ==="));
        assertTrue(prompt.endsWith("=== LAST SHELL OUTPUT ===\n$ git status --short\nexit 0\n M README.md\n"), prompt);
        String nothing = Prompt.build(p.paths, READINGS, JOURNAL, p.clock, new Prompt.Hindsight(List.of(), List.of(), null,
                new Recall.Shell(0, "sleep 99", 124, true, "(no output)", false)));
        assertTrue(nothing.contains("=== WHAT CHANGED ===\n(nothing since the last decided beat: the same world, decided again)\n"), nothing);
        assertTrue(nothing.endsWith("$ sleep 99\ntimed out\n(no output)\n"), nothing);
    }

    /** What changed, a failure and a shell output differ between two beats of one world: none of it comes before NOW. */
    @Test
    void hindsightNeverChangesAByteBeforeNow() {
        TestProfile p = world();
        String first = Prompt.build(p.paths, READINGS, JOURNAL, p.clock, Prompt.Hindsight.NONE);
        p.clock.advanceSeconds(90);
        String second = Prompt.build(p.paths, READINGS, JOURNAL, p.clock, new Prompt.Hindsight(List.of("goals/alpha.md changed"),
                List.of("sensor-today.json"), new Recall.Failure(1, "bad_decision", "bad decision: not JSON"),
                new Recall.Shell(1, "ls", 2, false, "ls: cannot access", false)));
        int cut = first.indexOf("\n=== NOW ===\n");
        assertEquals(cut, second.indexOf("\n=== NOW ===\n"));
        assertEquals(first.substring(0, cut), second.substring(0, cut));
        assertNotEquals(first.substring(cut), second.substring(cut));
    }

    @Test
    void goalsInNameOrderWithoutArchiveOrOtherFiles() {
        TestProfile p = world();
        String prompt = Prompt.build(p.paths, READINGS, JOURNAL, p.clock);
        String goals = between(prompt, "=== GOALS ===\n", "\n=== SENSOR READINGS ===");
        assertEquals("--- goals/alpha.md\n# Alpha\n--- goals/zeta.md\n# Zeta\n", goals);
        assertFalse(prompt.contains("Done long ago"));
        assertFalse(prompt.contains("not a goal"));
    }

    @Test
    void readingsAndJournalAppearVerbatimInTheGivenOrder() {
        TestProfile p = world();
        String prompt = Prompt.build(p.paths, READINGS, JOURNAL, p.clock);
        assertEquals("--- snapshots/sensor-today.json\n{\"signal\":{\"date\":\"2026-11-23\"}}\n"
                + "--- snapshots/sys-claims.json\n{\"signal\":[]}\n",
                between(prompt, "=== SENSOR READINGS ===\n", "\n=== RECENT JOURNAL ==="));
        assertEquals(String.join("\n", JOURNAL) + "\n", between(prompt, "=== RECENT JOURNAL ===\n", "\n=== NOW ==="));
    }

    @Test
    void emptyWorldSaysSoInEverySection() {
        TestProfile p = new TestProfile(tmp);
        String prompt = Prompt.build(p.paths, List.of(), List.of(), p.clock);
        assertEquals("(no playbook yet)\n", between(prompt, "=== PLAYBOOK ===\n", "\n=== GOALS ==="));
        assertEquals("(no goals yet)\n", between(prompt, "=== GOALS ===\n", "\n=== SENSOR READINGS ==="));
        assertEquals("(no readings)\n", between(prompt, "=== SENSOR READINGS ===\n", "\n=== RECENT JOURNAL ==="));
        assertEquals("(empty)\n", between(prompt, "=== RECENT JOURNAL ===\n", "\n=== NOW ==="));
    }

    @Test
    void onlyArchivedGoalsCountAsNoGoals() {
        TestProfile p = new TestProfile(tmp);
        p.write("goals/archive/old.md", "# Old\n");
        String prompt = Prompt.build(p.paths, List.of(), List.of(), p.clock);
        assertTrue(prompt.contains("=== GOALS ===\n(no goals yet)\n"));
    }

    @Test
    void equalWorldsAnHourApartShareEveryByteBeforeNow() {
        TestProfile p = world();
        String first = Prompt.build(p.paths, READINGS, JOURNAL, p.clock);
        p.clock.advanceSeconds(3600);
        String second = Prompt.build(p.paths, READINGS, JOURNAL, p.clock);
        assertNotEquals(first, second);
        int cut = first.indexOf("\n=== NOW ===\n");
        assertEquals(cut, second.indexOf("\n=== NOW ===\n"));
        assertEquals(first.substring(0, cut), second.substring(0, cut));
        assertTrue(second.contains("=== NOW ===\n2026-11-23T13:00:00+00:00 (Monday)\n"), second);
    }

    /** sys-goals' ages move with the clock, so they travel in the last section with the time. */
    @Test
    void realReadingsOfAnUnchangedWorldAnHourApartShareEveryByteBeforeNow() {
        TestProfile p = world();
        GoalActivity.stamp(p.paths, "alpha", p.clock.instant().getEpochSecond() - 600);
        List<Sensors.Reading> before = new Sensors(p.paths, NoSessions.none(), p.clock, looop.profile.Config.load(p.paths)).senseAll();
        String first = Prompt.build(p.paths, before, JOURNAL, p.clock);
        p.clock.advanceSeconds(3600);
        List<Sensors.Reading> after = new Sensors(p.paths, NoSessions.none(), p.clock, looop.profile.Config.load(p.paths)).senseAll();
        assertNotEquals(before, after, "the ages moved");
        String second = Prompt.build(p.paths, after, JOURNAL, p.clock);
        int cut = first.indexOf("\n=== NOW ===\n");
        assertEquals(first.substring(0, cut), second.substring(0, cut));
        assertTrue(second.substring(cut).contains("--- snapshots/sys-goals.json"), second.substring(cut));
        assertFalse(second.substring(0, cut).contains("sys-goals.json\n{"), "no clock-derived reading before NOW");
    }

    @Test
    void nowIsLocalTimeWithItsOffset() {
        TestProfile p = new TestProfile(tmp);
        Clock berlin = Clock.fixed(Instant.parse("2026-07-04T22:30:15.789Z"), ZoneId.of("Europe/Berlin"));
        String prompt = Prompt.build(p.paths, List.of(), List.of(), berlin);
        assertTrue(prompt.contains("=== NOW ===\n2026-07-05T00:30:15+02:00 (Sunday)\n\n=== WHAT CHANGED ===\n"), prompt);
    }

    @Test
    void actionTableListsEveryRegisteredActionWithItsFields() {
        String instructions = Prompt.INSTRUCTIONS;
        assertEquals(Moves.names(), Prompt.ACTIONS);
        for (Kind<?> k : Moves.ALL) {
            Pattern line = Pattern.compile("(?m)^ +" + Pattern.quote(k.action()) + " +" + Pattern.quote(k.fieldList()) + " ");
            assertTrue(line.matcher(instructions).find(), "action table row: " + k.action() + " " + k.fieldList());
        }
        // how a row spells its fields: optional ones end in ?, arrays in []
        assertEquals("id, keys[]", SendKey.KIND.fieldList());
        assertEquals("id, prompt, repo?, base?, verify?, after[]?", StartWorker.KIND.fieldList()); // an optional array: both
    }

    @Test
    void instructionsCoverTheContract() {
        String instructions = Prompt.INSTRUCTIONS;
        for (String must : List.of("ONE JSON object", ".decision.json", "\"journal\"", "\"next_interval_s\"", "5..3600",
                "sys-sessions", "sys-claims", "sys-goals", "age_s", "neglected", "letters", "irreversible", "flag",
                "Level-triggered", "PLAYBOOK.md, goals/ and sensors/", "\"health\": \"asking\"", "\"stuck\"", "\"verify\": \"passed\" or \"failed\"",
                "detail.verify")) {
            assertTrue(instructions.contains(must), must);
        }
        String prompt = Prompt.build(new TestProfile(tmp).paths, List.of(), List.of(), Clock.systemUTC());
        assertTrue(prompt.startsWith(Prompt.CONSTITUTION + "\n"), "the constitution comes first");
        assertTrue(prompt.contains("\n\n" + instructions), "then looop's instructions, whole");
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        int end = text.indexOf(to, start);
        assertTrue(start >= 0 && end >= 0, "missing " + from + " or " + to);
        return text.substring(start + from.length(), end);
    }
}
