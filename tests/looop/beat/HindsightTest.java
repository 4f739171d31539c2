package looop.beat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import looop.Beats;
import looop.io.Fs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the decider sees beyond the world, end to end with the offline runner: what changed, the last failure, the last shell output. */
class HindsightTest {
    @TempDir
    Path dir;

    static final String NOOP = "{\"action\":\"noop\"}";

    static String after(String prompt, String header) {
        return prompt.substring(prompt.indexOf(header) + header.length() + 1);
    }

    static String log(Beats b) {
        return b.logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void whatChangedNamesPlaybookGoalsAndSignalsOldToNew() {
        Beats b = new Beats(dir, NOOP, NOOP, NOOP);
        b.profile.sensor("ci", "echo '{\"signal\":{\"red\":1},\"detail\":{\"at\":\"noise\"}}'");
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result());
        assertTrue(Beats.lastPrompt(b).contains("=== WHAT CHANGED ===\n(no beat decided yet: all of it is new)\n"), Beats.lastPrompt(b));

        b.profile.sensor("ci", "echo '{\"signal\":{\"red\":0},\"detail\":{\"at\":\"other noise\"}}'");
        b.profile.write("goals/alpha.md", "alpha goal, sharper\n");
        b.profile.write("goals/beta.md", "beta\n");
        b.profile.clock.advanceSeconds(60);
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result());
        String changed = after(Beats.lastPrompt(b), "=== WHAT CHANGED ===");
        assertTrue(changed.startsWith("- goals/alpha.md changed\n- goals/beta.md new\n"
                + "- snapshots/sensor-ci.json: {\"red\":1} → {\"red\":0}\n\n=== LAST FAILURE ==="), changed);

        b.profile.write("PLAYBOOK.md", "# a new policy\n");
        Fs.delete(b.profile.dir.resolve("goals/beta.md"));
        b.profile.clock.advanceSeconds(60);
        b.beat();
        changed = after(Beats.lastPrompt(b), "=== WHAT CHANGED ===");
        assertTrue(changed.startsWith("- PLAYBOOK.md changed\n- goals/beta.md gone\n\n"), changed);
    }

    @Test
    void aForcedBeatOfTheSameWorldSaysNothingChanged() {
        Beats b = new Beats(dir, NOOP, NOOP);
        b.beat();
        b.profile.clock.advanceSeconds(60);
        b.tick().beat(true);
        assertTrue(Beats.lastPrompt(b).contains("=== WHAT CHANGED ===\n(nothing since the last decided beat: the same world, decided again)\n"));
    }

    @Test
    void theLastFailureIsShownUntilABeatSucceeds() {
        Beats b = new Beats(dir, "!exit 3", "not json", NOOP, NOOP);
        assertEquals(Tick.Outcome.Result.FAILED, b.beat().result());
        b.profile.clock.advanceSeconds(61); // past the backoff
        assertEquals(Tick.Outcome.Result.FAILED, b.beat().result());
        String failure = after(Beats.lastPrompt(b), "=== LAST FAILURE ===");
        assertTrue(failure.startsWith("runner_failed: runner exited 3: offline runner: exiting 3 as scripted (entry 1) · replay: "), failure);
        b.profile.clock.advanceSeconds(121);
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result());
        assertTrue(after(Beats.lastPrompt(b), "=== LAST FAILURE ===").startsWith("bad_decision: bad decision: "), Beats.lastPrompt(b));
        b.profile.write("goals/alpha.md", "changed, so the next beat decides\n");
        b.profile.clock.advanceSeconds(60);
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result());
        assertTrue(after(Beats.lastPrompt(b), "=== LAST FAILURE ===").startsWith("(none: the last beat succeeded)\n"), Beats.lastPrompt(b));
    }

    /** The two prompts of one world around a failure share every byte before NOW: the failure is after it. */
    @Test
    void aRetryAfterAFailureKeepsThePromptPrefix() {
        Beats b = new Beats(dir, "!exit 3", NOOP);
        b.beat();
        String first = Beats.lastPrompt(b);
        b.profile.clock.advanceSeconds(61);
        b.beat();
        String second = Beats.lastPrompt(b);
        assertFalse(first.equals(second));
        int cut = first.indexOf("\n=== NOW ===\n");
        assertEquals(cut, second.indexOf("\n=== NOW ===\n"));
        assertEquals(first.substring(0, cut), second.substring(0, cut));
    }

    @Test
    void theLastShellOutputIsReadByTheNextDecideEvenInAnUnchangedWorld() {
        Beats b = new Beats(dir, "{\"action\":\"run_shell\",\"cmd\":\"echo hello; echo oops >&2\"}", NOOP, NOOP);
        assertEquals("run_shell", b.beat().reason());
        b.profile.clock.advanceSeconds(15);
        Tick.Outcome second = b.beat(); // the world is the same, but the output is unread
        assertEquals(Tick.Outcome.Result.ACTED, second.result(), log(b));
        assertTrue(log(b).contains("re-deciding to read the last run_shell's output"), log(b));
        assertTrue(Beats.lastPrompt(b).contains("=== LAST SHELL OUTPUT ===\n$ echo hello; echo oops >&2\nexit 0\nhello\nstderr: oops\n\n=== DECISION FILE ==="),
                Beats.lastPrompt(b));
        b.profile.clock.advanceSeconds(15);
        assertEquals("world_unchanged", b.beat().reason(), "read once, then cleared by the beat that committed");
        assertEquals(2, b.runnerCalls());
    }

    @Test
    void aFailedShellIsAFailureAndItsOutputIsShown() {
        Beats b = new Beats(dir, "{\"action\":\"run_shell\",\"cmd\":\"echo nope; exit 4\"}", NOOP);
        assertEquals(Tick.Outcome.Result.FAILED, b.beat().result());
        b.profile.clock.advanceSeconds(61);
        b.beat();
        String prompt = Beats.lastPrompt(b);
        assertTrue(after(prompt, "=== LAST FAILURE ===").startsWith("move_failed: move failed: run_shell: `echo nope; exit 4` exited 4"), prompt);
        assertTrue(prompt.contains("=== LAST SHELL OUTPUT ===\n$ echo nope; exit 4\nexit 4\nnope\n\n=== DECISION FILE ==="), prompt);
    }
}
