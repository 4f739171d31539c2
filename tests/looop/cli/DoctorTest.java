package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import looop.Beats;
import looop.TestProfile;
import looop.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `looop doctor` as a person runs it, on a PATH the test controls: which tools exist is decided here. */
class DoctorTest {
    @TempDir Path dir;

    /** A bin dir holding exactly the named tools (tiny scripts; the doctor only looks them up). */
    Path bin(String... tools) {
        Path bin = dir.resolve("bin");
        for (String t : tools) {
            Path p = new TestProfile(dir).write("bin/" + t, "#!/bin/sh\nexit 0\n");
            assertTrue(p.toFile().setExecutable(true));
        }
        return bin;
    }

    TestProfile profile(Path data, Path bin, String config) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toString());
        TestProfile p = new TestProfile(data, env);
        if (config != null) p.write("looop.json", config);
        return p;
    }

    static final String MINE = "{\"default\":\"mine\",\"runners\":{\"mine\":{\"tick\":\"decider --json\"}}}";

    static List<String> lines(Beats.Cli r) {
        return r.out().lines().toList();
    }

    static String line(Beats.Cli r, String start) {
        return lines(r).stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + start + "' in:\n" + r.out()));
    }

    @Test
    void allRequiredChecksPassExitsZeroAndWritesNothing() throws Exception {
        Path data = dir.resolve("data");
        TestProfile p = profile(data, bin("decider", "tmux", "jbang"), MINE);
        Map<String, String> before = Beats.tree(dir);
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(line(r, "ok    java ").contains(Runtime.version().toString()), r.out());
        assertTrue(line(r, "ok    jbang ").endsWith(dir.resolve("bin/jbang").toString()), r.out());
        assertTrue(line(r, "ok    tmux ").endsWith(dir.resolve("bin/tmux").toString()), r.out());
        assertTrue(line(r, "ok    data dir ").endsWith(data + " is writable"), r.out());
        assertTrue(line(r, "ok    config ").contains(data.resolve("looop.json") + ": default runner mine"), r.out());
        assertTrue(line(r, "ok    runner mine (default) ").endsWith("`decider` → " + dir.resolve("bin/decider")), r.out());
        // the built-ins are missing here, but they are not the default: information only
        assertTrue(line(r, "info  runner claude ").contains("`claude` is not on PATH"), r.out());
        assertEquals("all checks passed", lines(r).get(lines(r).size() - 1));
        assertEquals("", r.err());
        assertEquals(before, Beats.tree(dir), "the doctor changed a file");
    }

    @Test
    void aMissingRunnerBinaryFailsWithItsFix() {
        TestProfile p = profile(dir.resolve("data"), bin("tmux"), MINE);
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(1, r.code(), r.out());
        List<String> out = lines(r);
        int at = out.indexOf(line(r, "FAIL  runner mine (default) "));
        assertTrue(out.get(at).endsWith("`decider` is not on PATH"), out.get(at));
        assertEquals("fix: install it or fix the runner's \"tick\" command in looop.json", out.get(at + 1).strip());
        assertEquals("1 check(s) failed: runner mine (default)", out.get(out.size() - 1));
    }

    @Test
    void aMissingClaudeSaysHowToInstallIt() {
        TestProfile p = profile(dir.resolve("data"), bin("tmux"), null);
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(1, r.code());
        List<String> out = lines(r);
        int at = out.indexOf(line(r, "FAIL  runner claude (default) "));
        assertEquals("fix: install it with: npm install -g @anthropic-ai/claude-code", out.get(at + 1).strip());
        assertTrue(line(r, "ok    config ").contains("(absent: built-in defaults)"), r.out());
        assertTrue(line(r, "ok    data dir ").contains("does not exist yet"), r.out());
        assertFalse(Files.exists(dir.resolve("data")), "the doctor created the data dir");
    }

    @Test
    void missingTmuxAndJbangOnPath() {
        TestProfile p = profile(dir.resolve("data"), bin("decider"), MINE);
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(1, r.code());
        List<String> out = lines(r);
        int at = out.indexOf(line(r, "FAIL  tmux "));
        assertTrue(out.get(at + 1).strip().startsWith("fix: install tmux"), out.get(at + 1));
        // looop is running, so jbang is not needed for that: never a failure
        assertTrue(line(r, "ok    jbang ").contains("not on PATH (looop runs without it"), r.out());
    }

    /** A typo in a key is ignored, but never in silence: the doctor and every beat name the close known key. */
    @Test
    void anUnknownConfigKeyIsAWarningNamingTheCloseOne() {
        String typos = "{\"default\":\"mine\",\"intervall\":30,\"_comment\":\"mine\",\"runners\":{\"mine\":{\"tick\":\"decider --json\",\"interactiv\":\"x\"}},"
                + "\"run_shell\":{\"timeout\":5},\"runner_retry\":{\"attempt\":1}}";
        TestProfile p = profile(dir.resolve("data"), bin("decider", "tmux", "jbang"), typos);
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(0, r.code(), "a warning, not an error: " + r.out());
        String warning = line(r, "info  config keys ");
        for (String want : List.of("unknown key \"intervall\" is ignored; did you mean \"interval\"?",
                "\"runners.mine.interactiv\" is ignored; did you mean \"runners.mine.interactive\"?",
                "did you mean \"run_shell.timeout_s\"?", "did you mean \"runner_retry.attempts\"?")) {
            assertTrue(warning.contains(want), want + " in " + warning);
        }
        assertFalse(warning.contains("_comment"), warning);
        Beats.Cli sensed = Beats.cli(p, "", "sense");
        assertEquals(0, sensed.code(), sensed.err());
        assertTrue(sensed.err().contains("unknown key \"intervall\" is ignored; did you mean \"interval\"?"), "the beat says it too: " + sensed.err());
    }

    @Test
    void aBrokenConfigFailsAndNamesTheFile() {
        TestProfile p = profile(dir.resolve("data"), bin("tmux"), "{\"default\": oops}");
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(1, r.code());
        List<String> out = lines(r);
        int at = out.indexOf(line(r, "FAIL  config "));
        assertTrue(out.get(at).contains("looop.json: not valid JSON"), out.get(at));
        assertEquals("fix: edit " + dir.resolve("data/looop.json") + ", or move it away to get the built-in defaults", out.get(at + 1).strip());
    }

    @Test
    void aDataDirThatIsAFileFails() throws Exception {
        Files.writeString(dir.resolve("data"), "not a dir");
        TestProfile p = profile(dir.resolve("data"), bin("tmux"), null);
        Beats.Cli r = Beats.cli(p, "", "doctor");
        assertEquals(1, r.code(), r.err());
        assertTrue(line(r, "FAIL  data dir ").endsWith(dir.resolve("data") + " is a file, not a directory"), r.out());
        assertTrue(line(r, "FAIL  config ").contains(dir.resolve("data/looop.json") + ": the data dir is a file"), r.out());
        assertFalse(r.out().contains("Exception"), "said in words, not as an exception: " + r.out());
    }

    @Test
    void jsonListsEveryCheckWithAFixForEachFailure() {
        TestProfile p = profile(dir.resolve("data"), bin("tmux", "jbang"), MINE);
        Beats.Cli r = Beats.cli(p, "", "doctor", "--json");
        assertEquals(1, r.code());
        JsonNode root = Json.parseOrNull(r.out());
        assertFalse(root.path("ok").asBoolean(true));
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode c : root.path("checks")) {
            names.add(c.path("name").asText());
            assertTrue(c.path("detail").isTextual(), c.toString());
            if (c.path("ok").asBoolean()) assertTrue(c.path("fix").isNull(), c.toString());
            else assertTrue(c.path("fix").isTextual(), "a failed check without a fix: " + c);
        }
        assertEquals(List.of("java", "jbang", "tmux", "data dir", "sensors", "config", "sandbox", "notify", "runner mine (default)", "runner claude", "runner codex",
                "runner opencode", "runner pi", "runner gemini"), names);
        JsonNode mine = root.path("checks").get(8);
        assertFalse(mine.path("ok").asBoolean());
        assertTrue(mine.path("required").asBoolean());
        assertFalse(root.path("checks").get(9).path("required").asBoolean());

        bin("decider");
        Beats.Cli fixed = Beats.cli(p, "", "doctor", "--json");
        assertEquals(0, fixed.code(), fixed.out());
        assertTrue(Json.parseOrNull(fixed.out()).path("ok").asBoolean());
    }
}
