package looop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import looop.Beats;
import looop.TestProfile;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Resources;
import looop.io.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedTest {
    @TempDir
    Path tmp;

    private static final List<String> DIRS = List.of("goals", "goals/archive", "sensors", "snapshots", "reports",
            "claims", "runs", "prompts", "sessions");
    private static final List<String> STARTERS = List.of("looop.json", ".gitignore", "PLAYBOOK.md", "goals/setup.md",
            "goals/playbook-daily.md", "sensors/today.sh");

    @Test
    void newProfileGetsEveryDirAndStarterFile() throws IOException {
        TestProfile p = new TestProfile(tmp.resolve("data"));
        assertTrue(Seed.ensure(p.paths, Config.load(p.paths)));
        for (String d : DIRS) assertTrue(Files.isDirectory(p.dir.resolve(d)), d);
        for (String f : STARTERS) assertTrue(Files.isRegularFile(p.dir.resolve(f)), f);
        assertEquals(Config.defaultText(), p.read("looop.json"));
        Config.load(p.paths); // the seeded config must load as is
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p.dir.resolve("sensors/today.sh"))));
    }

    /** A runner without an "interactive" command cannot run workers: the setup goal asks the human itself, and the prompt never offers start_worker. */
    @Test
    void aRunnerWithoutWorkersGetsASetupWithoutWorkers() throws IOException {
        TestProfile withWorkers = new TestProfile(tmp.resolve("claude"));
        Seed.ensure(withWorkers.paths, Config.load(withWorkers.paths));
        assertTrue(withWorkers.read("goals/setup.md").contains("Start a worker with id `setup`"));

        Beats b = new Beats(tmp.resolve("offline"), "{\"action\":\"noop\"}");
        Files.delete(b.profile.dir.resolve("PLAYBOOK.md"));
        Files.delete(b.profile.dir.resolve("goals/alpha.md"));
        assertTrue(Seed.ensure(b.profile.paths, Config.load(b.profile.paths)));
        String setup = b.profile.read("goals/setup.md");
        assertFalse(setup.contains("worker"), setup);
        assertTrue(setup.contains("send_notification"), setup);
        b.beat();
        try (Stream<Path> runs = Files.list(b.profile.dir.resolve("runs"))) {
            String prompt = Files.readString(runs.findFirst().orElseThrow().resolve("prompt.md"));
            assertFalse(prompt.contains("  start_worker "), "the prompt offers no move the runner cannot make");
            assertTrue(prompt.contains("  write_goal "), prompt);
        }
    }

    @Test
    void starterSensorIsTheBundledHeartbeatAndItRuns() throws Exception {
        TestProfile p = new TestProfile(tmp);
        Seed.ensure(p.paths, Config.load(p.paths));
        String script = p.read("sensors/today.sh");
        assertEquals(Resources.text("sensors/today.sh"), script);
        Path shipped = Path.of("sensors/today.sh");
        if (Files.exists(shipped)) assertEquals(Files.readString(shipped), script);

        Process proc = new ProcessBuilder(p.dir.resolve("sensors/today.sh").toString()).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor());
        JsonNode reading = Json.parse(out);
        assertEquals(1, reading.size());
        LocalDate date = LocalDate.parse(reading.get("signal").get("date").asText());
        assertTrue(Math.abs(date.toEpochDay() - LocalDate.now().toEpochDay()) <= 1, out);
    }

    @Test
    void gitignoreCoversEveryScratchPathAndNoMemory() {
        TestProfile p = new TestProfile(tmp);
        Seed.ensure(p.paths, Config.load(p.paths));
        List<String> rules = p.read(".gitignore").lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        for (String scratch : List.of("claims/", "snapshots/", "runs/", "prompts/", "sessions/", ".last-tick-hash",
                ".tick-backoff", ".cost-unmetered", ".goal-activity.json", ".decision.json", ".lock/", "tick.log",
                "events.jsonl", ".bin/", ".offline-runner/")) {
            assertTrue(rules.contains(scratch), scratch);
        }
        for (String memory : List.of("PLAYBOOK.md", "goals/", "sensors/", "journal.md", "reports/", "cost.jsonl", "looop.json")) {
            assertFalse(rules.contains(memory), memory);
        }
    }

    @Test
    void starterTextsCarryTheirIntent() {
        TestProfile p = new TestProfile(tmp);
        Seed.ensure(p.paths, Config.load(p.paths));
        String playbook = p.read("PLAYBOOK.md");
        assertTrue(playbook.contains("starter") && playbook.contains("setup"), "says it is a starter replaced by setup");
        assertTrue(playbook.contains("One move per beat"));
        String setup = p.read("goals/setup.md");
        for (String s : List.of("interview", "flag", "send_notification", "write_playbook", "write_goal", "write_sensor",
                "archive_goal setup")) {
            assertTrue(setup.contains(s), s);
        }
        String daily = p.read("goals/playbook-daily.md");
        assertTrue(daily.contains("never archive"));
        assertTrue(daily.contains("journal") && daily.contains("PLAYBOOK.md"));
    }

    @Test
    void seedsOnlyOnceAndKeepsEdits() {
        TestProfile p = new TestProfile(tmp);
        assertTrue(Seed.ensure(p.paths, Config.load(p.paths)));
        p.write("PLAYBOOK.md", "mine\n");
        p.write("journal.md", "- 2026-11-23 12:00 archived setup\n");
        deleteStarterGoals(p);
        assertFalse(Seed.ensure(p.paths, Config.load(p.paths)));
        assertEquals("mine\n", p.read("PLAYBOOK.md"));
        assertFalse(Files.exists(p.dir.resolve("goals/setup.md")), "a finished setup must not come back");
    }

    @Test
    void anyHistoryMeansNotNew() {
        for (String marker : List.of("journal.md", "PLAYBOOK.md", "goals/ship-it.md", "goals/archive/setup.md")) {
            TestProfile p = new TestProfile(tmp.resolve(marker.replace('/', '_')));
            p.write(marker, "x\n");
            assertFalse(Seed.ensure(p.paths, Config.load(p.paths)), marker);
            for (String d : DIRS) assertTrue(Files.isDirectory(p.dir.resolve(d)), "dirs are always made: " + d);
            for (String f : STARTERS) {
                if (!f.equals(marker)) assertFalse(Files.exists(p.dir.resolve(f)), marker + " profile got " + f);
            }
        }
    }

    @Test
    void neverOverwritesFilesPresentBeforeTheFirstRun() throws IOException {
        TestProfile p = new TestProfile(tmp);
        p.write("looop.json", "{\"default\":\"pi\"}\n");
        Path mine = p.write("sensors/today.sh", "#!/bin/sh\necho '{}'\n");
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rw-r--r--"));
        p.write(".gitignore", "*.bak\n");
        assertTrue(Seed.ensure(p.paths, Config.load(p.paths)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(mine)), "mode untouched too");
        assertEquals("{\"default\":\"pi\"}\n", p.read("looop.json"));
        assertEquals("#!/bin/sh\necho '{}'\n", p.read("sensors/today.sh"));
        assertEquals("*.bak\n", p.read(".gitignore"));
        assertTrue(Files.exists(p.dir.resolve("PLAYBOOK.md")));
    }

    @Test
    void aSeedCutShortFinishesOnTheNextRun() {
        TestProfile p = new TestProfile(tmp);
        p.write("goals/setup.md", "half-written profile\n");
        assertTrue(Seed.ensure(p.paths, Config.load(p.paths)));
        assertEquals("half-written profile\n", p.read("goals/setup.md"));
        assertTrue(Files.exists(p.dir.resolve("PLAYBOOK.md")));
        assertTrue(Files.exists(p.dir.resolve("goals/playbook-daily.md")));
    }

    @Test
    void configGoesWhereLooopConfigPoints() {
        Path cfg = tmp.resolve("elsewhere/my.json");
        TestProfile p = new TestProfile(tmp.resolve("data"), Map.of("LOOOP_CONFIG", cfg.toString()));
        assertTrue(Seed.ensure(p.paths, Config.load(p.paths)));
        assertEquals(Config.defaultText(), Fs.readOrNull(cfg));
        assertFalse(Files.exists(p.dir.resolve("looop.json")));
    }

    @Test
    void uncreatableDataDirIsOneLineAndCreatesNothing() throws IOException {
        Path file = tmp.resolve("plain-file");
        Files.writeString(file, "x");
        TestProfile p = new TestProfile(file.resolve("looop"));
        UserError e = assertThrows(UserError.class, () -> Seed.ensure(p.paths, null));
        assertEquals("data dir " + p.paths.data + " is not writable; fix its permissions or point LOOOP_DATA_DIR elsewhere",
                e.getMessage());
        assertEquals(List.of(file), list(tmp));
    }

    @Test
    void dataDirThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("data"), "x");
        UserError e = assertThrows(UserError.class, () -> Seed.ensure(new TestProfile(file).paths, null));
        assertTrue(e.getMessage().startsWith("data dir " + file + " is a file"), e.getMessage());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void somethingInTheWayOfADirIsNamed() {
        TestProfile p = new TestProfile(tmp);
        p.write("goals", "a file where goals/ belongs\n");
        UserError e = assertThrows(UserError.class, () -> Seed.ensure(p.paths, Config.load(p.paths)));
        assertTrue(e.getMessage().startsWith("cannot create " + p.dir.resolve("goals")), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void unwritableConfigPointsAtLooopConfig() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        TestProfile p = new TestProfile(tmp.resolve("data"), Map.of("LOOOP_CONFIG", file.resolve("looop.json").toString()));
        UserError e = assertThrows(UserError.class, () -> Seed.ensure(p.paths, null));
        assertTrue(e.getMessage().startsWith("cannot write " + file.resolve("looop.json")), e.getMessage());
        assertTrue(e.getMessage().endsWith("point LOOOP_CONFIG elsewhere"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    private static void deleteStarterGoals(TestProfile p) {
        Fs.listFiles(p.paths.goals(), ".md").forEach(f -> f.toFile().delete());
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
