package looop.sense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import looop.ConcurrencyProbe;
import looop.FakeSessions;
import looop.NoSessions;
import looop.TestProfile;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.workers.Claims;
import looop.workers.SessionState;
import looop.workers.Sessions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensorsTest {
    @TempDir
    Path tmp;

    private TestProfile profile() {
        return profile(Map.of());
    }

    private TestProfile profile(Map<String, String> env) {
        return new TestProfile(tmp.resolve("data"), env);
    }

    /**
     * A dir the sensors may write, granted as a person grants one (a sensor
     * writes nothing else in the sandbox): where these tests' sensors leave
     * marks of how they ran.
     */
    private Path marks(TestProfile p) throws java.io.IOException {
        Path marks = Files.createDirectories(tmp.resolve("marks"));
        p.write("looop.json", "{\"sandbox\":{\"write\":[" + Json.quote(marks.toString()) + "]}}");
        return marks;
    }

    private static List<Sensors.Reading> sense(TestProfile p) {
        return sense(p, NoSessions.none());
    }

    private static List<Sensors.Reading> sense(TestProfile p, Sessions sessions) {
        return new Sensors(p.paths, sessions, p.clock, looop.profile.Config.load(p.paths)).senseAll();
    }

    private static JsonNode reading(List<Sensors.Reading> readings, String file) throws Exception {
        for (Sensors.Reading r : readings) if (r.file().equals(file)) return Json.parse(r.text());
        throw new AssertionError("no reading " + file + " in " + readings);
    }

    /** The one user sensor's reading, after checking it is the error shape with this exit code. */
    private static JsonNode failure(List<Sensors.Reading> readings, String name, int exitCode) throws Exception {
        JsonNode v = reading(readings, "sensor-" + name + ".json");
        assertEquals(Json.parse("{\"error\":true,\"exit_code\":" + exitCode + "}"), v.get("signal"), v.toString());
        assertTrue(v.get("detail").get("message").asText().startsWith("sensor " + name + " "), v.toString());
        assertTrue(v.get("detail").has("stderr"), v.toString());
        return v;
    }

    private static String message(JsonNode failure) {
        return failure.get("detail").get("message").asText();
    }

    @Test
    void runsSensorsFromTheDataDirAndKeepsObjectsCanonicalInNameOrder() throws Exception {
        TestProfile p = profile();
        Path marks = marks(p);
        for (String name : List.of("b", "c", "a")) {
            p.sensor(name, "echo " + name + " >> " + marks.resolve("order") + "\necho '{ \"z\": 1, \"a\": [2, 3] }'");
        }
        p.sensor("where", "printf '{\"cwd\":\"%s\",\"data\":\"%s\"}' \"$PWD\" \"$LOOOP_DATA_DIR\"");
        List<Sensors.Reading> readings = sense(p);

        assertEquals(List.of("a", "b", "c"), Files.readString(marks.resolve("order")).lines().sorted().toList(), "each ran once");
        assertEquals(List.of("sensor-a.json", "sensor-b.json", "sensor-c.json", "sensor-where.json",
                "sys-asks.json", "sys-claims.json", "sys-conflicts.json", "sys-goals.json", "sys-schedules.json", "sys-sessions.json"),
                readings.stream().map(Sensors.Reading::file).toList());
        assertEquals("{\"a\":[2,3],\"z\":1}", readings.get(0).text());
        JsonNode where = reading(readings, "sensor-where.json");
        assertEquals(p.paths.data.toString(), where.get("cwd").asText());
        assertEquals(p.paths.data.toString(), where.get("data").asText());
    }

    @Test
    void signalAndDetailArePreserved() throws Exception {
        TestProfile p = profile();
        p.sensor("ci", "echo '{\"signal\":{\"red\":false},\"detail\":{\"run\":42}}'");
        assertEquals(Json.parse("{\"signal\":{\"red\":false},\"detail\":{\"run\":42}}"),
                reading(sense(p), "sensor-ci.json"));
    }

    @Test
    void aFailingSensorBecomesAnErrorWithItsExitCodeAndStderrTail() throws Exception {
        TestProfile p = profile();
        p.sensor("broken", "head -c 3000 /dev/zero | tr '\\0' x >&2\necho END >&2\necho '{\"a\":1}'\nexit 3");
        JsonNode v = failure(sense(p), "broken", 3);
        assertTrue(message(v).contains("exited 3"), message(v));
        String stderr = v.get("detail").get("stderr").asText();
        assertEquals(1024, stderr.length());
        assertTrue(stderr.endsWith("xEND\n"), stderr);
    }

    @Test
    void theSameFailureGivesTheSameSignalEveryBeat() throws Exception {
        TestProfile p = profile();
        p.sensor("flaky", "echo \"boom at $RANDOM$RANDOM\" >&2; exit 2");
        JsonNode first = reading(sense(p), "sensor-flaky.json");
        JsonNode second = reading(sense(p), "sensor-flaky.json");
        assertEquals(first.get("signal"), second.get("signal"));
        assertFalse(first.get("detail").equals(second.get("detail")), "stderr differs, and lives in detail");
    }

    @Test
    void aSlowSensorIsKilledAtTheTimeout() throws Exception {
        TestProfile p = profile(Map.of("LOOOP_SENSOR_TIMEOUT", "1"));
        p.sensor("slow", "sleep 10");
        long start = System.nanoTime();
        List<Sensors.Reading> readings = sense(p);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds < 5, "took " + seconds + " s");
        assertTrue(message(failure(readings, "slow", 124)).contains("timed out after 1s"));
    }

    @Test
    void aBackgroundChildHoldingStdoutDoesNotHoldUpTheBeat() throws Exception {
        TestProfile p = profile();
        p.sensor("forks", "sleep 30 &\necho '{\"ok\":true}'");
        long start = System.nanoTime();
        List<Sensors.Reading> readings = sense(p);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds < 5, "took " + seconds + " s");
        assertEquals(Json.parse("{\"ok\":true}"), reading(readings, "sensor-forks.json"));
    }

    @Test
    void outputOverTheCapIsReplacedBySizeError() throws Exception {
        TestProfile p = profile();
        p.sensor("huge", "head -c 1048576 /dev/zero | tr '\\0' a");
        JsonNode v = reading(sense(p), "sensor-huge.json");
        assertEquals(Json.parse("{\"error\":\"sensor output too large (1048576 bytes > cap 8192); print less, or raise"
                + " LOOOP_SENSOR_MAX_BYTES\",\"bytes\":1048576,\"cap\":8192}"), v);
    }

    @Test
    void theCapIsConfigurableAndZeroMeansNone() throws Exception {
        String big = "printf '{\"s\":\"'; head -c 20000 /dev/zero | tr '\\0' a; printf '\"}'";
        TestProfile p = profile(Map.of("LOOOP_SENSOR_MAX_BYTES", "0"));
        p.sensor("big", big);
        assertEquals(20000, reading(sense(p), "sensor-big.json").get("s").asText().length());

        TestProfile small = new TestProfile(tmp.resolve("small"), Map.of("LOOOP_SENSOR_MAX_BYTES", "10"));
        small.sensor("big", big);
        assertEquals(10, reading(sense(small), "sensor-big.json").get("cap").asLong());
    }

    @Test
    void outputThatIsNotOneJsonObjectIsAnErrorThatSaysSo() throws Exception {
        TestProfile p = profile();
        p.sensor("binary", "printf '\\xff\\xfe'");
        p.sensor("prose", "echo all good");
        p.sensor("array", "echo '[1,2]'");
        p.sensor("two", "echo '{\"a\":1}'; echo '{\"b\":2}'");
        p.sensor("silent", "true");
        List<Sensors.Reading> readings = sense(p);
        Map<String, String> expected = Map.of(
                "binary", "printed bytes that are not UTF-8 text",
                "prose", "printed output that is not valid JSON (line 1",
                "array", "printed a JSON array, not an object",
                "two", "more than one JSON value",
                "silent", "printed nothing");
        for (var e : expected.entrySet()) {
            String m = message(failure(readings, e.getKey(), 0));
            assertTrue(m.contains(e.getValue()), m);
            assertTrue(m.endsWith("print one JSON object, e.g. {\"signal\":{\"ok\":true}}"), m);
        }
    }

    @Test
    void aScriptThatIsNotExecutableIsNotRunButReported() throws Exception {
        TestProfile p = profile();
        Path ran = marks(p).resolve("ran"); // where it could write, had it run
        p.write("sensors/plain.sh", "#!/usr/bin/env bash\ntouch " + ran + "\necho '{}'\n");
        JsonNode v = failure(sense(p), "plain", 126);
        assertTrue(message(v).endsWith("not executable; chmod +x sensors/plain.sh"), message(v));
        assertFalse(Files.exists(ran));
    }

    @Test
    void aSymlinkIsFollowedOnlyInsideTheDataDir() throws Exception {
        TestProfile p = profile();
        Path ran = marks(p).resolve("ran"); // where it could write, had it run
        TestProfile outside = new TestProfile(tmp.resolve("elsewhere"));
        Path foreign = outside.sensor("evil", "touch " + ran + "\necho '{}'");
        Path local = p.write("scripts/real.sh", "#!/usr/bin/env bash\necho '{\"local\":true}'\n");
        local.toFile().setExecutable(true);
        Files.createDirectories(p.paths.sensors());
        Files.createSymbolicLink(p.paths.sensors().resolve("evil.sh"), foreign);
        Files.createSymbolicLink(p.paths.sensors().resolve("linked.sh"), local);
        Files.createSymbolicLink(p.paths.sensors().resolve("dangling.sh"), tmp.resolve("nowhere.sh"));
        List<Sensors.Reading> readings = sense(p);

        assertTrue(message(failure(readings, "evil", 126)).contains("outside the data dir"));
        assertFalse(Files.exists(ran));
        assertEquals(Json.parse("{\"local\":true}"), reading(readings, "sensor-linked.json"));
        assertTrue(message(failure(readings, "dangling", 126)).contains("broken symlink"));
    }

    @Test
    void snapshotsAreWipedEveryBeat() throws Exception {
        TestProfile p = profile();
        p.write("snapshots/stale.json", "{}");
        Path gone = p.sensor("gone", "echo '{}'");
        sense(p);
        assertFalse(Files.exists(p.dir.resolve("snapshots/stale.json")));
        assertTrue(Files.exists(p.dir.resolve("snapshots/sensor-gone.json")));
        Files.delete(gone);
        sense(p);
        assertFalse(Files.exists(p.dir.resolve("snapshots/sensor-gone.json")));
    }

    @Test
    void readingsAreExactlyTheBytesOnDisk() throws Exception {
        TestProfile p = profile();
        p.sensor("today", "echo '{\"date\":\"2026-11-23\",\"é\":\"ü\"}'");
        p.sensor("surrogate", "echo '{\"s\":\"\\ud800\"}'");
        p.sensor("broken", "exit 5");
        p.write("goals/ship.md", "ship it\n");
        List<Sensors.Reading> readings = sense(p);
        try (Stream<Path> s = Files.list(p.paths.snapshots())) {
            assertEquals(readings.stream().map(Sensors.Reading::file).toList(),
                    s.map(f -> f.getFileName().toString()).sorted().toList());
        }
        for (Sensors.Reading r : readings) {
            assertArrayEquals(Files.readAllBytes(p.paths.snapshots().resolve(r.file())),
                    r.text().getBytes(StandardCharsets.UTF_8), r.file());
        }
    }

    @Test
    void sysGoalsReportsWhenEachGoalWasLastActedOn() throws Exception {
        TestProfile p = profile();
        p.write("goals/ship.md", "ship\n");
        p.write("goals/tidy.md", "tidy\n");
        p.write("goals/archive/old.md", "done\n");
        assertEquals(Json.parse("{\"signal\":{},\"detail\":{\"goals\":{"
                + "\"ship\":{\"last_acted_unix\":null,\"age_s\":null},"
                + "\"tidy\":{\"last_acted_unix\":null,\"age_s\":null}}}}"),
                reading(sense(p), "sys-goals.json"));

        long now = p.clock.instant().getEpochSecond();
        p.write(".goal-activity.json", "{\"ship\":" + (now - 90) + ",\"old\":1}");
        assertEquals(Json.parse("{\"signal\":{},\"detail\":{\"goals\":{"
                + "\"ship\":{\"last_acted_unix\":" + (now - 90) + ",\"age_s\":90},"
                + "\"tidy\":{\"last_acted_unix\":null,\"age_s\":null}}}}"),
                reading(sense(p), "sys-goals.json"));

        p.write(".goal-activity.json", "not json");
        assertTrue(reading(sense(p), "sys-goals.json").at("/detail/goals/ship/last_acted_unix").isNull());
    }

    @Test
    void sysSessionsShowsStatesNotesAndAskingOnlyWhileAlive() throws Exception {
        TestProfile p = profile();
        Sessions sessions = new FakeSessions(
                new Sessions.Info("w2", SessionState.EXITED, 3, "stale question"),
                new Sessions.Info("w1", SessionState.RUNNING, null, "merge to main?"),
                new Sessions.Info("w0", SessionState.STARTING, null, null));
        assertEquals(Json.parse("{\"signal\":{\"sessions\":["
                + "{\"id\":\"w0\",\"state\":\"starting\",\"exit_code\":null},"
                + "{\"id\":\"w1\",\"state\":\"running\",\"exit_code\":null,\"note\":\"merge to main?\",\"health\":\"asking\"},"
                + "{\"id\":\"w2\",\"state\":\"exited\",\"exit_code\":3}]},"
                + "\"detail\":{\"count\":3}}"),
                reading(sense(p, sessions), "sys-sessions.json"));
    }

    @Test
    void sysClaimsListsLeasesByName() throws Exception {
        TestProfile p = profile();
        Sessions sessions = new FakeSessions(FakeSessions.running("w1"), FakeSessions.running("w2"));
        Claims claims = new Claims(p.paths, sessions);
        claims.claim("web", "w2");
        claims.claim("api", "w1");
        assertEquals(Json.parse("{\"signal\":{\"claims\":[{\"name\":\"api\",\"claim\":\"w1\"},"
                + "{\"name\":\"web\",\"claim\":\"w2\"}]}}"),
                reading(sense(p, sessions), "sys-claims.json"));
    }

    // -- running in parallel ----------------------------------------------------

    /**
     * With sensor_concurrency 1 no sensor ever sees another running, though
     * each waits (2 s at most) for one to join it: were the setting ignored,
     * the three would run together and meet.
     */
    @Test
    void concurrencyOneRunsTheScriptsOneAfterAnotherInNameOrder() throws Exception {
        TestProfile p = profile();
        Path marks = marks(p);
        ConcurrencyProbe probe = new ConcurrencyProbe(marks.resolve("probe"));
        for (String name : List.of("b", "c", "a")) {
            p.sensor(name, "echo " + name + " >> " + marks.resolve("order") + "\n" + probe.sensorBody(name, 2, 2));
        }
        new Sensors(p.paths, NoSessions.none(), p.clock, 1, looop.profile.Config.load(p.paths)).senseAll();
        assertEquals(1, probe.mostAtOnce(), "never two sensors at once");
        assertEquals("a\nb\nc\n", Files.readString(marks.resolve("order")));
    }

    /**
     * With sensor_concurrency 3, three of four sensors wait for each other
     * (a generous 20 s at most) and meet: all three at once, never the fourth
     * too. A setting stuck at 1 never lets them meet; one ignored lets four in.
     */
    @Test
    void concurrencyNRunsExactlyNAtOnce() throws Exception {
        TestProfile p = profile();
        ConcurrencyProbe probe = new ConcurrencyProbe(marks(p).resolve("probe"));
        for (String name : List.of("s1", "s2", "s3", "s4")) p.sensor(name, probe.sensorBody(name, 3, 20));
        List<Sensors.Reading> readings = new Sensors(p.paths, NoSessions.none(), p.clock, 3, looop.profile.Config.load(p.paths)).senseAll();
        assertEquals(3, probe.mostAtOnce(), "three at once, not more");
        for (String name : List.of("s1", "s2", "s3", "s4")) {
            assertTrue(readings.stream().anyMatch(r -> r.file().equals("sensor-" + name + ".json")), name + " ran");
        }
    }

    @Test
    void parallelReadingsHashAndFilesEqualASequentialRun() throws Exception {
        TestProfile p = profile();
        for (int i = 0; i < 12; i++) {
            p.sensor("s" + i, "sleep 0.0$((RANDOM % 5))\necho '{\"signal\":{\"i\":" + i + "},\"detail\":{\"z\":1}}'");
        }
        p.sensor("broken", "exit 4");
        List<Sensors.Reading> sequential = new Sensors(p.paths, NoSessions.none(), p.clock, 1, looop.profile.Config.load(p.paths)).senseAll();
        List<Sensors.Reading> parallel = new Sensors(p.paths, NoSessions.none(), p.clock, 8, looop.profile.Config.load(p.paths)).senseAll();
        assertEquals(sequential, parallel);
        assertEquals(hash(p, sequential), hash(p, parallel));
        for (Sensors.Reading r : parallel) assertEquals(r.text(), p.read("snapshots/" + r.file()));
    }

    private static String hash(TestProfile p, List<Sensors.Reading> readings) {
        return WorldHash.compute(p.paths.data, readings.stream()
                .map(r -> new WorldHash.Snapshot(r.file(), r.text().getBytes(StandardCharsets.UTF_8))).toList());
    }

    /** A hundred sensors of every kind in one beat: each reading is right, or an error that says which way it failed. */
    @Test
    void aHundredMixedSensorsEachGiveTheirOwnReadingOrError() throws Exception {
        // 5 s, not 1: on a loaded 2-core machine, 32 processes at once can keep even `echo` waiting seconds
        TestProfile p = profile(Map.of("LOOOP_SENSOR_TIMEOUT", "5"));
        for (int i = 0; i < 100; i++) p.sensor(String.format("m%03d", i), mixedSensor(i));
        List<Sensors.Reading> readings = new Sensors(p.paths, NoSessions.none(), p.clock, 32, looop.profile.Config.load(p.paths)).senseAll();

        assertEquals(106, readings.size()); // and the 6 sys-* readings
        for (int i = 0; i < 100; i++) {
            String name = String.format("m%03d", i);
            switch (i % 4) {
                case 0 -> assertEquals(Json.parse("{\"signal\":{\"n\":" + i + "}}"), reading(readings, "sensor-" + name + ".json"));
                case 1 -> assertTrue(message(failure(readings, name, 3)).contains("exited 3"));
                case 2 -> assertTrue(message(failure(readings, name, 124)).contains("timed out after 5s"));
                default -> assertEquals(2_000_000, reading(readings, "sensor-" + name + ".json").path("bytes").asLong(),
                        reading(readings, "sensor-" + name + ".json").toString());
            }
        }
        for (Sensors.Reading r : readings) assertEquals(r.text(), p.read("snapshots/" + r.file()), r.file());
    }

    private static String mixedSensor(int i) {
        return switch (i % 4) {
            case 0 -> "echo '{\"signal\":{\"n\":" + i + "}}'";
            case 1 -> "echo 'no luck' >&2; exit 3";
            case 2 -> "sleep 30; echo '{}'";
            default -> "head -c 2000000 /dev/zero | tr '\\0' x";
        };
    }

    @Test
    void sensorConcurrencyIsAConfigKnobOfAtLeastOne() {
        Path file = tmp.resolve("looop.json");
        assertEquals(Config.DEFAULT_SENSOR_CONCURRENCY, Config.parse("{}", file).sensorConcurrency());
        assertTrue(Config.DEFAULT_SENSOR_CONCURRENCY >= 4);
        assertEquals(3, Config.parse("{\"sensor_concurrency\":3}", file).sensorConcurrency());
        for (String bad : List.of("0", "-2", "1.5", "\"8\"", "true")) {
            UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
                    () -> Config.parse("{\"sensor_concurrency\":" + bad + "}", file));
            assertTrue(e.getMessage().contains("\"sensor_concurrency\" must be a whole number from 1 to 256"), e.getMessage());
        }
    }
}
