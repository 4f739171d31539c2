package looop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import looop.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage commands, composed as a shell would, against `looop tick`. */
class StagesTest {
    @TempDir Path dirA;
    @TempDir Path dirB;

    static final String MOVE = "{\"action\":\"write_goal\",\"id\":\"beta\",\"body\":\"beta goal\",\"journal\":\"added beta\"}";

    private static JsonNode json(String s) {
        return Json.parseOrNull(s);
    }

    /** sense | hash | decide | act, each a separate command fed the previous one's stdout. */
    private static Beats.Cli pipeline(Beats b) {
        Beats.Cli sense = b.cli("", "sense");
        assertEquals(0, sense.code(), sense.err());
        Beats.Cli hash = b.cli(sense.out(), "hash");
        assertEquals(0, hash.code(), hash.err());
        Beats.Cli decide = b.cli(hash.out(), "decide");
        Beats.Cli act = b.cli(decide.out(), "act");
        return act;
    }

    @Test
    void pipelineHasTheSameEffectAsTick() {
        Beats viaTick = new Beats(dirA, MOVE, MOVE);
        Beats viaPipe = new Beats(dirB, MOVE, MOVE);
        assertEquals(0, viaTick.cli("", "tick").code());
        Beats.Cli act = pipeline(viaPipe);
        assertEquals(0, act.code(), act.err());
        assertEquals("acted", json(act.out()).get("outcome").asText());

        assertEquals(viaTick.journal(), viaPipe.journal());
        assertEquals(viaTick.profile.read("goals/beta.md"), viaPipe.profile.read("goals/beta.md"));
        assertEquals(viaTick.events(), viaPipe.events());
        assertEquals(viaTick.runnerCalls(), viaPipe.runnerCalls());
        assertEquals(viaTick.profile.read("cost.jsonl"), viaPipe.profile.read("cost.jsonl"));
        assertEquals(viaTick.profile.read(".last-tick-hash"), viaPipe.profile.read(".last-tick-hash"),
                "the hash covers paths relative to the data dir, so equal worlds hash equal");
    }

    @Test
    void pipelineSkipsAnUnchangedWorldLikeTick() {
        Beats b = new Beats(dirA, "{\"action\":\"noop\"}", "{\"action\":\"noop\"}");
        pipeline(b);
        Beats.Cli second = pipeline(b);
        assertEquals(0, second.code());
        assertEquals("skipped", json(second.out()).get("outcome").asText());
        assertEquals("world_unchanged", json(second.out()).get("reason").asText());
        assertEquals(1, b.runnerCalls());
    }

    @Test
    void hashWithEmptyStdinHashesWhatIsOnDisk() {
        Beats b = new Beats(dirA, "{\"action\":\"noop\"}");
        b.cli("", "tick");
        Beats.Cli hash = b.cli("", "hash");
        assertEquals(0, hash.code(), hash.err());
        String h = json(hash.out()).get("hash").asText();
        assertTrue(h.matches("[0-9a-f]{32}"), h);
        assertEquals(b.profile.read(".last-tick-hash").trim(), h);
        assertEquals(false, json(hash.out()).get("changed").asBoolean());
    }

    @Test
    void actExecutesABareDecisionByHand() {
        Beats b = new Beats(dirA);
        Beats.Cli act = b.cli("{\"action\":\"write_goal\",\"id\":\"by-hand\",\"body\":\"typed by a person\"}", "act");
        assertEquals(0, act.code(), act.err());
        assertEquals("typed by a person\n", b.profile.read("goals/by-hand.md"));
        assertTrue(b.journal().contains("by-hand"), b.journal());
        assertEquals(null, b.profile.read(".last-tick-hash"), "a move by hand commits no world hash");
    }

    @Test
    void failedStageExitsOneAndCarriesTheFailure() {
        Beats b = new Beats(dirA, "!exit 7");
        Beats.Cli act = pipeline(b);
        assertEquals(1, act.code());
        assertEquals("failed", json(act.out()).get("outcome").asText());
        assertEquals("runner_failed", json(act.out()).get("reason").asText());
    }

    @Test
    void stageRefusesInputFromAnotherProfile() throws Exception {
        Beats a = new Beats(dirA);
        Beats b = new Beats(dirB);
        String sensed = a.cli("", "sense").out();
        var before = Beats.tree(dirB);
        Beats.Cli hash = b.cli(sensed, "hash");
        assertEquals(2, hash.code());
        assertTrue(hash.err().contains("data dir"), hash.err());
        assertEquals(1, hash.err().strip().lines().count());
        assertEquals(before, Beats.tree(dirB));
    }

    @Test
    void garbageOnStdinIsOneLine() {
        Beats b = new Beats(dirA);
        for (String stage : new String[] {"hash", "decide", "act"}) {
            Beats.Cli r = b.cli("{not json", stage);
            assertEquals(2, r.code(), stage);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("not JSON"), r.err());
        }
    }
}
