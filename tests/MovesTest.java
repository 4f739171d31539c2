package looop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import looop.act.moves.Kind;
import looop.act.moves.Move;
import looop.act.moves.Moves;
import looop.decide.Decision;
import org.junit.jupiter.api.Test;

/** The registry is the one list of moves: every record is in it once, and each parses into its own record. */
class MovesTest {
    @Test
    void everyMoveRecordIsRegisteredOnceInTableOrder() {
        assertEquals(Move.class.getPermittedSubclasses().length, Moves.ALL.size(), "one registry line per permitted record");
        assertEquals(Moves.ALL.size(), new HashSet<>(Moves.names()).size(), "action names are unique");
        assertEquals(List.of("noop", "run_shell", "write_goal", "archive_goal", "write_sensor", "write_playbook", "start_worker",
                "steer_session", "send_key", "restart_session", "send_notification"), Moves.names());
    }

    @Test
    void eachKindParsesIntoTheRecordThatNamesIt() {
        List<String> samples = List.of("{\"action\":\"noop\"}", "{\"action\":\"run_shell\",\"cmd\":\"true\"}",
                "{\"action\":\"write_goal\",\"id\":\"g\",\"body\":\"\"}", "{\"action\":\"archive_goal\",\"id\":\"g\"}",
                "{\"action\":\"write_sensor\",\"name\":\"s\",\"script\":\"echo {}\"}", "{\"action\":\"write_playbook\",\"body\":\"b\"}",
                "{\"action\":\"start_worker\",\"id\":\"w\",\"prompt\":\"go\"}", "{\"action\":\"steer_session\",\"id\":\"w\",\"input\":\"y\"}",
                "{\"action\":\"send_key\",\"id\":\"w\",\"keys\":[\"Enter\"]}", "{\"action\":\"restart_session\",\"id\":\"w\"}",
                "{\"action\":\"send_notification\",\"message\":\"hi\"}");
        for (String json : samples) {
            Move m = Decision.parse(json).move();
            Kind<?> k = Moves.named(m.action()).orElseThrow();
            assertEquals(k, m.kind(), json);
            assertTrue(Arrays.asList(Move.class.getPermittedSubclasses()).contains(m.getClass()), json);
        }
        assertEquals(Moves.ALL.size(), samples.size(), "every action is sampled");
    }

    @Test
    void tablesWrapToTheirWidth() {
        for (String line : Moves.table(Moves.Audience.DECIDER, "  ", 19, 15, 86).split("\n")) assertTrue(line.length() <= 86, line);
        for (String line : Moves.table(Moves.Audience.MANUAL, "    ", 19, 16, 90).split("\n")) assertTrue(line.length() <= 90, line);
    }
}
