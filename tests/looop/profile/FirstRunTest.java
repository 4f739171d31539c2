package looop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import looop.Beats;
import looop.ChildJvm;
import looop.Needs;
import looop.TestProfile;
import looop.gate.Backoff;
import looop.io.Json;
import looop.io.Proc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new user's first minutes: `looop init`, a first tick with no runner, the demo's hints, status. */
class FirstRunTest {
    @TempDir Path dir;

    /** A PATH holding only fake CLIs of these names (each prints nothing and exits 0). */
    private String pathWith(String... clis) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin-" + String.join("-", clis)));
        for (String cli : clis) {
            Path p = bin.resolve(cli);
            Files.writeString(p, "#!/bin/sh\nexit 0\n");
            p.toFile().setExecutable(true);
        }
        return bin.toString();
    }

    private TestProfile profile(String path) {
        return new TestProfile(dir.resolve("data"), Map.of("PATH", path));
    }

    /** Runs a command that must fail: exit code, one line on stderr containing want, no file changed. */
    private static Beats.Cli refused(TestProfile p, int code, String want, String... args) throws Exception {
        Map<String, String> before = Beats.tree(p.dir.getParent());
        Beats.Cli r = Beats.cli(p, "", args);
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(want), r.err());
        assertEquals(before, Beats.tree(p.dir.getParent()), "a refused init changed files");
        return r;
    }

    // -- looop init, by flags ------------------------------------------------------------

    @Test
    void initWritesThePresetAndSeeds() throws Exception {
        TestProfile p = profile(pathWith("pi"));
        Beats.Cli r = Beats.cli(p, "", "init", "--runner", "pi");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(runner pi) and seeded " + p.dir), r.out());
        JsonNode json = Json.parse(p.read("looop.json"));
        assertEquals("pi", json.get("default").asText());
        Config.RunnerDef pi = Presets.named("pi").orElseThrow().def();
        assertEquals(pi.tick(), json.at("/runners/pi/tick").asText());
        assertEquals(pi.interactive(), json.at("/runners/pi/interactive").asText());
        assertTrue(Files.isRegularFile(p.dir.resolve("PLAYBOOK.md")), "seeded");
        Config c = Config.load(p.paths);
        assertEquals("pi", c.defaultRunner());
        assertEquals("message_end", c.defaultRunnerDef().cost().type(), "the preset's cost spec stands");
    }

    /** init's last line names a command that works here: looop when on PATH, else the wrapper that ran it, else JBang's alias. */
    @Test
    void initEndsWithACommandThatWorksHere() throws Exception {
        Beats.Cli plain = Beats.cli(profile(pathWith("pi")), "", "init", "--runner", "pi");
        assertTrue(plain.out().endsWith("next: jbang looop tick   (one beat now), then jbang looop run   (the loop)\n"), plain.out());
        Path cwd = Path.of("").toAbsolutePath();
        TestProfile here = new TestProfile(dir.resolve("here"), Map.of("PATH", pathWith("pi"), "LOOOP_WRAPPER", cwd.resolve("jbang").toString()));
        assertTrue(Beats.cli(here, "", "init", "--runner", "pi").out().contains("next: ./jbang looop tick "));
        TestProfile elsewhere = new TestProfile(dir.resolve("elsewhere"), Map.of("PATH", pathWith("pi"), "LOOOP_WRAPPER", "/opt/looop/jbang"));
        assertTrue(Beats.cli(elsewhere, "", "init", "--runner", "pi").out().contains("next: '/opt/looop/jbang' looop tick "));
        TestProfile installed = new TestProfile(dir.resolve("installed"), Map.of("PATH", pathWith("pi", "looop"), "LOOOP_WRAPPER", "/opt/looop/jbang"));
        assertTrue(Beats.cli(installed, "", "init", "--runner", "pi").out().contains("next: looop tick "));
    }

    @Test
    void aTokenOnlyCliGetsItsPricesToFillIn() throws Exception {
        TestProfile p = profile(pathWith("codex"));
        Beats.Cli r = Beats.cli(p, "", "init", "--runner", "codex");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("codex reports tokens, not dollars: set runners.codex.cost.usd_per_mtok"), r.out());
        JsonNode cost = Json.parse(p.read("looop.json")).at("/runners/codex/cost");
        assertEquals("turn.completed", cost.get("type").asText());
        assertEquals("/usage/input_tokens", cost.at("/tokens/input").asText());
        assertTrue(cost.at("/usd_per_mtok/input").isNull());
        assertNull(Config.load(p.paths).defaultRunnerDef().cost(), "unpriced: meters nothing yet");
        String priced = p.read("looop.json").replace("\"input\" : null", "\"input\" : 3").replace("\"output\" : null", "\"output\" : 15");
        p.write("looop.json", priced);
        assertEquals("turn.completed", Config.load(p.paths).defaultRunnerDef().cost().type(), "priced once the user fills the prices");
    }

    @Test
    void initRefusesAnExistingConfigUnlessForcedAndForceKeepsTheRest() throws Exception {
        TestProfile p = profile(pathWith("pi", "gemini"));
        p.write("looop.json", "{\"default\":\"claude\",\"interval\":7,\"max_daily_usd\":2}\n");
        refused(p, 1, "looop.json already exists; edit it, or run `looop init --force` to set its runner", "init", "--runner", "pi");
        Beats.Cli r = Beats.cli(p, "", "init", "--runner", "gemini", "--force");
        assertEquals(0, r.code(), r.err());
        JsonNode json = Json.parse(p.read("looop.json"));
        assertEquals("gemini", json.get("default").asText());
        assertEquals(7, json.get("interval").asInt(), "the person's settings are kept");
        assertEquals(2, json.get("max_daily_usd").asInt());
        assertEquals(Presets.named("gemini").orElseThrow().def().tick(), json.at("/runners/gemini/tick").asText());
    }

    @Test
    void aMissingCliIsNamedWithWhatToInstall() throws Exception {
        TestProfile p = profile(pathWith("pi"));
        refused(p, 1, "looop: codex is not on PATH; install it with: npm install -g @openai/codex, then run `looop init --runner codex` again",
                "init", "--runner", "codex");
        refused(p, 2, "unknown runner 'nope'; pick one of: claude, codex, opencode, pi, gemini, openai, offline", "init", "--runner", "nope");
        refused(p, 2, "looop init asks on a terminal; here, name the runner: looop init --runner NAME", "init");
    }

    @Test
    void theOpenAiServerChoiceRunsTheBundledHttpRunner() throws Exception {
        TestProfile p = profile(pathWith("pi"));
        Beats.Cli r = Beats.cli(p, "", "init", "--runner", "openai", "--model", "qwen3", "--base-url", "http://127.0.0.1:9/v1");
        assertEquals(0, r.code(), r.err());
        String tick = Json.parse(p.read("looop.json")).at("/runners/openai/tick").asText();
        assertTrue(tick.startsWith("LOOOP_OPENAI_BASE_URL='http://127.0.0.1:9/v1' LOOOP_OPENAI_MODEL='qwen3' "), tick);
        assertTrue(tick.endsWith(" \"$LOOOP_BIN\" _ openai"), "no JVM path or jar that the next update moves: " + tick);
        assertFalse(tick.contains(System.getProperty("java.home")) || tick.contains(".jar"), tick);
        assertTrue(Files.isRegularFile(p.dir.resolve("runners/OpenAiHttp.java")));
        assertEquals("/cost_usd", Config.load(p.paths).defaultRunnerDef().cost().pointer());
        // the command really starts the runner: nothing listens on port 9, and it says so
        TestProfile full = new TestProfile(p.dir);
        Beats.Cli beat = Beats.cli(full, "", "tick");
        assertEquals(1, beat.code(), beat.out() + beat.err());
        assertTrue(full.read("tick.log").contains("cannot reach http://127.0.0.1:9/v1"), full.read("tick.log"));
    }

    // -- a first tick with no runner --------------------------------------------------

    @Test
    void aFirstTickWithNoRunnerSeedsAndPointsToInit() throws Exception {
        TestProfile p = profile(pathWith("codex"));
        Beats.Cli r = Beats.cli(p, "", "tick");
        assertEquals(1, r.code());
        assertEquals("looop: seeded " + p.dir + ", but no runner can decide yet (`claude` is not on PATH); pick one with `looop init`"
                + " (found on PATH: codex)\n", r.err());
        for (String f : List.of("looop.json", "PLAYBOOK.md", "goals/setup.md", "sensors/today.sh")) {
            assertTrue(Files.isRegularFile(p.dir.resolve(f)), f);
        }
        // the seeded looop.json is the stock one, nobody's choice: init replaces it without --force
        Beats.Cli init = Beats.cli(p, "", "init", "--runner", "offline");
        assertEquals(0, init.code(), init.err());
        TestProfile full = new TestProfile(p.dir);
        for (int i = 0; i < 2; i++) {
            Beats.Cli tick = Beats.cli(full, "", "tick", "--force");
            assertEquals(0, tick.code(), "beat " + i + ": " + tick.err() + tick.out());
        }
        long decided = Files.readString(full.dir.resolve("events.jsonl")).lines().filter(l -> l.contains("\"event\":\"decided\"")).count();
        assertEquals(2, decided, "the offline runner decided both beats (its last entry repeats)");
    }

    @Test
    void aTickWithAConfigOfTheirOwnStillChangesNothing() throws Exception {
        TestProfile p = profile(pathWith("pi"));
        p.write("looop.json", "{\"default\":\"claude\"}\n");
        refused(p, 1, "runner 'claude' needs `claude`, which is not on PATH", "tick");
        assertFalse(Files.exists(p.dir.resolve("PLAYBOOK.md")));
    }

    // -- the demo's hints, followed ----------------------------------------------------

    @Test
    void everyHintTheDemoPrintsWorks() throws Exception {
        Path demo = dir.resolve("demo");
        String out = run(dir, Map.of(), ChildJvm.looop("demo", "--dir", demo.toString()));
        List<String> hints = new ArrayList<>();
        boolean after = false;
        for (String line : out.split("\n")) {
            if (line.equals("Try next:")) after = true;
            else if (after && line.startsWith("  ")) hints.add(line.strip());
        }
        assertEquals(3, hints.size(), out);
        // `./jbang looop …` as typed in a checkout: a jbang here that runs this looop
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Path jbang = checkout.resolve("jbang");
        Files.writeString(jbang, "#!/bin/sh\n[ \"$1\" = looop ] || exit 64\nshift\nexec " + String.join(" ",
                ChildJvm.looop().stream().map(Proc::shellQuote).toList()) + " \"$@\"\n");
        jbang.toFile().setExecutable(true);
        StringBuilder script = new StringBuilder("set -e\n");
        for (String hint : hints) script.append("echo '>>> ").append(hint.replace("'", "")).append("'\n").append(hint).append('\n');
        // and a beat more than the hints ask for: the offline script must not run dry
        script.append("echo '>>> again'\n./jbang looop tick --force\n");
        String followed = run(checkout, Map.of(), List.of("bash", "-c", script.toString()));
        assertTrue(followed.contains("pulse:"), "status ran: " + followed);
        String journal = Files.readString(demo.resolve("journal.md"));
        assertEquals(4, journal.lines().filter(l -> l.startsWith("- ")).count(), journal); // run_shell, its follow-up, the hint's beat, the extra one
        assertTrue(journal.contains("told the human the inbox changed"), journal);
        assertFalse(followed.contains("✗"), followed);
    }

    /** Runs argv in cwd; asserts exit 0; returns stdout and stderr merged. */
    private static String run(Path cwd, Map<String, String> env, List<String> argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().remove("LOOOP_DATA_DIR");
        pb.environment().remove("LOOOP_CONFIG");
        pb.environment().put("LOOOP_CDS", "0");
        pb.environment().putAll(env);
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue(), String.join(" ", argv) + ":\n" + out);
        return out;
    }

    // -- status: the running pulse's cadence, the backoff ------------------------------------

    @Test
    void statusShowsTheEnvCadenceAndTheBackoff() throws Exception {
        Beats b = new Beats(dir.resolve("data"), Map.of("LOOOP_INTERVAL", "7"), "--shape pi --cost 0.002", "{\"action\":\"noop\"}");
        JsonNode s = Json.parse(b.cli("", "status", "--json").out());
        assertEquals(7, s.get("interval").asInt());
        assertEquals("LOOOP_INTERVAL=7", s.at("/env_overrides/0").asText());
        assertTrue(s.get("backoff").isNull());
        new Backoff(b.profile.paths.backoff(), b.profile.clock).recordFailure("abcdef0123456789");
        new Backoff(b.profile.paths.backoff(), b.profile.clock).recordFailure("abcdef0123456789");
        String text = b.cli("", "status").out();
        assertTrue(text.contains("cadence:    idle 7s · busy 15s · active 30s (env LOOOP_INTERVAL=7)"), text);
        assertTrue(text.contains("backoff:    2 failed beats at world abcdef01; next try in 2m (a changed world retries at once; `looop tick --now` retries now)"), text);
    }

    @Test
    void statusShowsTheCadenceTheRunningPulseUses() throws Exception {
        Beats b = new Beats(dir.resolve("data"), "{\"action\":\"noop\"}");
        b.profile.write("runners/script.jsonl", "{\"action\":\"noop\"}\n");
        b.config("{\"default\":\"offline\",\"interval\":600,\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl --repeat-last\"" + b.offlineGrant() + "}}}");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop("run")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pulse.log").toFile());
        pb.environment().put("LOOOP_DATA_DIR", b.profile.dir.toString());
        pb.environment().put("LOOOP_INTERVAL", "3000");
        pb.environment().put("LOOOP_CDS", "0");
        pb.environment().remove("LOOOP_CONFIG");
        Process pulse = pb.start();
        try {
            Path state = b.profile.paths.pulseState();
            for (int i = 0; i < 1200 && !Files.exists(state); i++) Thread.sleep(100);
            assertTrue(Files.exists(state), Files.readString(dir.resolve("pulse.log")));
            JsonNode s = Json.parse(b.cli("", "status", "--json").out()); // this shell has no LOOOP_INTERVAL
            assertEquals("pulse", s.get("cadence_source").asText());
            assertEquals(3000, s.get("interval").asInt());
            assertEquals("LOOOP_INTERVAL=3000", s.at("/env_overrides/0").asText());
            assertTrue(b.cli("", "status").out().contains("idle 50m · busy 15s · active 30s (env LOOOP_INTERVAL=3000) · as the running pulse uses it"));
        } finally {
            pulse.destroy();
            if (!pulse.waitFor(60, TimeUnit.SECONDS)) pulse.destroyForcibly();
        }
        assertEquals(600, Json.parse(b.cli("", "status", "--json").out()).get("interval").asInt(), "no pulse: this shell's own");
    }

    // -- looop init on a terminal ------------------------------------------------------

    @Test
    void initAsksOnATerminal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs /usr/bin/script (apt-get install bsdutils)");
        Path data = dir.resolve("data");
        String path = pathWith("pi", "gemini"); // only these: the real CLIs in /usr/bin must not be offered
        Map<String, String> env = new HashMap<>();
        env.put("LOOOP_DATA_DIR", data.toString());
        env.put("PATH", path);
        // a pseudo-terminal: System.console() is there, answers typed as a person would
        String command = String.join(" ", ChildJvm.looop("init").stream().map(Proc::shellQuote).toList());
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qec", command, "/dev/null").redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().remove("LOOOP_CONFIG");
        Process proc = pb.start();
        StringBuilder seen = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                byte[] buf = new byte[4096];
                for (int n; (n = proc.getInputStream().read(buf)) > 0; ) {
                    synchronized (seen) {
                        seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // the pty closed
            }
        });
        reader.start();
        waitFor(seen, "Runner [1]: ");
        String menu;
        synchronized (seen) {
            menu = seen.toString();
        }
        // what is on PATH is offered; what is not is named, so the person knows what to install
        assertFalse(menu.contains(") claude"), menu);
        int gemini = menu.indexOf(") gemini");
        assertTrue(gemini > 0 && menu.contains(") pi") && menu.contains(") openai") && menu.contains(") offline"), menu);
        assertTrue(menu.contains("not found on PATH: claude, codex, opencode"), menu);
        String number = menu.substring(gemini - 1, gemini);
        // a typo asks again rather than ending init
        proc.getOutputStream().write("gemnii\n".getBytes(StandardCharsets.UTF_8));
        proc.getOutputStream().flush();
        waitFor(seen, "no runner 'gemnii' on offer; type a number from 1 to ");
        for (int i = 0; ; i++) {
            synchronized (seen) {
                if (seen.substring(seen.indexOf("no runner 'gemnii'")).contains("Runner [1]: ")) break;
                if (i > 1200) throw new AssertionError("not asked again: " + seen);
            }
            Thread.sleep(100);
        }
        proc.getOutputStream().write((number + "\n").getBytes(StandardCharsets.UTF_8));
        proc.getOutputStream().flush();
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), seen.toString());
        reader.join(10_000);
        assertEquals(0, proc.exitValue(), seen.toString());
        assertEquals("gemini", Json.parse(Files.readString(data.resolve("looop.json"))).get("default").asText(), seen.toString());
        assertTrue(Files.isRegularFile(data.resolve("PLAYBOOK.md")));
    }

    private static void waitFor(StringBuilder seen, String text) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            synchronized (seen) {
                if (seen.indexOf(text) >= 0) return;
            }
            Thread.sleep(100);
        }
        synchronized (seen) {
            throw new AssertionError("never saw '" + text + "' in:\n" + seen);
        }
    }

    @Test
    void theOfflineRunnerInitWritesDecidesUnderTheSandboxToo() {
        Needs.command("bwrap", "apt-get install bubblewrap");
        TestProfile p = new TestProfile(dir.resolve("sandboxed"), Map.of("LOOOP_SANDBOX", "auto"));
        assertEquals(0, Beats.cli(p, "", "init", "--runner", "offline").code());
        Beats.Cli tick = Beats.cli(p, "", "tick");
        assertEquals(0, tick.code(), tick.out() + tick.err());
        assertTrue(tick.out().contains("✓ noop"), tick.out());
    }
}
