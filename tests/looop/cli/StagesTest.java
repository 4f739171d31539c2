package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import looop.Beats;
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
        return decideAndAct(b, hash(b));
    }

    /** sense | hash | gate | decide | act: the beat with its gate as a stage of its own. */
    private static Beats.Cli gatedPipeline(Beats b) {
        Beats.Cli gate = b.cli(hash(b), "gate");
        assertEquals(0, gate.code(), gate.err());
        return decideAndAct(b, gate.out());
    }

    private static String hash(Beats b) {
        Beats.Cli sense = b.cli("", "sense");
        assertEquals(0, sense.code(), sense.err());
        Beats.Cli hash = b.cli(sense.out(), "hash");
        assertEquals(0, hash.code(), hash.err());
        return hash.out();
    }

    private static Beats.Cli decideAndAct(Beats b, String input) {
        Beats.Cli decide = b.cli(input, "decide");
        return b.cli(decide.out(), "act");
    }

    @Test
    void pipelineHasTheSameEffectAsTick() {
        sameEffectAsTick(StagesTest::pipeline);
    }

    @Test
    void gatedPipelineHasTheSameEffectAsTick() {
        sameEffectAsTick(StagesTest::gatedPipeline);
    }

    private void sameEffectAsTick(java.util.function.Function<Beats, Beats.Cli> pipe) {
        Beats viaTick = new Beats(dirA, MOVE, MOVE);
        Beats viaPipe = new Beats(dirB, MOVE, MOVE);
        assertEquals(0, viaTick.cli("", "tick").code());
        Beats.Cli act = pipe.apply(viaPipe);
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
    void gatedPipelineSkipsAnUnchangedWorldLikeTick() {
        Beats b = new Beats(dirA, "{\"action\":\"noop\"}", "{\"action\":\"noop\"}");
        gatedPipeline(b);
        Beats.Cli second = gatedPipeline(b);
        assertEquals(0, second.code());
        assertEquals("world_unchanged", json(second.out()).get("reason").asText());
        assertEquals(1, b.runnerCalls());
        assertEquals(java.util.List.of("tick_start", "sense_done", "decide_start", "decided", "tick_start", "sense_done", "world_unchanged"),
                b.events(), "the gate's events, once: decide adds none behind a closed gate");
    }

    @Test
    void gateSaysWhyItIsClosedAndDecideHonoursIt() {
        Beats b = new Beats(dirA, "!nodecision", "{\"action\":\"noop\"}");
        assertEquals(1, b.cli("", "tick").code());
        Beats.Cli gate = b.cli(hash(b), "gate");
        assertEquals(0, gate.code(), "a closed gate is an answer, not an error");
        JsonNode g = json(gate.out()).get("gate");
        assertEquals(false, g.get("open").asBoolean());
        assertEquals("backoff", g.get("reason").asText());
        assertEquals(60, g.get("retry_in_s").asLong());
        assertTrue(g.get("message").asText().contains("backing off"), g.toString());
        assertTrue(json(gate.out()).has("snapshots"), "the gate passes its input on");

        Beats.Cli decide = b.cli(gate.out(), "decide");
        assertEquals(0, decide.code(), decide.err());
        assertEquals("backoff", json(decide.out()).get("reason").asText());
        assertEquals(1, b.runnerCalls(), "no AI call behind a closed gate");

        b.profile.clock.advanceSeconds(60);
        Beats.Cli open = b.cli(hash(b), "gate");
        assertEquals("{\"open\":true}", Json.canonical(json(open.out()).get("gate")));
        assertEquals("acted", json(b.cli(b.cli(open.out(), "decide").out(), "act").out()).get("outcome").asText());
    }

    @Test
    void aReplacedGateIsObeyed() {
        Beats b = new Beats(dirA, "{\"action\":\"noop\"}", "{\"action\":\"noop\"}");
        pipeline(b);
        ObjectNode always = (ObjectNode) json(hash(b));
        always.putObject("gate").put("open", true); // a user's own gate: decide every beat
        Beats.Cli act = b.cli(b.cli(Json.canonical(always), "decide").out(), "act");
        assertEquals("acted", json(act.out()).get("outcome").asText(), act.err());
        assertEquals(2, b.runnerCalls(), "an open gate decides an unchanged world");
    }

    @Test
    void forceOnDecideBehindAGateThatClosedOnAnUnchangedWorldIsAUsageError() {
        Beats b = new Beats(dirA, "{\"action\":\"noop\"}", "{\"action\":\"noop\"}");
        pipeline(b);
        Beats.Cli gate = b.cli(hash(b), "gate");
        Beats.Cli decide = b.cli(gate.out(), "decide", "--force");
        assertEquals(2, decide.code());
        assertTrue(decide.err().contains("looop gate --force"), decide.err());
        Beats.Cli forced = b.cli(b.cli(hash(b), "gate", "--force").out(), "decide");
        assertEquals("decided", json(forced.out()).get("outcome").asText(), forced.err());
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
        for (String stage : new String[] {"hash", "gate", "decide", "act"}) {
            Beats.Cli r = b.cli("{not json", stage);
            assertEquals(2, r.code(), stage);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("not JSON"), r.err());
        }
    }
}
