package looop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import looop.human.Asks;
import looop.human.TellDelivery;
import looop.human.Tells;
import looop.human.WorkerTerminal;
import org.junit.jupiter.api.Test;

/** A real worker in a real tmux terminal that asks through $LOOOP_BIN and is answered, and tells typed into it once. */
class HumanTmuxTest extends TmuxTestBase {

    @Test
    void aWorkerAsksThroughLooopBinAndPrintsTheAnswerWithItsTells() {
        profile("bash -c 'a=$(\"$LOOOP_BIN\" ask \"$LOOOP_SESSION_ID\" which db --options postgres,sqlite); echo \"answer=[$a]\"; sleep 60'");
        t.sessions.start("w1", "task", null);
        Asks asks = new Asks(t.profile.paths, Clock.systemUTC());
        TmuxProfile.awaitTrue(() -> asks.read("w1") != null && asks.read("w1").pending(), () -> "the worker's ask");
        assertEquals("w1", asks.read("w1").session());
        assertEquals("w1  ", t.cli("asks").out().substring(0, 4));
        Beats.Cli told = t.cli("tell", "w1", "use", "the", "replica");
        assertEquals(0, told.code(), told.err());
        assertTrue(told.out().contains("gets this with the answer"), told.out());
        Beats.Cli refused = t.cli("answer", "w1", "mysql");
        assertEquals(2, refused.code());
        Beats.Cli answered = t.cli("answer", "w1", "postgres");
        assertEquals(0, answered.code(), answered.err());
        String out = t.awaitOutput("w1", "answer=[");
        assertTrue(t.awaitOutput("w1", "replica]").contains("answer=[postgres\r\n" + TellDelivery.TELL_PREFIX + "use the replica]"), out);
        assertEquals(1, t.cli("answer", "w1", "sqlite").code(), "the ask is closed once read");
        assertTrue(new Tells(t.profile.paths, Clock.systemUTC()).undelivered().isEmpty());
    }

    @Test
    void aTellReachesABusyWorkerOnceItsScreenIsStillAndOnlyOnce() {
        profile("bash -c 'for i in $(seq 1 40); do echo printing $i; sleep 0.1; done; read line; echo \"got=[$line]\"; read more; echo \"more=[$more]\"; sleep 60'");
        t.sessions.start("w1", "task", null);
        t.awaitOutput("w1", "printing 1");
        Beats.Cli told = t.cli("tell", "w1", "stop", "now");
        assertEquals(0, told.code(), told.err());
        // what the pulse's delivery thread does, in this JVM
        Tells tells = new Tells(t.profile.paths, Clock.systemUTC());
        TellDelivery d = new TellDelivery(tells, new Asks(t.profile.paths, Clock.systemUTC()), new WorkerTerminal(t.profile.paths, t.sessions),
                Clock.systemUTC(), Duration.ofSeconds(1));
        TmuxProfile.awaitTrue(() -> {
            d.poll();
            TmuxProfile.sleep(100);
            return tells.undelivered().isEmpty();
        }, () -> "the tell delivered");
        String out = t.awaitOutput("w1", "got=[");
        assertTrue(out.contains("got=[stop now]"), out);
        assertTrue(out.indexOf("printing 40") < out.indexOf("got=["), "typed after the printing stopped: " + out);
        for (int i = 0; i < 10; i++) {
            d.poll();
            TmuxProfile.sleep(150);
        }
        assertTrue(!t.output("w1").contains("more=["), "delivered exactly once: " + t.output("w1"));
    }
}
