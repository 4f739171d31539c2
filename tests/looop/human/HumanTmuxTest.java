package looop.human;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import looop.Beats;
import looop.ChildJvm;
import looop.TmuxProfile;
import looop.TmuxTestBase;
import looop.io.Fs;
import looop.io.Json;
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

    /** A pulse that can beat: the offline runner deciding noop every time, workers as profile() made them. */
    private void beatable(String interactive) {
        t.profile.write("runners/offline.sh", Fs.readOrNull(Path.of("runners/offline.sh").toAbsolutePath()));
        t.profile.write("runners/script.jsonl", "{\"action\":\"noop\",\"journal\":\"pulse beat\"}\n".repeat(50));
        t.profile.write("looop.json", "{\"default\":\"t\",\"runners\":{\"t\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl --shape pi"
                + " --cost 0\",\"interactive\":" + Json.quote(interactive) + Beats.offlineGrant(t.profile) + "}}}");
    }

    /** `looop run` in a child JVM on this profile, as a person starts it; its log goes to name.out. */
    private Process pulse(String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop("run"));
        pb.environment().put("LOOOP_DATA_DIR", t.profile.dir.toString());
        pb.environment().put("HOME", t.profile.dir.resolve("home").toString());
        pb.environment().put("LOOOP_CDS", "0");
        pb.environment().put("LOOOP_INTERVAL", "1");
        pb.environment().put("LOOOP_ACTIVE_INTERVAL", "1");
        pb.environment().put("LOOOP_BUSY_INTERVAL", "1");
        pb.environment().remove("LOOOP_CONFIG");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile());
        return pb.start();
    }

    private int beats(String name) {
        return log(name).split("next beat in", -1).length - 1;
    }

    private String log(String name) {
        return Fs.readOr(dir.resolve(name + ".out"), "");
    }

    @Test
    void anAskOutlivesThePulseKilledBetweenAskAndAnswerAndTheNextPulseRunsFine() throws Exception {
        String asker = "bash -c 'a=$(\"$LOOOP_BIN\" ask \"$LOOOP_SESSION_ID\" ship it?); echo \"answer=[$a]\"; sleep 60'";
        profile(asker);
        beatable(asker);
        Process first = pulse("first");
        TmuxProfile.awaitTrue(() -> log("first").contains("next beat in"), () -> "the first pulse to beat: " + log("first"));
        t.sessions.start("w1", "task", null);
        Asks asks = new Asks(t.profile.paths, Clock.systemUTC());
        TmuxProfile.awaitTrue(() -> asks.read("w1") != null && asks.read("w1").pending(), () -> "the worker's ask: " + t.output("w1"));
        // the pulse has seen the ask once it beat after it (sys-asks), then dies without a word
        int beatsBefore = beats("first");
        TmuxProfile.awaitTrue(() -> beats("first") > beatsBefore, () -> "a beat after the ask: " + log("first"));
        first.destroyForcibly();
        assertTrue(first.waitFor(60, TimeUnit.SECONDS));

        assertTrue(asks.read("w1").pending(), "the ask is a file: it outlives the pulse");
        Beats.Cli answered = t.cli("answer", "w1", "yes");
        assertEquals(0, answered.code(), answered.err());
        assertTrue(t.awaitOutput("w1", "answer=[").contains("answer=[yes]"), t.output("w1"));
        TmuxProfile.awaitTrue(() -> asks.read("w1").closed(), () -> "the asker to read its answer");

        Process second = pulse("second");
        try {
            TmuxProfile.awaitTrue(() -> log("second").contains("next beat in"), () -> "the next pulse to beat: " + log("second"));
            assertFalse(log("second").contains("tick.error"), log("second"));
            assertEquals(String.valueOf(second.pid()), looop.profile.Lock.holder(t.profile.paths), "the killed pulse's lock blocks nothing");
            assertTrue(asks.pending().isEmpty());
            assertEquals(1, t.output("w1").split("answer=\\[", -1).length - 1, "answered once: " + t.output("w1"));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
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
        // two deliverers at once, as the pulse's thread and a `looop tell` are: the queue lets only one type it
        TellDelivery d = new TellDelivery(tells, new Asks(t.profile.paths, Clock.systemUTC()), new WorkerTerminal(t.profile.paths, t.sessions),
                Clock.systemUTC(), Duration.ofSeconds(1));
        TellDelivery other = new TellDelivery(tells, new Asks(t.profile.paths, Clock.systemUTC()), new WorkerTerminal(t.profile.paths, t.sessions),
                Clock.systemUTC(), Duration.ofSeconds(1));
        Thread rival = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted() && !tells.undelivered().isEmpty()) {
                other.poll();
                try {
                    Thread.sleep(70);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        rival.start();
        TmuxProfile.awaitTrue(() -> {
            d.poll();
            TmuxProfile.sleep(100);
            return tells.undelivered().isEmpty();
        }, () -> "the tell delivered");
        rival.interrupt();
        String out = t.awaitOutput("w1", "got=[");
        assertTrue(out.contains("got=[stop now]"), out);
        assertTrue(out.indexOf("printing 40") < out.indexOf("got=["), "typed after the printing stopped: " + out);
        for (int i = 0; i < 10; i++) {
            d.poll();
            TmuxProfile.sleep(150);
        }
        assertTrue(!t.output("w1").contains("more=["), "delivered exactly once: " + t.output("w1"));
        assertEquals(1, Fs.readOr(t.profile.dir.resolve("workers/w1/tells/delivered.jsonl"), "").lines().count());
    }
}
