package looop.beat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import looop.Beats;
import looop.NoSessions;
import looop.TestProfile;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Log;
import looop.profile.UsageLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decider's runner hits its usage limit: the real CLIs' recorded output
 * (tests/fixtures/*-usage-limit.jsonl) printed by a runner script, through
 * real beats in the sandbox on the injected clock.
 */
class UsageLimitTest {
    @TempDir Path dir;

    static final String NOOP = "{\"action\":\"noop\",\"reason\":\"quiet\",\"journal\":\"nothing to do\"}";
    /** The reset the recorded fixtures carry (2030-03-17T17:46:40Z). */
    static final long RECORDED_RESET = 1900000000L;

    /**
     * A profile whose runner prints fixture (its recorded reset replaced by
     * reset) and exits 1 while .limit-runner/limited exists, else writes a noop.
     */
    static final class Limited {
        final TestProfile profile;
        final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        final Log log;
        final Path state;

        Limited(Path dir, String fixture, long reset) {
            profile = new TestProfile(dir);
            log = new Log(new PrintStream(logBytes, true, StandardCharsets.UTF_8), profile.clock, false, false);
            state = profile.dir.resolve(".limit-runner");
            Fs.mkdirs(state);
            String text = Fs.readOrNull(Path.of("tests/fixtures/" + fixture).toAbsolutePath())
                    .replace(Long.toString(RECORDED_RESET), Long.toString(reset));
            profile.write("runners/limited.jsonl", text);
            profile.write("runners/limited.sh", """
                    #!/usr/bin/env bash
                    cat > /dev/null
                    echo call >> .limit-runner/calls.log
                    if [ -e .limit-runner/limited ]; then cat runners/limited.jsonl; exit 1; fi
                    printf '%s' '""" + NOOP + """
                    ' > "$LOOOP_DECISION_FILE"
                    echo '{"type":"message_end","message":{"role":"assistant","usage":{"cost":{"total":0.002}}}}'
                    """);
            profile.write("looop.json", "{\"default\":\"lim\",\"runners\":{\"lim\":{\"tick\":\"bash runners/limited.sh\",\"sandbox_write\":["
                    + Json.quote(state.toString()) + "]}},\"notify\":[{\"type\":\"command\",\"command\":\"true\"}]}");
            profile.write("PLAYBOOK.md", "# test playbook\n");
            profile.write("goals/alpha.md", "alpha goal\n");
            limited(true);
        }

        void limited(boolean on) {
            if (on) profile.write(".limit-runner/limited", "");
            else Fs.delete(state.resolve("limited"));
        }

        Tick.Outcome beat() {
            return new Tick(profile.paths, profile.clock, NoSessions.none(), log).beat(false);
        }

        int calls() {
            String c = profile.read(".limit-runner/calls.log");
            return c == null ? 0 : (int) c.lines().count();
        }

        List<String> events() {
            String text = profile.read("events.jsonl");
            return text == null ? List.of() : text.lines().map(l -> Json.parseOrNull(l).get("event").asText()).toList();
        }

        long outboxed(String prefix) throws Exception {
            Path box = profile.paths.outbox();
            if (!Files.isDirectory(box)) return 0;
            try (var s = Files.list(box)) {
                return s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
            }
        }
    }

    @Test
    void aRateLimitEventStopsDecidesUntilTheResetAndWakesAtIt() throws Exception {
        TestProfile.MutableClock clock;
        long reset = Instant.parse("2026-11-23T13:00:00Z").getEpochSecond(); // the profile's clock starts at 12:00
        Limited l = new Limited(dir, "claude-usage-limit.jsonl", reset);
        clock = l.profile.clock;

        Tick.Outcome first = l.beat();
        assertEquals(Tick.Outcome.Result.SKIPPED, first.result(), first.message());
        assertEquals("limited", first.reason());
        assertTrue(first.message().contains("limited until 13:00 (lim)"), first.message());
        assertNull(l.profile.read(".tick-backoff"), "a limit is not a failure: nothing backs off");
        assertFalse(l.events().contains("tick_failed"), l.events().toString());
        assertEquals(1, l.events().stream().filter("usage_limited"::equals).count());
        assertEquals(1, l.calls(), "a limit is not retried as a passing failure");
        assertTrue(l.profile.read("journal.md").contains("limited until 13:00 (lim)"), l.profile.read("journal.md"));
        UsageLimit rec = UsageLimit.current(l.profile.paths, clock);
        assertNotNull(rec);
        assertEquals(Instant.ofEpochSecond(reset), rec.resetsAt());

        // the world changes while limited: no decide, no new event
        l.profile.write("goals/alpha.md", "alpha goal, edited\n");
        clock.advanceSeconds(600);
        Tick.Outcome held = l.beat();
        assertEquals("limited", held.reason());
        assertEquals(1, l.calls(), "no decide is attempted while limited");
        assertEquals(1, l.events().stream().filter("usage_limited"::equals).count(), "one event per episode");

        // one notification per episode, however many beats say limited
        try (HumanDuties human = new HumanDuties(l.profile.paths, clock, NoSessions.none(), l.log)) {
            human.afterBeat(first, null, looop.profile.Config.load(l.profile.paths));
            human.afterBeat(held, null, looop.profile.Config.load(l.profile.paths));
            assertEquals(1, l.outboxed("usage_limit-"));
            // the pulse wakes at the reset, as at a due schedule
            assertEquals(3000, human.restSeconds(3600));
            assertEquals(60, human.restSeconds(60));
        }

        // status says so
        Beats.Cli status = Beats.cli(l.profile, "", "status");
        assertTrue(status.out().contains("limited until 13:00 (lim)"), status.out());
        var web = new looop.web.Fleet(l.profile.paths, clock, NoSessions.none(), new looop.FakeHuman(NoSessions.none())).state();
        assertTrue(looop.web.Page.render(web).contains("limited until 13:00 (lim)"), "the web page's pulse line");
        Beats.Cli json = Beats.cli(l.profile, "", "status", "--json");
        assertEquals(Instant.ofEpochSecond(reset).toString(), Json.parseOrNull(json.out()).path("usage_limit").path("resets_at").asText(), json.out());

        // at the reset the next beat decides at once, though nothing changed since the last one
        l.limited(false);
        clock.set(Instant.ofEpochSecond(reset));
        Tick.Outcome after = l.beat();
        assertEquals(Tick.Outcome.Result.ACTED, after.result(), after.message());
        assertEquals(2, l.calls());
        assertNull(UsageLimit.read(l.profile.paths), "the episode ends with the decide");
        assertFalse(Beats.cli(l.profile, "", "status").out().contains("limited until"));
    }

    /**
     * A real pulse (its own JVM, the real clock, an idle interval of an hour):
     * the first beat meets a limit that resets 5 s later, the pulse rests
     * until then, not an hour, and its next beat decides at once.
     */
    @Test
    void aRealPulseSleepsUntilTheResetThenDecides() throws Exception {
        Limited l = new Limited(dir.resolve("profile"), "claude-usage-limit.jsonl", RECORDED_RESET); // the runner sets its own reset
        l.limited(false);
        l.profile.write("runners/limited.sh", """
                #!/usr/bin/env bash
                cat > /dev/null
                echo call >> .limit-runner/calls.log
                if [ "$(wc -l < .limit-runner/calls.log)" -eq 1 ]; then
                  sed "s/1900000000/$(( $(date +%s) + 5 ))/" runners/limited.jsonl; exit 1
                fi
                printf '%s' '""" + NOOP.replace("nothing to do", "decided after the reset") + """
                ' > "$LOOOP_DECISION_FILE"
                """);
        ProcessBuilder pb = new ProcessBuilder(looop.ChildJvm.looop("run"));
        pb.environment().put("LOOOP_DATA_DIR", l.profile.dir.toString());
        pb.environment().put("LOOOP_INTERVAL", "3600");
        pb.environment().remove("LOOOP_CONFIG");
        Path out = dir.resolve("pulse.out");
        pb.redirectOutput(out.toFile()).redirectErrorStream(true);
        Process pulse = pb.start();
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!Fs.readOr(l.profile.dir.resolve("journal.md"), "").contains("decided after the reset")) {
                if (!pulse.isAlive() || System.currentTimeMillis() > deadline) {
                    throw new AssertionError("no decide after the reset; pulse said:\n" + Fs.readOr(out, ""));
                }
                Thread.sleep(100);
            }
        } finally {
            pulse.destroy();
            pulse.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        String said = Fs.readOr(out, "");
        assertTrue(said.contains("limited until"), said);
        assertTrue(said.matches("(?s).*next beat in [1-6]s.*"), "the pulse rests until the reset, not its hour: " + said);
        assertEquals(2, l.calls());
        assertEquals(1, l.events().stream().filter("usage_limited"::equals).count());
        assertFalse(l.events().contains("tick_failed"), l.events().toString());
    }

    /**
     * The real Claude Code, signed in as a subscriber (CLAUDE_CODE_OAUTH_TOKEN;
     * with an API key it reports no rate_limit_event), against the stand-in
     * refusing with Anthropic's unified rate-limit headers: one beat in the
     * sandbox, as the pulse runs it, ends limited until the header's reset.
     */
    @Test
    void theRealClaudeCodeAtItsLimitParksTheLoop() throws Exception {
        looop.Needs.cli("claude");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path data = Files.createDirectories(dir.resolve("data"));
        TestProfile p = new TestProfile(data, java.util.Map.of("HOME", home.toString()));
        long reset = p.clock.instant().plusSeconds(5400).getEpochSecond();
        try (looop.ApiStandIn api = looop.ApiStandIn.limited(data, reset)) {
            String env = "HOME=" + home + " ANTHROPIC_BASE_URL=" + api.baseUrl() + " CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-standin"
                    + " ANTHROPIC_MODEL=claude-sonnet-4-5 IS_SANDBOX=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 ";
            String tick = looop.profile.Presets.named("claude").orElseThrow().def().tick();
            p.write("looop.json", "{\"default\":\"claude\",\"runners\":{\"claude\":{\"tick\":" + Json.quote(env + tick) + "}}}");
            p.write("goals/alpha.md", "alpha goal\n");
            looop.profile.Confinement box = looop.profile.Confinement.of(p.paths, looop.profile.Config.load(p.paths));
            org.junit.jupiter.api.Assumptions.assumeTrue(box.sandbox().active(), "needs bwrap: " + box.sandbox().describe());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Log log = new Log(new PrintStream(out, true, StandardCharsets.UTF_8), p.clock, false, false);
            Tick.Outcome o = new Tick(p.paths, p.clock, NoSessions.none(), log).beat(false);
            assertEquals("limited", o.reason(), o.message() + "\n" + out + "\nstand-in saw: " + api.requests().stream().map(looop.ApiStandIn.Request::path).toList());
            assertEquals(Instant.ofEpochSecond(reset), UsageLimit.current(p.paths, p.clock).resetsAt());
            assertTrue(o.message().contains("limited until 13:30 (claude)"), o.message());
            assertNull(p.read(".tick-backoff"));
        }
    }

    /** The real codex against the stand-in's usage_limit_reached: parked until the time it names (to the minute). */
    @Test
    void theRealCodexAtItsLimitParksTheLoop() throws Exception {
        looop.Needs.cli("codex");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path data = Files.createDirectories(dir.resolve("data"));
        TestProfile p = new TestProfile(data, java.util.Map.of("HOME", home.toString()));
        p.clock.set(Instant.now()); // codex words its reset against the real clock
        long reset = (Instant.now().getEpochSecond() / 60 + 90) * 60; // a whole minute: codex names minutes
        try (looop.ApiStandIn api = looop.ApiStandIn.limited(data, reset)) {
            Files.createDirectories(home.resolve(".codex"));
            Files.writeString(home.resolve(".codex/config.toml"), "model = \"gpt-5-codex\"\nmodel_provider = \"standin\"\n\n"
                    + "[model_providers.standin]\nname = \"API stand-in\"\nbase_url = \"" + api.baseUrl() + "/v1\"\n"
                    + "env_key = \"STANDIN_API_KEY\"\nwire_api = \"responses\"\n");
            String tick = looop.profile.Presets.named("codex").orElseThrow().def().tick();
            p.write("looop.json", "{\"default\":\"codex\",\"runners\":{\"codex\":{\"tick\":"
                    + Json.quote("HOME=" + home + " STANDIN_API_KEY=standin " + tick) + "}}}");
            p.write("goals/alpha.md", "alpha goal\n");
            looop.profile.Confinement box = looop.profile.Confinement.of(p.paths, looop.profile.Config.load(p.paths));
            org.junit.jupiter.api.Assumptions.assumeTrue(box.sandbox().active(), "needs bwrap: " + box.sandbox().describe());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Log log = new Log(new PrintStream(out, true, StandardCharsets.UTF_8), p.clock, false, false);
            Tick.Outcome o = new Tick(p.paths, p.clock, NoSessions.none(), log).beat(false);
            assertEquals("limited", o.reason(), o.message() + "\n" + out);
            assertEquals(Instant.ofEpochSecond(reset), UsageLimit.current(p.paths, p.clock).resetsAt());
        }
    }

    @Test
    void aLimitWithoutAResetBacksOffAsToday() {
        Limited l = new Limited(dir, "pi-usage-limit.jsonl", 0);
        Tick.Outcome o = l.beat();
        assertEquals(Tick.Outcome.Result.FAILED, o.result(), o.message());
        assertEquals(1, new looop.gate.Backoff(l.profile.paths.backoff(), l.profile.clock).read().fails());
        assertNull(UsageLimit.read(l.profile.paths));
        assertEquals("backoff", l.beat().reason());
    }

    @Test
    void aResetInThePastIsNoLimit() {
        Limited l = new Limited(dir, "claude-usage-limit.jsonl", Instant.parse("2026-11-23T11:00:00Z").getEpochSecond());
        Tick.Outcome o = l.beat();
        assertEquals(Tick.Outcome.Result.FAILED, o.result(), o.message());
        assertNull(UsageLimit.read(l.profile.paths));
        assertNotNull(l.profile.read(".tick-backoff"));
    }

    @Test
    void aResetFarAwayIsCappedAtADayAndSaysSo() {
        Limited l = new Limited(dir, "claude-usage-limit.jsonl", RECORDED_RESET); // 2030: years away
        Tick.Outcome o = l.beat();
        assertEquals("limited", o.reason(), o.message());
        UsageLimit rec = UsageLimit.current(l.profile.paths, l.profile.clock);
        assertEquals(l.profile.clock.instant().plus(UsageLimit.CAP), rec.resetsAt());
        assertTrue(rec.capped());
        assertTrue(o.message().contains("capped at 24 h"), o.message());
        try (HumanDuties human = new HumanDuties(l.profile.paths, l.profile.clock, NoSessions.none(), l.log)) {
            assertEquals(3600, human.restSeconds(3600));
        }
        l.profile.clock.advanceSeconds(UsageLimit.CAP.toSeconds());
        l.limited(false);
        assertEquals(Tick.Outcome.Result.ACTED, l.beat().result(), "a day later the loop decides again");
    }

    @Test
    void codexsUsageLimitErrorParksTheLoopUntilItsTime() {
        Limited l = new Limited(dir, "codex-usage-limit.jsonl", 0);
        // codex names its local time, a date and a time of day: the test clock's day at 17:46 (the JVM's zone)
        Path f = l.profile.dir.resolve("runners/limited.jsonl");
        java.time.ZonedDateTime local = l.profile.clock.instant().atZone(java.time.ZoneId.systemDefault()).plusHours(2);
        String when = local.format(java.time.format.DateTimeFormatter.ofPattern("MMM d'th', yyyy h:mm a", java.util.Locale.ENGLISH));
        Fs.writeAtomic(f, Fs.readOr(f, "").replace("Mar 17th, 2030 5:46 PM", when));
        Tick.Outcome o = l.beat();
        assertEquals("limited", o.reason(), o.message());
        assertEquals(local.withSecond(0).withNano(0).toInstant(), UsageLimit.current(l.profile.paths, l.profile.clock).resetsAt());
    }
}
