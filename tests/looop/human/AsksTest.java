package looop.human;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import looop.TestProfile;
import looop.io.Json;
import looop.io.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsksTest {
    @TempDir
    Path tmp;

    private static final long ME = ProcessHandle.current().pid();

    private Asks asks(TestProfile p) {
        return new Asks(p.paths, p.clock);
    }

    @Test
    void anAskIsAFileUntilItsAnswerIsRead() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Asks asks = asks(p);
        Asks.Opened o = asks.open("w1", "Deploy now?", List.of("yes", "no"), ME, "w1");
        assertTrue(o.fresh());
        var file = Json.parse(Files.readString(tmp.resolve("asks/w1.json")));
        assertEquals("Deploy now?", file.get("question").asText());
        assertEquals("[\"yes\",\"no\"]", file.get("options").toString());
        assertTrue(file.get("answer").isNull());
        assertEquals(List.of("w1"), asks.pending().stream().map(Ask::id).toList());

        p.clock.advanceSeconds(90);
        assertEquals(Duration.ofSeconds(90), asks.pending().get(0).age(asks.now()));
        Ask answered = asks.answer("w1", "YES", false);
        assertEquals("yes", answered.answer(), "an option is stored as it reads");
        assertTrue(asks.pending().isEmpty());
        assertEquals("yes", asks.take(o.ask()));
        assertNull(asks.take(o.ask()), "an answer is handed over once");
        assertTrue(asks.read("w1").closed());
    }

    @Test
    void anAskerThatCrashedAndAsksAgainGetsTheStoredAnswer() {
        TestProfile p = new TestProfile(tmp);
        Asks.Opened first = asks(p).open("w1", "Which branch?", List.of(), 999_999_999L, "w1");
        asks(p).answer("w1", "main", false);
        Asks.Opened again = new Asks(p.paths, p.clock).open("w1", "Which branch?", List.of(), ME, "w1");
        assertFalse(again.fresh(), "no second notification for the same question");
        assertEquals("main", asks(p).await(again.ask(), Duration.ofSeconds(5), () -> false));
        assertTrue(first.ask().sameAsk(again.ask()));
    }

    @Test
    void answersAreRefusedOutsideTheOptionsTwiceOrWithNothingPending() {
        TestProfile p = new TestProfile(tmp);
        Asks asks = asks(p);
        UserError none = assertThrows(UserError.class, () -> asks.answer("w1", "hi", false));
        assertTrue(none.getMessage().startsWith("no pending ask for 'w1'"), none.getMessage());
        asks.open("w1", "Deploy?", List.of("yes", "no"), ME, null);
        UserError outside = assertThrows(UserError.class, () -> asks.answer("w1", "maybe", false));
        assertEquals(2, outside.exitCode());
        assertTrue(outside.getMessage().contains("yes, no"), outside.getMessage());
        assertTrue(asks.read("w1").pending(), "a refused answer changes nothing");
        asks.answer("w1", "no", false);
        UserError twice = assertThrows(UserError.class, () -> asks.answer("w1", "yes", false));
        assertTrue(twice.getMessage().contains("--force"), twice.getMessage());
        assertEquals("yes", asks.answer("w1", "yes", true).answer());
        assertThrows(UserError.class, () -> asks.answer("../x", "yes", false));
    }

    @Test
    void oneOpenAskPerIdWhileItsAskerRuns() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Asks asks = asks(p);
        Process other = new ProcessBuilder("sleep", "30").start();
        try {
            asks.open("w1", "First?", List.of(), other.pid(), null);
            UserError e = assertThrows(UserError.class, () -> asks.open("w1", "Second?", List.of(), ME, null));
            assertTrue(e.getMessage().contains("already waits for an answer to 'First?'"), e.getMessage());
        } finally {
            other.destroy();
            other.waitFor();
        }
        // its asker is gone: nobody waits for the first answer, so a new question replaces it
        Asks.Opened second = asks.open("w1", "Second?", List.of(), ME, null);
        assertTrue(second.fresh());
        assertEquals("Second?", asks.read("w1").question());
    }

    @Test
    void awaitReturnsTheAnswerTimesOutWith124AndNoticesTheAskerGone() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Asks asks = asks(p);
        Ask mine = asks.open("w1", "Go?", List.of(), ME, "w1").ask();
        UserError timeout = assertThrows(UserError.class, () -> asks.await(mine, Duration.ofMillis(300), () -> false));
        assertEquals(124, timeout.exitCode());
        assertTrue(asks.read("w1").pending(), "the ask stays pending after a timeout");

        AtomicBoolean gone = new AtomicBoolean(false);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<UserError> waiting = pool.submit(() -> assertThrows(UserError.class, () -> asks.await(mine, null, gone::get)));
            gone.set(true);
            UserError ended = waiting.get();
            assertEquals(1, ended.exitCode());
            assertTrue(ended.getMessage().contains("session w1 ended while asking"), ended.getMessage());

            Future<String> answer = pool.submit(() -> asks.await(mine, Duration.ofSeconds(60), () -> false));
            asks.answer("w1", "go", false);
            assertEquals("go", answer.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ofTwoRacingAnswersExactlyOneWins() throws Exception {
        TestProfile p = new TestProfile(tmp);
        asks(p).open("w1", "Pick", List.of(), ME, null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> tries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String text = "answer-" + i;
            tries.add(pool.submit(() -> {
                go.await();
                try {
                    new Asks(p.paths, p.clock).answer("w1", text, false);
                    return true;
                } catch (UserError e) {
                    return false;
                }
            }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> f : tries) won += f.get() ? 1 : 0;
        pool.shutdown();
        assertEquals(1, won);
    }

    @Test
    void asksOfEndedSessionsAreWithdrawnAndAwaitPendingSeesNewOnes() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Asks asks = asks(p);
        asks.open("w1", "Q1", List.of(), ME, "w1");
        asks.open("script", "Q2", List.of(), ME, null);
        assertEquals(List.of("w1"), asks.withdrawOrphans(s -> false));
        assertEquals(List.of("script"), asks.pending().stream().map(Ask::id).toList());
        assertEquals(1, asks.awaitPending(Duration.ofSeconds(5)).size());
        asks.answer("script", "ok", false);
        assertEquals(124, assertThrows(UserError.class, () -> asks.awaitPending(Duration.ofMillis(200))).exitCode());
    }
}
