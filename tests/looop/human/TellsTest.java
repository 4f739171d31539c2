package looop.human;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import looop.TestProfile;
import looop.io.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TellsTest {
    @TempDir
    Path tmp;

    /** A terminal whose screen the test sets and whose typing it records. */
    static final class ScreenStub implements Terminal {
        volatile String screen = "$ ";
        volatile boolean alive = true;
        final List<String> typed = Collections.synchronizedList(new ArrayList<>());

        public boolean alive(String worker) {
            return alive;
        }

        public String fingerprint(String worker) {
            return screen;
        }

        public void type(String worker, String text) {
            typed.add(text);
        }
    }

    @Test
    void aTellToADeadWorkerIsRefusedAndChangesNothing() {
        TestProfile p = new TestProfile(tmp);
        UserError e = assertThrows(UserError.class, () -> new Tells(p.paths, p.clock).queue("w1", "hi", w -> false));
        assertTrue(e.getMessage().contains("not running"), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("tells")));
    }

    @Test
    void tellsAreTypedOnceTheScreenSettlesAndExactlyOnce() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Tells tells = new Tells(p.paths, p.clock);
        ScreenStub term = new ScreenStub();
        TellDelivery d = new TellDelivery(tells, new Asks(p.paths, p.clock), term, p.clock, Duration.ofSeconds(2));
        tells.queue("w1", "use the staging db", w -> true);
        p.clock.advanceSeconds(1);
        tells.queue("w1", "and be quick", w -> true);
        assertEquals(Map.of("w1", 2), tells.undelivered());

        for (int i = 0; i < 5; i++) { // printing: the screen changes every look
            term.screen = "line " + i;
            p.clock.advanceSeconds(1);
            assertTrue(d.poll().isEmpty());
        }
        p.clock.advanceSeconds(1);
        assertTrue(d.poll().isEmpty(), "still for 1s of a 2s settle");
        p.clock.advanceSeconds(1);
        List<Tell> sent = d.poll();
        assertEquals(2, sent.size());
        assertEquals(List.of("use the staging db", "and be quick"), term.typed, "in the order queued");
        p.clock.advanceSeconds(10);
        d.poll();
        d.poll();
        assertEquals(2, term.typed.size(), "never again");
        assertEquals(Map.of(), tells.undelivered());
        assertEquals(2, Files.readAllLines(tmp.resolve("workers/w1/tells/delivered.jsonl")).size());
    }

    @Test
    void aWorkerInAnAskGetsItsTellsWithTheAnswerNotTyped() {
        TestProfile p = new TestProfile(tmp);
        Tells tells = new Tells(p.paths, p.clock);
        Asks asks = new Asks(p.paths, p.clock);
        ScreenStub term = new ScreenStub();
        TellDelivery d = new TellDelivery(tells, asks, term, p.clock, Duration.ofSeconds(2));
        var mine = asks.open("w1", "Which db?", List.of(), ProcessHandle.current().pid(), "w1").ask();
        tells.queue("w1", "also skip the tests", w -> true);
        for (int i = 0; i < 4; i++) {
            p.clock.advanceSeconds(2);
            d.poll();
        }
        assertTrue(term.typed.isEmpty(), "typing would land in the blocked asker's input");
        asks.answer("w1", "staging", false);
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        TellDelivery.withTells(tells, "w1", asks.take(mine), new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("staging", TellDelivery.TELL_PREFIX + "also skip the tests"),
                printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList());
        p.clock.advanceSeconds(5);
        d.poll();
        d.poll();
        assertTrue(term.typed.isEmpty(), "delivered with the answer, so never typed too");
    }

    @Test
    void racingDeliverersDeliverEachTellOnce() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Tells tells = new Tells(p.paths, p.clock);
        for (int i = 0; i < 30; i++) tells.queue("w1", "tell " + i, w -> true);
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(pool.submit(() -> {
                go.await();
                new Tells(p.paths, p.clock).take("w1", "terminal", t -> got.add(t.text()));
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : runs) f.get();
        pool.shutdown();
        assertEquals(30, got.size());
        assertEquals(30, got.stream().distinct().count());
    }

    @Test
    void aClaimLeftByADeadProcessGoesBackUnlessItWasDelivered() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Tells tells = new Tells(p.paths, p.clock);
        Tell lost = tells.queue("w1", "lost in a crash", w -> true);
        Tell sent = tells.queue("w1", "typed before the crash", w -> true);
        Path dir = tmp.resolve("workers/w1/tells");
        Files.move(dir.resolve(lost.tellId() + ".json"), dir.resolve(lost.tellId() + ".json.999999999.claimed"));
        Files.move(dir.resolve(sent.tellId() + ".json"), dir.resolve(sent.tellId() + ".json.999999999.claimed"));
        Files.writeString(dir.resolve("delivered.jsonl"), "{\"tell_id\":\"" + sent.tellId() + "\",\"via\":\"terminal\"}\n");
        assertEquals(Map.of("w1", 2), tells.undelivered());
        List<String> got = new ArrayList<>();
        tells.take("w1", "terminal", t -> got.add(t.text()));
        assertEquals(List.of("lost in a crash"), got);
        assertEquals(Map.of(), tells.undelivered());
    }

    @Test
    void aFailedTypingKeepsTheTellQueued() {
        TestProfile p = new TestProfile(tmp);
        Tells tells = new Tells(p.paths, p.clock);
        tells.queue("w1", "hello", w -> true);
        assertThrows(UserError.class, () -> tells.take("w1", "terminal", t -> {
            throw new UserError("tmux went away");
        }));
        assertEquals(Map.of("w1", 1), tells.undelivered());
        assertEquals(1, tells.queued("w1").size());
    }
}
