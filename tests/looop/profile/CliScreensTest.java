package looop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import looop.workers.Health;
import org.junit.jupiter.api.Test;

/**
 * Every screen signature of every preset against the real CLIs' screens
 * (tests/fixtures/screens/, see its README for how each was made), and the
 * CLIs' working and idle screens against all of them: each screen that waits
 * on a person names what it asks, and no working screen is called blocked.
 */
class CliScreensTest {
    static final Path SCREENS = Path.of("tests/fixtures/screens");

    /** Fixture → the words its reason must hold (null: not blocked). */
    static final Map<String, String> FIXTURES = new LinkedHashMap<>();

    static {
        FIXTURES.put("claude-onboarding.txt", "Claude Code first-run setup: choose a text style");
        FIXTURES.put("claude-security-notes.txt", "Claude Code first-run security notes: press Enter");
        FIXTURES.put("claude-trust.txt", "Claude Code asks whether to trust this folder");
        FIXTURES.put("claude-bypass.txt", "Claude Code Bypass Permissions warning");
        FIXTURES.put("claude-api-key.txt", "Claude Code asks whether to use the API key");
        FIXTURES.put("claude-login.txt", "Claude Code not logged in");
        FIXTURES.put("claude-auto-mode.txt", "Claude Code auto mode cannot reach its safety check");
        FIXTURES.put("claude-permission.txt", "Claude Code permission prompt: asks to create a file");
        FIXTURES.put("claude-usage-limit.txt", "Claude Code hit its usage limit");
        FIXTURES.put("claude-working.txt", null);
        FIXTURES.put("claude-idle.txt", null);
        FIXTURES.put("codex-login.txt", "Codex not signed in");
        FIXTURES.put("codex-trust.txt", "Codex asks whether to trust this folder");
        FIXTURES.put("codex-approval.txt", "Codex approval prompt: asks to run a command");
        FIXTURES.put("codex-usage-limit.txt", "Codex hit its usage limit");
        FIXTURES.put("codex-idle.txt", null);
        FIXTURES.put("gemini-trust.txt", "Gemini CLI asks whether to trust this folder");
        FIXTURES.put("gemini-login.txt", "Gemini CLI not signed in");
        FIXTURES.put("gemini-permission.txt", "Gemini CLI permission prompt: asks to apply a change");
        FIXTURES.put("gemini-usage-limit.txt", "Gemini CLI hit its usage limit");
        FIXTURES.put("gemini-idle.txt", null);
        FIXTURES.put("opencode-permission.txt", "OpenCode permission prompt");
        FIXTURES.put("opencode-usage-limit.txt", "OpenCode hit its usage limit");
        FIXTURES.put("opencode-working.txt", null);
        FIXTURES.put("pi-login.txt", "pi no model or API key");
        FIXTURES.put("pi-idle.txt", null);
    }

    /**
     * Screens no fixture shows (a variant, or one the stand-ins cannot bring
     * up), each from the CLI's own strings: cli, text.
     */
    static final List<String[]> SNIPPETS = List.of(
            new String[] {"claude", "Select login method:\n ❯ 1. Claude account with subscription · Individual, Team, or Enterprise"},
            new String[] {"claude", " Do you trust the files in this folder?\n /home/me/project"},
            new String[] {"claude", " Edit file\n Do you want to make this edit to parser.ts?\n ❯ 1. Yes"},
            new String[] {"claude", " Bash command\n   rm -rf build\n Do you want to proceed?\n ❯ 1. Yes\n   2. No"},
            new String[] {"claude", " Fetch\n Do you want to allow Claude to fetch this content?\n ❯ 1. Yes"},
            new String[] {"claude", " Update installed · Press Enter to continue"},
            new String[] {"claude", "  ⎿  You’ve hit your weekly limit · resets Mon 9am"},
            new String[] {"codex", "  Would you like to make the following edits?\n  a.txt (+1 -0)"},
            new String[] {"codex", "  Would you like to grant these permissions?"},
            new String[] {"codex", "  Would you like to send input to the existing terminal?"},
            new String[] {"codex", "  Usage limit reached\n  Your included usage is exhausted. Choose an option below to continue."},
            new String[] {"codex", "  Update available! 0.171.0 -> 0.172.0\n  Press enter to continue"},
            new String[] {"gemini", "│ ? Shell rm -rf build\n│ Allow execution of: 'rm'?\n│ ● 1. Allow once"},
            new String[] {"gemini", "│ Allow Google to use this data to develop and improve our products and services?"},
            new String[] {"gemini", "│ We are currently experiencing high demand for gemini-2.5-pro.\n│ ● 1. Keep trying\n│   3. Stop"},
            new String[] {"pi", " Warning: No models available. Use /login to log into a provider via OAuth or API key."});

