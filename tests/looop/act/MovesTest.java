package looop.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import looop.MoveSamples;
import looop.NoSessions;
import looop.TestProfile;
import looop.act.moves.Context;
import looop.act.moves.Kind;
import looop.act.moves.Move;
import looop.act.moves.Moves;
import looop.io.UserError;
import looop.profile.Config;
import looop.schedule.Schedule;
import looop.schedule.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry is the one list of moves: every record is in it once, and each parses into its own record. */
class MovesTest {
    @TempDir
    Path tmp;

    @Test
    void everyMoveRecordIsRegisteredOnce() throws ReflectiveOperationException {
        assertEquals(Move.class.getPermittedSubclasses().length, Moves.ALL.size(), "one registry line per permitted record");
        assertEquals(Moves.ALL.size(), new HashSet<>(Moves.names()).size(), "action names are unique");
        for (Class<?> record : Move.class.getPermittedSubclasses()) {
            assertTrue(Moves.ALL.contains(record.getField("KIND").get(null)), record + "'s KIND is in Moves.ALL");
        }
    }

    @Test
    void eachKindParsesIntoTheRecordThatNamesIt() {
        for (String json : MoveSamples.all()) {
            Move m = Decision.parse(json).move();
            Kind<?> k = Moves.named(m.action()).orElseThrow();
            assertEquals(k, m.kind(), json);
            assertTrue(Arrays.asList(Move.class.getPermittedSubclasses()).contains(m.getClass()), json);
        }
    }

    @Test
    void writeScheduleSetsOneWhenAndSettlesACrashFromTheFile() {
        TestProfile p = new TestProfile(tmp);
        Context ctx = new Context(p.paths, NoSessions.none(), Config.load(p.paths), p.clock);
        Move in = Decision.parse("{\"action\":\"write_schedule\",\"name\":\"deploy\",\"in_s\":1800,\"note\":\"check it\"}").move();
        assertEquals(Move.Happened.NO, in.happened(ctx), "not written yet");
        in.perform(ctx);
        assertEquals(Move.Happened.YES, in.happened(ctx));
        assertEquals("write_schedule deploy: in 30m · check it", in.summary());
        Schedule s = new Schedules(p.paths, p.clock).named("deploy");
        assertEquals(p.clock.instant().plusSeconds(1800), s.at());
        p.clock.advanceSeconds(60);
        assertEquals(Move.Happened.YES, in.happened(ctx), "in_s is judged from when it was written, not from now");

        Move every = Decision.parse("{\"action\":\"write_schedule\",\"name\":\"deploy\",\"every_s\":3600}").move();
        assertEquals(Move.Happened.NO, every.happened(ctx), "another schedule of that name is not this one");
        every.perform(ctx);
        assertEquals(Move.Happened.YES, every.happened(ctx));
        assertEquals(Move.Happened.NO, in.happened(ctx));
        assertTrue(new Schedules(p.paths, p.clock).named("deploy").recurring());

        Move at = Decision.parse("{\"action\":\"write_schedule\",\"name\":\"standup\",\"at\":\"2026-11-24T09:00:00Z\"}").move();
        at.perform(ctx);
        assertEquals(Move.Happened.YES, at.happened(ctx));
        assertEquals(Instant.parse("2026-11-24T09:00:00Z"), new Schedules(p.paths, p.clock).named("standup").at());

        Move drop = Decision.parse("{\"action\":\"drop_schedule\",\"name\":\"deploy\"}").move();
        assertEquals(Move.Happened.NO, drop.happened(ctx));
        drop.perform(ctx);
        assertEquals(Move.Happened.YES, drop.happened(ctx));
        assertNull(new Schedules(p.paths, p.clock).named("deploy"));
        UserError gone = assertThrows(UserError.class, () -> drop.perform(ctx));
        assertEquals("there is no schedule 'deploy'; drop only one that exists", gone.getMessage());
    }

    @Test
    void writeScheduleRefusesNoneOrTwoWhensAndBadTimes() {
        for (var bad : List.of(
                List.of("{\"action\":\"write_schedule\",\"name\":\"x\"}", "write_schedule needs exactly one of \"at\", \"in_s\" or \"every_s\", got 0"),
                List.of("{\"action\":\"write_schedule\",\"name\":\"x\",\"in_s\":5,\"every_s\":5}", "got 2"),
                List.of("{\"action\":\"write_schedule\",\"name\":\"x\",\"in_s\":-5}", "write_schedule: \"in_s\" must be a positive number of seconds, got a number"),
                List.of("{\"action\":\"write_schedule\",\"name\":\"x\",\"in_s\":\"5\"}", "must be a positive number of seconds, got a string"),
                List.of("{\"action\":\"write_schedule\",\"name\":\"x\",\"at\":\"soon\"}", "bad time for at: 'soon'"),
                List.of("{\"action\":\"drop_schedule\",\"name\":\"../x\"}", "bad schedule name"))) {
            UserError e = assertThrows(UserError.class, () -> Decision.parse(bad.get(0)), bad.get(0));
            assertTrue(e.getMessage().contains(bad.get(1)), e.getMessage());
        }
    }

    @Test
    void killWorkerOfAWorkerThatIsNotThereIsAFailedMoveAndStartWorkerCarriesVerify() {
        TestProfile p = new TestProfile(tmp);
        Context ctx = new Context(p.paths, NoSessions.none(), Config.load(p.paths), p.clock);
        Move kill = Decision.parse("{\"action\":\"kill_worker\",\"id\":\"looop-w9\"}").move();
        assertEquals("kill_worker w9", kill.label(), "the looop- prefix is dropped like every worker id");
        UserError e = assertThrows(UserError.class, () -> kill.perform(ctx));
        assertEquals("no worker w9; sys-sessions lists the workers there are", e.getMessage());
        assertEquals(Move.Happened.YES, kill.happened(ctx), "a worker that is not alive is as ended as the move makes it");

        Move start = Decision.parse("{\"action\":\"start_worker\",\"id\":\"w\",\"prompt\":\"go\",\"verify\":\"test -s reports/w.md\"}").move();
        assertEquals("test -s reports/w.md", ((looop.act.moves.StartWorker) start).verify());
        assertNull(((looop.act.moves.StartWorker) Decision.parse("{\"action\":\"start_worker\",\"id\":\"w\",\"prompt\":\"go\",\"verify\":\" \"}").move()).verify(),
                "a blank verify is none");
        Move refused = Decision.parse("{\"action\":\"start_worker\",\"id\":\"w\",\"prompt\":\"go\",\"verify\":\"rm -rf /tmp/x\"}").move();
        looop.profile.ShellGate.Refused r = assertThrows(looop.profile.ShellGate.Refused.class, () -> refused.check(ctx));
        assertTrue(r.getMessage().contains("rm-recursive-force"), r.getMessage());
        assertThrows(UserError.class, () -> Decision.parse("{\"action\":\"start_worker\",\"id\":\"w\",\"prompt\":\"go\",\"verify\":7}"));
    }

    @Test
    void tablesWrapToTheirWidth() {
        for (String line : Moves.table(Moves.Audience.DECIDER, "  ", 19, 15, 86).split("\n")) assertTrue(line.length() <= 86, line);
        for (String line : Moves.table(Moves.Audience.MANUAL, "    ", 19, 16, 90).split("\n")) assertTrue(line.length() <= 90, line);
    }
}
