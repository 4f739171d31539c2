package looop.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import looop.Beats;
import looop.TmuxTestBase;
import looop.io.Fs;
import looop.io.Json;
import looop.workers.SessionState.Liveness;
import org.junit.jupiter.api.Test;

/**
 * One derivation of a session's state: `looop ls` and `looop wait` agree
 * about the same worker in every ambiguous case. wait is asked first, so a
 * state ls writes back cannot make them agree by accident.
 */
class SessionStateTest extends TmuxTestBase {
    static final String SLEEPER = "bash -c 'echo up; sleep 600'";

    /** wait's exit code, then ls's row, checked against each other; returns ls's state. */
    private String agreedState(String id) {
        int waited = t.cli("wait", id, "--timeout", "1s").code();
        Beats.Cli ls = t.cli("ls", "--json");
        assertEquals(0, ls.code(), ls.err());
        JsonNode row = null;
        for (JsonNode s : Json.parseOrNull(ls.out()).get("sessions")) if (s.get("id").asText().equals(id)) row = s;
        assertTrue(row != null, ls.out());
        String state = row.get("state").asText();
        int expected = switch (state) {
            case "exited" -> row.get("exit_code").asInt();
            case "killed" -> 137;
            default -> 124; // alive: wait times out
        };
        assertEquals(expected, waited, "ls says " + row + ", wait exited " + waited);
        return state;
    }

    private SessionFiles files(String id) {
        return SessionFiles.of(t.profile.paths, id);
    }

    @Test
    void anExitedSessionReadsExitedWithItsCode() {
        profile("bash -c 'echo up; exit 3'");
        t.sessions.start("w", "task", null);
        t.awaitState("w", "exited");
        assertEquals("exited", agreedState("w"));
    }

    @Test
    void aSessionWhoseTmuxSessionVanishedReadsKilled() {
        profile(SLEEPER);
        t.sessions.start("w", "task", null);
        t.awaitOutput("w", "up");
        assertEquals("running", agreedState("w"));
        assertTrue(t.tmux("kill-session", "-t", "=looop-w").ok());
        assertEquals("killed", agreedState("w"));
    }

    @Test
    void aVanishedSessionWithARecordedExitCodeReadsExited() {
        profile(SLEEPER);
        t.sessions.start("w", "task", null);
        t.awaitOutput("w", "up");
        assertTrue(t.tmux("kill-session", "-t", "=looop-w").ok());
        // the wrapper records its exit just before tmux drops the session: caught in between
        Fs.writeAtomic(files("w").exitCode(), "5\n");
        Fs.writeAtomic(files("w").state(), "running\n");
        assertEquals("exited", agreedState("w"));
        assertEquals(5, t.info("w").exitCode());
    }

    @Test
    void aKilledServerReadsKilled() {
        profile(SLEEPER);
        t.sessions.start("w", "task", null);
        t.awaitOutput("w", "up");
        assertTrue(t.tmux("kill-server").ok());
        assertEquals("killed", agreedState("w"));
    }

    @Test
    void anEmptyStateFileLeavesItToTmux() {
        profile(SLEEPER);
        t.sessions.start("w", "task", null);
        t.awaitOutput("w", "up");
        Fs.writeAtomic(files("w").state(), "");
        assertEquals("running", agreedState("w"), "a live terminal runs, whatever the file says");
        assertTrue(t.tmux("kill-session", "-t", "=looop-w").ok());
        assertEquals("killed", agreedState("w"));
    }

    @Test
    void theDerivationCaseByCase() {
        long old = SessionState.START_GRACE_MS * 2;
        for (SessionState ended : new SessionState[] {SessionState.EXITED, SessionState.KILLED}) {
            for (Liveness l : Liveness.values()) assertEquals(ended, SessionState.derive(ended, false, old, l), "the files have the last word");
        }
        assertEquals(SessionState.RUNNING, SessionState.derive(SessionState.RUNNING, false, old, Liveness.LIVE));
        assertEquals(SessionState.RUNNING, SessionState.derive(SessionState.RUNNING, false, old, Liveness.UNKNOWN), "cannot ask: the files stand");
        assertEquals(SessionState.KILLED, SessionState.derive(SessionState.RUNNING, false, old, Liveness.GONE));
        assertEquals(SessionState.EXITED, SessionState.derive(SessionState.RUNNING, true, old, Liveness.GONE));
        assertEquals(SessionState.STARTING, SessionState.derive(SessionState.STARTING, false, 0, Liveness.GONE), "still on its way into tmux");
        assertEquals(SessionState.KILLED, SessionState.derive(SessionState.STARTING, false, old, Liveness.GONE));
        assertEquals(SessionState.RUNNING, SessionState.derive(null, false, old, Liveness.LIVE));
        assertEquals(SessionState.KILLED, SessionState.derive(null, false, 0, Liveness.GONE));
        assertEquals(SessionState.KILLED, SessionState.derive(null, false, old, Liveness.UNKNOWN));
        assertEquals(null, SessionState.parse(""));
        assertEquals(null, SessionState.parse("zombie"));
        assertEquals(SessionState.RUNNING, SessionState.parse("running\n"));
    }
}