    static String fixture(String name) throws Exception {
        return Files.readString(SCREENS.resolve(name));
    }

    static String cliOfFixture(String name) {
        return name.substring(0, name.indexOf('-'));
    }

    @Test
    void eachFixtureNamesWhatItsScreenAsksAndWorkingScreensAreNotBlocked() throws Exception {
        try (var files = Files.list(SCREENS)) {
            Set<String> onDisk = new HashSet<>();
            files.filter(f -> f.toString().endsWith(".txt")).forEach(f -> onDisk.add(f.getFileName().toString()));
            assertEquals(onDisk, FIXTURES.keySet(), "every fixture has its expectation here");
        }
        for (var e : FIXTURES.entrySet()) {
            String text = fixture(e.getKey());
            String on = CliScreens.blockedOn(cliOfFixture(e.getKey()), text);
            if (e.getValue() == null) {
                for (Presets.Preset p : Presets.all()) assertNull(CliScreens.blockedOn(p.name(), text), e.getKey() + " is a working screen, not " + p.name() + "'s block");
            } else {
                assertNotNull(on, e.getKey() + " is blocked");
                assertTrue(on.startsWith(e.getValue()), e.getKey() + ": " + on);
            }
        }
    }

    @Test
    void everySignatureIsHitByAFixtureOrASnippetFromTheCliItself() throws Exception {
        List<String[]> samples = new ArrayList<>(SNIPPETS);
        for (var e : FIXTURES.entrySet()) if (e.getValue() != null) samples.add(new String[] {cliOfFixture(e.getKey()), fixture(e.getKey())});
        for (Presets.Preset p : Presets.all()) {
            for (CliScreens.Screen s : CliScreens.of(p.name())) {
                boolean hit = false;
                for (String[] sample : samples) {
                    if (!sample[0].equals(p.name())) continue;
                    String on = CliScreens.blockedOn(p.name(), sample[1]);
                    assertNotNull(on, p.name() + " snippet: " + sample[1]);
                    hit |= CliScreens.screenOn(p.name(), sample[1]) == s;
                }
                assertTrue(hit, p.name() + "'s screen '" + s.reason() + "' " + List.of(s.phrases()) + " has no fixture or snippet");
            }
        }
    }

    @Test
    void aPhraseANarrowPaneWrapsInsideABoxStillMatches() {
        String wrapped = "│ Do you trust the     │\n│ files in this folder? │\n│ ● 1. Trust folder     │";
        assertEquals("Gemini CLI asks whether to trust this folder", CliScreens.blockedOn("gemini", wrapped));
        assertNull(CliScreens.blockedOn("gemini", "│ Do you trust │\n│ me? │"));
        assertNull(CliScreens.blockedOn(null, wrapped), "a CLI looop has no screens for is never blocked");
        assertNull(CliScreens.blockedOn("mytool", wrapped));
    }

    @Test
    void theCliIsTheCommandsProgramNotTheRunnersName() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("claude --dangerously-skip-permissions \"$(cat '/p/prompt.md')\"", "claude");
        cases.put("IS_SANDBOX=1 CLAUDE_CONFIG_DIR=/x claude", "claude");
        cases.put("env -u HOME CLAUDE_CONFIG_DIR=/x /opt/clis/bin/claude --continue", "claude");
        cases.put("  /usr/local/bin/codex --dangerously-bypass-approvals-and-sandbox 'x'", "codex");
        cases.put("gemini --yolo -i x", "gemini");
        cases.put("opencode --auto --prompt x", "opencode");
        cases.put("PI_OFFLINE=1 pi x", "pi");
        cases.put("bash fake-claude.sh", null);
        cases.put("claudette x", null);
        cases.put("A=1", null);
        cases.put("", null);
        cases.put(null, null);
        for (var c : cases.entrySet()) assertEquals(c.getValue(), CliScreens.cliOf(c.getKey()), String.valueOf(c.getKey()));
    }

    @Test
    void blockedWinsOverStuckIdleAndBusyButNotOverAsking() {
        Duration stuckAfter = Duration.ofMinutes(15);
        assertEquals(Health.ASKING, Health.derive(true, "Claude Code asks", Duration.ofHours(1), stuckAfter));
        for (Duration still : new Duration[] {null, Duration.ZERO, Duration.ofMinutes(2), Duration.ofHours(1)}) {
            Health h = Health.derive(false, "Claude Code asks", still, stuckAfter);
            assertEquals("blocked", h.word());
            assertEquals("Claude Code asks", h.blockedOn());
            assertTrue(h.signalled(), "blocked enters the sys-sessions signal");
        }
        assertEquals(Health.STUCK, Health.derive(false, null, Duration.ofHours(1), stuckAfter));
        assertTrue(!Health.IDLE.signalled() && !Health.BUSY.signalled());
    }
}
