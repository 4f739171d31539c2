package looop.human;

import static looop.GitFixture.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import looop.Beats;
import looop.TmuxProfile;
import looop.beat.HumanDuties;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Log;
import looop.profile.Config;
import looop.profile.Confinement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real tmux worker in the default sandbox whose program shows Claude
 * Code's real usage-limit screen (tests/fixtures/screens/claude-usage-limit.txt,
 * its reset set to 13:00 UTC on the test clock's day) and then waits for
 * keys: the beats note the reset, the pulse would wake at it, and at the
 * reset the worker is carried on with the keys its preset names, once, and
 * journaled.
 */
class LimitedWorkerTest {
    Path base;
    TmuxProfile t;

    @BeforeEach
    void setUp() throws IOException {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "looop-limited-").toRealPath();
        t = new TmuxProfile(base.resolve("data"), Map.of("LOOOP_SANDBOX", "auto"));
    }

    @AfterEach
    void tearDown() {
        if (t != null) t.close();
        sh(base.getParent(), "chmod -R u+w " + base + " 2>/dev/null; rm -rf " + base);
    }

    private Beats.Cli ok(String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(0, r.code(), String.join(" ", args) + " → " + r);
        return r;
    }

    private long journaled(String what) {
        return Fs.readOr(t.profile.dir.resolve("journal.md"), "").lines().filter(l -> l.contains(what)).count();
    }

    @Test
    void aWorkerStoppedByItsUsageLimitIsResumedOnceAtTheReset() throws Exception {
        Path screen = base.resolve("limit.txt");
        Files.writeString(screen, Files.readString(Path.of("tests/fixtures/screens/claude-usage-limit.txt"))
                .replace("resets Mar 17, 2030, 5:46pm (UTC)", "resets Nov 23, 2026, 1:00pm (UTC)"));
        Path fake = Files.createDirectories(base.resolve("bin")).resolve("claude");
        // shows the limit dialog, takes one key (the dialog's choice), then a prompt that takes a line
        Files.writeString(fake, "#!/bin/bash\nprintf '\\033[H\\033[2J'; cat '" + screen + "'\nIFS= read -rsn1 k\n"
                + "printf '\\033[H\\033[2J'; printf '> '\nIFS= read -r line\necho \"RESUMED key=$k text=$line\"\nsleep 600\n");
        fake.toFile().setExecutable(true);
        t.profile.write("looop.json", "{\"default\":\"work\",\"runners\":{\"work\":{\"tick\":\"true\",\"interactive\":"
                + Json.quote(fake + " \"$(cat '{{prompt_file}}')\"") + "}}}");
        assumeTrue(Confinement.of(t.profile.paths, Config.load(t.profile.paths)).sandbox().active(), "bubblewrap cannot confine here");
        ok("start-session", "w1", "refactor the parser");
        TmuxProfile.awaitTrue(() -> ok("ls").out().contains("usage limit"), () -> "w1 blocked on its limit; ls: " + ok("ls").out());

        Log quiet = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), t.profile.clock, false, false);
        LimitedWorkers limited = new LimitedWorkers(t.profile.paths, t.sessions, t.profile.clock);
        assertEquals(1, limited.tend().size(), "the episode is noted");
        assertEquals(Instant.parse("2026-11-23T13:00:00Z"), limited.nextReset());
        assertEquals(1, journaled("worker w1 hit its usage limit; resuming it at 2026-11-23T13:00:00Z"));
        try (HumanDuties duties = new HumanDuties(t.profile.paths, t.profile.clock, t.sessions, quiet)) {
            assertEquals(3600, duties.restSeconds(7200), "the pulse wakes at the worker's reset");
        }

        t.profile.clock.set(Instant.parse("2026-11-23T12:59:59Z"));
        assertEquals(0, limited.tend().size(), "not before the reset");
        t.profile.clock.set(Instant.parse("2026-11-23T13:00:00Z"));
        t.cli("tick"); // a real beat's housekeeping carries it on (its decide is beside the point here)
        t.awaitOutput("w1", "RESUMED key=1 text=continue");
        assertEquals(1, journaled("resumed worker w1 at its usage limit's reset (pressed 1, typed \"continue\")"));

        t.profile.clock.advanceSeconds(60);
        t.cli("tick");
        assertEquals(0, limited.tend().size());
        assertEquals(1, journaled("resumed worker w1"), "resumed once");
        assertTrue(Fs.readOr(t.profile.dir.resolve("events.jsonl"), "").contains("\"worker_resumed\""));
    }
}
