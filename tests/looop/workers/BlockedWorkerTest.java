package looop.workers;

import static looop.GitFixture.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import looop.Beats;
import looop.Clis;
import looop.FakeHuman;
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
 * Workers in the default sandbox whose screen waits on a person: `ls`,
 * `ls --json`, `status --json` and sys-sessions say blocked and on what, and
 * the pulse tells the person once per blocked episode. One worker is a
 * scripted stand-in that shows a real Claude Code screen; one is the real
 * Claude Code on a fresh config dir. The profile lives under /var/tmp: the
 * sandbox's private /tmp would hide files kept in /tmp.
 */
class BlockedWorkerTest {
    Path base;
    TmuxProfile t;
    Path notified;

    @BeforeEach
    void setUp() throws IOException {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "looop-blocked-").toRealPath();
        t = new TmuxProfile(base.resolve("data"), Map.of("LOOOP_SANDBOX", "auto"));
        notified = base.resolve("notified.jsonl");
    }

    @AfterEach
    void tearDown() {
        if (t != null) t.close();
        sh(base.getParent(), "chmod -R u+w " + base + " 2>/dev/null; rm -rf " + base);
    }

    private void config(String runners) {
        t.profile.write("looop.json", "{\"default\":\"work\",\"runners\":{" + runners + "},"
                + "\"notify\":[{\"type\":\"command\",\"command\":" + Json.quote("cat >> '" + notified + "'; echo >> '" + notified + "'") + "}]}");
        Confinement c = Confinement.of(t.profile.paths, Config.load(t.profile.paths));
        assumeTrue(c.sandbox().active(), "bubblewrap cannot confine commands here, blocked-worker tests skipped: " + c.sandbox().describe());
    }

    private Beats.Cli ok(String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(0, r.code(), String.join(" ", args) + " → " + r);
        return r;
    }

    private JsonNode lsJson(String id) {
        for (JsonNode s : Json.parseOrNull(ok("ls", "--json").out()).get("sessions")) if (s.get("id").asText().equals(id)) return s;
        throw new AssertionError(id + " not listed");
    }

    private JsonNode statusJson(String id) {
        for (JsonNode s : Json.parseOrNull(ok("status", "--json").out()).get("workers")) if (s.get("id").asText().equals(id)) return s;
        throw new AssertionError(id + " not in status");
    }

    private JsonNode sysSessions(String id) {
        ok("sense");
        JsonNode r = Json.parseOrNull(t.profile.read("snapshots/sys-sessions.json"));
        for (JsonNode s : r.get("signal").get("sessions")) if (s.get("id").asText().equals(id)) return s;
        throw new AssertionError(id + " not in sys-sessions: " + r);
    }

    /** The notices the command channel received: event and id. */
    private List<String> received() {
        List<String> out = new ArrayList<>();
        for (String line : Fs.readOr(notified, "").split("\n")) {
            JsonNode n = Json.parseOrNull(line);
            if (n != null) out.add(n.path("event").asText() + " " + n.path("worker").asText() + ": " + n.path("blocked_on").asText());
        }
        return out;
    }

    private void beat(HumanDuties duties) {
        ok("sense"); // the beat's sys-sessions looks at every screen
        duties.afterBeat(new looop.beat.Tick.Ended(looop.beat.Tick.Outcome.Result.SKIPPED, "world_unchanged", "h", null, ""), null, looop.profile.Config.load(t.profile.paths));
        t.profile.clock.advanceSeconds(5);
    }

    @Test
    void aScriptedScreenThatWaitsOnAPersonIsBlockedEverywhereAndNotifiedOncePerEpisode() throws Exception {
        // a stand-in named claude: shows Claude Code's real trust dialog, then a working screen after Enter, then the dialog again
        Path trust = base.resolve("trust.txt");
        Files.copy(java.nio.file.Path.of("tests/fixtures/screens").resolve("claude-trust.txt"), trust);
        Path bin = Files.createDirectories(base.resolve("bin"));
        Path fake = bin.resolve("claude");
        Files.writeString(fake, "#!/bin/bash\ncls() { printf '\\033[H\\033[2J'; }\n"
                + "while true; do cls; cat '" + trust + "'; read -r _; cls; echo 'Reading src/app.ts'; read -r _; done\n");
        fake.toFile().setExecutable(true);
        config("\"work\":{\"tick\":\"true\",\"interactive\":" + Json.quote("IS_SANDBOX=1 " + fake + " \"$(cat '{{prompt_file}}')\"") + "}");
        ok("start-session", "w1", "fix the bug");
        String reason = "Claude Code asks whether to trust this folder";

        TmuxProfile.awaitTrue(() -> ok("ls").out().contains("blocked"), () -> "w1 blocked, ls: " + ok("ls").out());
        String ls = ok("ls").out();
        assertTrue(ls.matches("(?s).*w1\\s+running\\s+blocked\\s+⛔ " + reason + "\n.*"), ls);
        assertEquals("blocked", lsJson("w1").path("health").asText());
        assertEquals(reason, lsJson("w1").path("blocked_on").asText());
        assertEquals(reason, statusJson("w1").path("blocked_on").asText());
        assertTrue(ok("status").out().contains("w1 running, blocked: " + reason), ok("status").out());
        JsonNode signal = sysSessions("w1");
        assertEquals("blocked", signal.path("health").asText(), signal.toString());
        assertEquals(reason, signal.path("blocked_on").asText());
        var web = new looop.web.Fleet(t.profile.paths, t.profile.clock, t.sessions, new FakeHuman(t.sessions)).state();
        String html = looop.web.Page.render(web);
        assertTrue(html.contains("data-health=\"blocked\">blocked</span>") && html.contains("⛔ " + reason), "the web page's card: " + html);

        Log quiet = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), t.profile.clock, false, false);
        try (HumanDuties duties = new HumanDuties(t.profile.paths, t.profile.clock, t.sessions, quiet)) {
            beat(duties);
            beat(duties);
            beat(duties);
            List<String> once = List.of("worker_blocked w1: " + reason);
            TmuxProfile.awaitTrue(() -> received().equals(once), () -> once + ", got " + received());

            t.sessions.send("w1", "", true); // answered: the screen works again
            TmuxProfile.awaitTrue(() -> !lsJson("w1").has("blocked_on"), () -> "w1 unblocked: " + lsJson("w1"));
            assertFalse(sysSessions("w1").has("health"), "a working screen is not in the signal");
            beat(duties);

            t.sessions.send("w1", "", true); // the same dialog again: a new episode, a new notice
            TmuxProfile.awaitTrue(() -> reason.equals(lsJson("w1").path("blocked_on").asText()), () -> "w1 blocked again: " + lsJson("w1"));
            beat(duties);
            beat(duties);
            List<String> twice = List.of(once.get(0), once.get(0));
            TmuxProfile.awaitTrue(() -> received().equals(twice), () -> twice + ", got " + received());
            TmuxProfile.sleep(1500);
            assertEquals(twice, received(), "one notice per blocked episode");
        }
    }

    /** The real Claude Code, on a config dir it has never seen, stops at its first-run screen: looop says so. */
    @Test
    void aFreshClaudeCodeConfigShowsBlockedOnItsFirstScreen() throws Exception {
        Clis.require("claude");
        Path claude = Clis.dirOf("claude").resolve("claude");
        Path configDir = Files.createDirectories(base.resolve("claude-config"));
        // ANTHROPIC_AUTH_TOKEN: a key that needs no confirmation, so the first screen is onboarding's own (no network is used)
        String command = "env CLAUDE_CONFIG_DIR=" + configDir + " ANTHROPIC_BASE_URL=http://127.0.0.1:9 ANTHROPIC_AUTH_TOKEN=sk-ant-standin"
                + " IS_SANDBOX=1 DISABLE_AUTOUPDATER=1 DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 "
                + claude + " --dangerously-skip-permissions \"$(cat '{{prompt_file}}')\"";
        // the runner's name says nothing: its command runs claude
        config("\"work\":{\"tick\":\"true\",\"interactive\":" + Json.quote(command) + ",\"sandbox_write\":[" + Json.quote(configDir.toString()) + "]}");
        ok("start-session", "w1", "say hello");
        String reason = "Claude Code first-run setup: choose a text style (theme), then Enter";
        TmuxProfile.awaitTrue(() -> reason.equals(lsJson("w1").path("blocked_on").asText()),
                () -> "w1 blocked on its first screen; ls: " + ok("ls").out() + "screen:\n" + ok("shot", "w1").out());
        assertTrue(ok("ls").out().matches("(?s).*w1\\s+running\\s+blocked\\s+⛔ " + java.util.regex.Pattern.quote(reason) + "\n.*"), ok("ls").out());
        assertEquals("blocked", statusJson("w1").path("health").asText());
        assertEquals(reason, statusJson("w1").path("blocked_on").asText());
    }
}
