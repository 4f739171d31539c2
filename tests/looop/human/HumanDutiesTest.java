package looop.human;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import looop.NoSessions;
import looop.TestProfile;
import looop.TmuxProfile;
import looop.beat.HumanDuties;
import looop.beat.Tick;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Log;
import looop.schedule.Schedules;
import looop.workers.SessionState;
import looop.workers.Sessions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the pulse does for the human after each beat, with an injected clock:
 * a worker that ended, a streak of failed beats and the budget each reach a
 * real command channel once; and the rest is cut short by the next schedule.
 */
class HumanDutiesTest {
    @TempDir Path dir;

    /** An engine whose workers the test changes between beats. */
    static final class Fleet extends NoSessions {
        volatile List<Info> now = List.of();

        public List<Info> list() {
            return now;
        }
    }

    TestProfile profile;
    Path got;

    HumanDuties duties(Sessions sessions) {
        profile = new TestProfile(dir.resolve("p"));
        got = dir.resolve("notified.jsonl");
        profile.write("looop.json", "{\"notify\":[{\"type\":\"command\",\"command\":\"cat >> '" + got + "'; echo >> '" + got + "'\"}]}");
        Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true), profile.clock, false, false);
        return new HumanDuties(profile.paths, profile.clock, sessions, log);
    }

    /** The event names the command channel received, in order. */
    List<String> received() {
        List<String> out = new ArrayList<>();
        for (String line : Fs.readOr(got, "").split("\n")) {
            var n = Json.parseOrNull(line);
            if (n != null) out.add(n.path("event").asText());
        }
        return out;
    }

    void awaitReceived(List<String> want) {
        TmuxProfile.awaitTrue(() -> received().equals(want), () -> want + ", got " + received());
    }

    static Tick.Outcome failed() {
        return new Tick.Ended(Tick.Outcome.Result.FAILED, "runner_failed", "h", null, "runner exited 1");
    }

    @Test
    void aWorkerThatEndsAStreakOfFailedBeatsAndTheBudgetEachReachTheChannelOnce() {
        Fleet fleet = new Fleet();
        try (HumanDuties d = duties(fleet)) {
            fleet.now = List.of(new Sessions.Info("w1", SessionState.RUNNING, null, null));
            d.afterBeat(new Tick.Ended(Tick.Outcome.Result.SKIPPED, "world_unchanged", "h", null, ""), null, looop.profile.Config.load(profile.paths));
            fleet.now = List.of(new Sessions.Info("w1", SessionState.EXITED, 2, null));
            d.afterBeat(failed(), null, looop.profile.Config.load(profile.paths));
            d.afterBeat(failed(), null, looop.profile.Config.load(profile.paths));
            awaitReceived(List.of("worker_exit"));
            d.afterBeat(null, "beat crashed: boom", looop.profile.Config.load(profile.paths)); // the third failure in a row
            awaitReceived(List.of("worker_exit", "beat_failed"));
            d.afterBeat(failed(), null, looop.profile.Config.load(profile.paths)); // the same streak goes on: no second notice
            d.afterBeat(new Tick.Ended(Tick.Outcome.Result.SKIPPED, "budget", "h", null, "spent $2.1 of max_daily_usd $2"), null, looop.profile.Config.load(profile.paths));
            d.afterBeat(new Tick.Ended(Tick.Outcome.Result.SKIPPED, "budget", "h", null, "spent $2.2 of max_daily_usd $2"), null, looop.profile.Config.load(profile.paths));
            awaitReceived(List.of("worker_exit", "beat_failed", "budget"));
            TmuxProfile.sleep(1500);
            assertEquals(List.of("worker_exit", "beat_failed", "budget"), received(), "each once: the budget once a day, the exit once");
        }
    }

    @Test
    void theRestEndsWhenTheNextScheduleComesDue() {
        try (HumanDuties d = duties(NoSessions.none())) {
            assertEquals(3600, d.restSeconds(3600), "no schedule: the cadence decides");
            Schedules s = new Schedules(profile.paths, profile.clock);
            s.addIn("deploy", Duration.ofSeconds(90), "check the deploy");
            assertEquals(90, d.restSeconds(3600));
            assertEquals(60, d.restSeconds(60), "a sooner beat wins");
            profile.clock.advanceSeconds(89);
            assertEquals(1, d.restSeconds(3600));
            profile.clock.advanceSeconds(1);
            assertEquals(3600, d.restSeconds(3600), "due now: the beat that runs sees it; nothing left to wait for");
            s.addEvery("hourly", Duration.ofMinutes(10), null);
            profile.clock.advanceSeconds(30);
            assertEquals(570, d.restSeconds(3600), "a recurring one: until its next period begins");
        }
    }
}
