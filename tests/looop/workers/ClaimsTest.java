package looop.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import looop.FakeSessions;
import looop.TestProfile;
import looop.io.Json;
import looop.io.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimsTest {
    @TempDir
    Path tmp;

    private TestProfile profile() {
        return new TestProfile(tmp.resolve("data"));
    }

    @Test
    void claimWritesALeaseThatListAndHolderShow() throws Exception {
        TestProfile p = profile();
        Claims claims = new Claims(p.paths, new FakeSessions(FakeSessions.running("w1")));
        assertTrue(claims.claim("repo", "w1"));
        JsonNode lease = Json.parse(p.read("claims/repo.json"));
        assertEquals("w1", lease.get("session").asText());
        assertEquals("repo", lease.get("name").asText());
        assertEquals(List.of(new Claims.Claim("repo", "w1")), claims.list());
        assertEquals("w1", claims.holder("repo"));
        assertNull(claims.holder("other"));
    }

    @Test
    void sameSessionKeepsItAndAnotherLiveSessionIsRefused() {
        Claims claims = new Claims(profile().paths,
                new FakeSessions(FakeSessions.running("w1"), FakeSessions.running("w2")));
        assertTrue(claims.claim("repo", "w1"));
        assertTrue(claims.claim("repo", "w1"));
        assertFalse(claims.claim("repo", "w2"));
        assertEquals("w1", claims.holder("repo"));
    }

    @Test
    void aDeadHoldersLeaseIsTakenOver() {
        FakeSessions sessions = new FakeSessions(FakeSessions.running("w1"), FakeSessions.running("w2"));
        Claims claims = new Claims(profile().paths, sessions);
        assertTrue(claims.claim("repo", "w1"));
        sessions.set(FakeSessions.exited("w1", 0), FakeSessions.running("w2"));
        assertTrue(claims.claim("repo", "w2"));
        assertEquals("w2", claims.holder("repo"));
    }

    @Test
    void anUnreadableLeaseIsTakenOver() {
        TestProfile p = profile();
        p.write("claims/repo.json", "{not json");
        Claims claims = new Claims(p.paths, new FakeSessions(FakeSessions.running("w1")));
        assertEquals(Claims.UNREADABLE, claims.holder("repo"));
        assertTrue(claims.claim("repo", "w1"));
        assertEquals("w1", claims.holder("repo"));
    }

    @Test
    void unclaimRemovesOwnOrDeadLeasesButNotALiveOthers() {
        FakeSessions sessions = new FakeSessions(FakeSessions.running("w1"), FakeSessions.running("w2"));
        Claims claims = new Claims(profile().paths, sessions);
        assertTrue(claims.unclaim("repo", "w1"), "nothing to drop is fine");

        claims.claim("repo", "w1");
        assertFalse(claims.unclaim("repo", "w2"));
        assertEquals("w1", claims.holder("repo"));
        assertTrue(claims.unclaim("repo", "w1"));
        assertNull(claims.holder("repo"));

        claims.claim("repo", "w1");
        sessions.set(FakeSessions.exited("w1", 1), FakeSessions.running("w2"));
        assertTrue(claims.unclaim("repo", "w2"));
        assertNull(claims.holder("repo"));
    }

    @Test
    void reapDeadKeepsOnlyLiveHoldersAndListIsSortedByName() {
        TestProfile p = profile();
        FakeSessions sessions = new FakeSessions(FakeSessions.running("live"), FakeSessions.running("dies"));
        Claims claims = new Claims(p.paths, sessions);
        claims.claim("a-b", "live");
        claims.claim("a", "live");
        claims.claim("db", "dies");
        p.write("claims/gone.json", "{\"name\":\"gone\",\"session\":\"never-existed\"}");
        p.write("claims/junk.json", "garbage");
        sessions.set(FakeSessions.running("live"), FakeSessions.exited("dies", 0));

        assertEquals(List.of("a", "a-b", "db", "gone", "junk"), claims.list().stream().map(Claims.Claim::name).toList());
        assertEquals("?", claims.list().get(4).session());
        assertEquals(List.of("db", "gone", "junk"), claims.reapDead());
        assertEquals(List.of(new Claims.Claim("a", "live"), new Claims.Claim("a-b", "live")), claims.list());
        assertEquals(List.of(), claims.reapDead());
    }

    @Test
    void namesThatCouldClimbOrHideAreRefused() {
        Claims claims = new Claims(profile().paths, new FakeSessions(FakeSessions.running("w1")));
        assertThrows(UserError.class, () -> claims.claim("../x", "w1"));
        assertThrows(UserError.class, () -> claims.claim(".hidden", "w1"));
        assertThrows(UserError.class, () -> claims.claim("repo", ""));
        assertThrows(UserError.class, () -> claims.unclaim("a/b", "w1"));
        assertThrows(UserError.class, () -> claims.holder(".."));
    }

    @Test
    void twentyLiveSessionsRacingForOneNameGiveOneWinner() throws Exception {
        TestProfile p = profile();
        Claims claims = new Claims(p.paths, new FakeSessions(liveWorkers(20)));
        String winner = race(claims, 20);
        assertEquals(winner, claims.holder("repo"));
        assertOnlyLeaseLeft(p, "repo.json");
    }

    @Test
    void twentyLiveSessionsRacingToTakeOverADeadLeaseGiveOneWinner() throws Exception {
        TestProfile p = profile();
        FakeSessions sessions = new FakeSessions(FakeSessions.running("old"));
        Claims claims = new Claims(p.paths, sessions);
        assertTrue(claims.claim("repo", "old"));
        sessions.set(liveWorkers(20));
        String winner = race(claims, 20);
        assertEquals(winner, claims.holder("repo"));
        assertOnlyLeaseLeft(p, "repo.json");
    }

    private static Sessions.Info[] liveWorkers(int n) {
        Sessions.Info[] out = new Sessions.Info[n];
        for (int i = 0; i < n; i++) out[i] = FakeSessions.running("w" + i);
        return out;
    }

    /** Starts n threads at once, each claiming "repo" as its own worker; returns the one winner. */
    private static String race(Claims claims, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String session = "w" + i;
            results.add(pool.submit(() -> {
                go.await();
                return claims.claim("repo", session);
            }));
        }
        go.countDown();
        List<String> winners = new ArrayList<>();
        for (int i = 0; i < n; i++) if (results.get(i).get()) winners.add("w" + i);
        pool.shutdown();
        assertEquals(1, winners.size(), "winners: " + winners);
        return winners.get(0);
    }

    /** No temp files are left behind: only the lock and the lease itself. */
    private static void assertOnlyLeaseLeft(TestProfile p, String lease) throws Exception {
        try (Stream<Path> s = Files.list(p.paths.claims())) {
            assertEquals(List.of(".lock", lease), s.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }
}
