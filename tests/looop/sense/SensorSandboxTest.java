package looop.sense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import looop.Beats;
import looop.NoSessions;
import looop.TestProfile;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Confinement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sensors in the sandbox (issue 24): read grants that show a /tmp dir and
 * nothing else of /tmp, refusals of grants that would show what the sandbox
 * hides, and one sandbox per beat for the sensors that share a grant.
 * Skipped where bubblewrap cannot run (the checks are about the sandbox).
 */
class SensorSandboxTest {
    @TempDir
    Path tmp;

    /** Dirs and sockets made in the host's /tmp (the one the grants are about), removed after each test. */
    private Path inbox;
    private Path socket;
    private ServerSocketChannel server;

    @BeforeEach
    void hostTmp() throws Exception {
        inbox = Files.createTempDirectory(Path.of("/tmp"), "looop-inbox-");
        Files.writeString(inbox.resolve("a.txt"), "a");
        Files.writeString(inbox.resolve("b.txt"), "b");
        socket = inbox.resolveSibling(inbox.getFileName() + ".sock");
        server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
    }

    @AfterEach
    void cleanUp() throws Exception {
        server.close();
        Files.deleteIfExists(socket);
        Fs.deleteTree(inbox);
    }

    private TestProfile profile(Map<String, String> env) {
        TestProfile p = new TestProfile(tmp.resolve("data"), env);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Confinement.of(p.paths, Config.load(p.paths)).sandbox().active(), "bubblewrap does not run here");
        return p;
    }

    private static JsonNode reading(List<Sensors.Reading> readings, String name) throws Exception {
        for (Sensors.Reading r : readings) if (r.file().equals("sensor-" + name + ".json")) return Json.parse(r.text());
        throw new AssertionError("no reading of " + name + " in " + readings);
    }

    private static List<Sensors.Reading> sense(TestProfile p) {
        return new Sensors(p.paths, NoSessions.none(), p.clock, looop.profile.Config.load(p.paths)).senseAll();
    }

    /** A sensor that reports what it sees of the inbox, of the socket beside it and of /tmp, and whether it could write. */
    private String looker() {
        String dir = inbox.toString(), sock = socket.toString();
        return "n=$(ls '" + dir + "' 2>/dev/null | wc -l)\n"
                + "if touch '" + dir + "/planted' 2>/dev/null; then w=written; else w=refused; fi\n"
                + "if [ -e '" + sock + "' ]; then s=present; else s=absent; fi\n"
                + "t=$(ls -A /tmp | tr '\\n' ' ')\n"
                + "echo \"{\\\"n\\\":$n,\\\"write\\\":\\\"$w\\\",\\\"socket\\\":\\\"$s\\\",\\\"tmp\\\":\\\"$t\\\"}\"";
    }

    @Test
    void aReadHeaderShowsATmpDirReadOnlyAndNoOtherTmpEntry() throws Exception {
        TestProfile p = profile(Map.of());
        p.sensor("inbox", "# looop:read=" + inbox + "\n" + looker());
        p.sensor("blind", looker());
        List<Sensors.Reading> readings = sense(p);
        JsonNode granted = reading(readings, "inbox");
        assertEquals(2, granted.get("n").asInt(), granted.toString());
        assertEquals("refused", granted.get("write").asText(), granted.toString());
        assertEquals("absent", granted.get("socket").asText(), "a socket beside the granted dir is not shown: " + granted);
        String shown = " " + granted.get("tmp").asText();
        assertTrue(shown.contains(" " + inbox.getFileName() + " "), granted.toString());
        assertFalse(shown.contains(socket.getFileName().toString()), "no other /tmp entry shows: " + granted);
        assertFalse(Files.exists(inbox.resolve("planted")));
        JsonNode blind = reading(readings, "blind");
        assertEquals(0, blind.get("n").asInt(), "a sensor without the header does not get another's grant: " + blind);
        assertEquals("absent", blind.get("socket").asText(), blind.toString());
    }

    @Test
    void sandboxReadShowsTheDirToEveryCommand() throws Exception {
        TestProfile p = profile(Map.of());
        p.write("looop.json", "{\"sandbox\":{\"read\":[" + Json.quote(inbox.toString()) + "]}}");
        p.sensor("inbox", looker());
        JsonNode v = reading(sense(p), "inbox");
        assertEquals(2, v.get("n").asInt(), v.toString());
        assertEquals("refused", v.get("write").asText(), v.toString());
        assertEquals("absent", v.get("socket").asText(), v.toString());
    }

    @Test
    void aReadGrantOfAHiddenPathIsRefusedInOneLine() throws Exception {
        TestProfile p = profile(Map.of());
        Path ssh = Files.createDirectories(p.dir.resolve("home/.ssh"));
        Files.writeString(ssh.resolve("id_ed25519"), "secret");
        p.sensor("inbox", "echo '{}'");
        Path link = inbox.resolve("keys");
        Files.createSymbolicLink(link, ssh);
        Path priv = looop.profile.Secrets.hiddenDir(p.paths);
        for (Path bad : List.of(ssh, link, priv, Path.of("/tmp"), Path.of("/"), Path.of("/proc/1/root"))) {
            p.write("looop.json", "{\"sandbox\":{\"read\":[" + Json.quote(bad.toString()) + "]}}");
            UserError e = assertThrows(UserError.class, () -> sense(p), bad.toString());
            assertTrue(e.getMessage().startsWith("sandbox.read in "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        }
    }

    @Test
    void aSensorHeaderGrantingAHiddenPathIsNotRunAndSaysWhy() throws Exception {
        TestProfile p = profile(Map.of());
        Path ssh = Files.createDirectories(p.dir.resolve("home/.ssh"));
        Path link = inbox.resolve("keys");
        Files.createSymbolicLink(link, ssh);
        p.sensor("peek", "# looop:read=" + link + "\necho '{\"saw\":1}'");
        p.sensor("tmp", "# looop:read=/tmp\necho '{\"saw\":1}'");
        p.sensor("relative", "# looop:read=inbox\necho '{\"saw\":1}'");
        p.sensor("fine", "echo '{\"ok\":true}'");
        List<Sensors.Reading> readings = sense(p);
        for (String name : List.of("peek", "tmp", "relative")) {
            JsonNode v = reading(readings, name);
            assertEquals(126, v.path("signal").path("exit_code").asInt(), v.toString());
            String m = v.path("detail").path("message").asText();
            assertTrue(m.startsWith("sensor " + name + " not run: sensors/" + name + ".sh: "), m);
        }
        assertTrue(reading(readings, "peek").toString().contains("hidden by the sandbox"));
        assertEquals(Json.parse("{\"ok\":true}"), reading(readings, "fine"));
    }

    /** A bwrap that logs each start (its argv) and then is the real one. */
    private Path countingBwrap(Path log) throws Exception {
        String real = looop.io.Proc.onPath("bwrap");
        Path w = tmp.resolve("bin/bwrap");
        Files.createDirectories(w.getParent());
        Files.writeString(w, "#!/bin/sh\necho \"start $1\" >>'" + log + "'\nexec '" + real + "' \"$@\"\n");
        w.toFile().setExecutable(true);
        return w;
    }

    @Test
    void aBeatsSensorsShareOneSandboxAndEachTimeoutKillsOnlyItself() throws Exception {
        Path log = tmp.resolve("bwrap.log");
        Path bwrap = countingBwrap(log);
        Map<String, String> env = new HashMap<>(Map.of(Confinement.BWRAP_ENV, bwrap.toString(), "LOOOP_SENSOR_TIMEOUT", "3"));
        TestProfile p = profile(env);
        for (int i = 0; i < 5; i++) p.sensor("quick" + i, "echo '{\"n\":" + i + "}'");
        p.sensor("late", "sleep 1; echo '{\"late\":true}'");
        p.sensor("stuck", "sleep 60; echo '{}'");
        sense(p); // the first beat of this JVM with this binary may probe it
        Files.deleteIfExists(log);
        List<Sensors.Reading> readings = sense(p);
        List<String> starts = Files.readAllLines(log);
        assertEquals(1, starts.size(), "one bwrap per beat for 7 sensors: " + starts);
        assertEquals("start --die-with-parent", starts.get(0));
        for (int i = 0; i < 5; i++) assertEquals(Json.parse("{\"n\":" + i + "}"), reading(readings, "quick" + i));
        assertEquals(Json.parse("{\"late\":true}"), reading(readings, "late"));
        JsonNode stuck = reading(readings, "stuck");
        assertEquals(124, stuck.path("signal").path("exit_code").asInt(), stuck.toString());
        assertTrue(stuck.path("detail").path("message").asText().contains("timed out after 3s"), stuck.toString());
    }

    @Test
    void sensorsWithDifferentGrantsRunInSeparateSandboxes() throws Exception {
        Path log = tmp.resolve("bwrap.log");
        Path bwrap = countingBwrap(log);
        TestProfile p = profile(Map.of(Confinement.BWRAP_ENV, bwrap.toString()));
        p.sensor("a", "# looop:read=" + inbox + "\necho '{}'");
        p.sensor("b", "# looop:read=" + inbox + "\necho '{}'");
        p.sensor("c", "echo '{}'");
        sense(p);
        Files.deleteIfExists(log);
        sense(p);
        assertEquals(2, Files.readAllLines(log).size(), "one sandbox per grant");
    }

    @Test
    void aSensorThatMeetsNoSuchFileForAHiddenPathSaysSoInTheBeatLine() throws Exception {
        TestProfile p = profile(Map.of());
        p.sensor("count", "n=$(ls '" + inbox + "' | wc -l)\necho \"{\\\"n\\\":$n}\"");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        looop.io.Log log = new looop.io.Log(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), p.clock, false, false);
        new looop.beat.Tick(p.paths, p.clock, NoSessions.none(), log).sense();
        String lines = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        String warning = lines.lines().filter(l -> l.contains("sensor count read nothing")).findFirst().orElse("");
        assertTrue(warning.contains("No such file"), lines);
        assertTrue(warning.contains("add `# looop:read=" + inbox + "` to sensors/count.sh"), lines);

        p.sensor("count", "# looop:read=" + inbox + "\nn=$(ls '" + inbox + "' | wc -l)\necho \"{\\\"n\\\":$n}\"");
        out.reset();
        new looop.beat.Tick(p.paths, p.clock, NoSessions.none(), log).sense();
        assertFalse(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("read nothing"), out.toString());
        assertEquals(2, reading(sense(p), "count").get("n").asInt());
    }

    @Test
    void doctorNamesTheSensorAndTheLineThatReadsAHiddenPath() throws Exception {
        TestProfile p = profile(Map.of());
        Path ssh = Files.createDirectories(p.dir.resolve("home/.ssh"));
        Files.writeString(ssh.resolve("config"), "Host x");
        p.sensor("count", "# counts the inbox\nls " + inbox + " | wc -l >/dev/null\necho '{}'");
        p.sensor("keys", "cat ~/.ssh/config 2>/dev/null; echo '{}'");
        p.sensor("granted", "# looop:read=" + inbox + "\nls " + inbox + " >/dev/null\necho '{}'");
        p.sensor("scratch", "t=/tmp/made-by-me-$$; echo '{}'");
        Beats.Cli r = Beats.cli(p, "", "doctor");
        String out = r.out();
        assertTrue(out.contains("sensors/count.sh:3 reads " + inbox + ", which the sandbox's private /tmp hides"), out);
        assertTrue(out.contains("# looop:read=" + inbox), out);
        assertTrue(out.contains("sensors/keys.sh:2 reads " + ssh), out);
        assertFalse(out.contains("sensors/granted.sh"), out);
        assertFalse(out.contains("sensors/scratch.sh"), out);
        assertFalse(out.contains("all checks passed"), out);

        p.write("looop.json", "{\"sandbox\":{\"read\":[" + Json.quote(ssh.toString()) + "]}}");
        String refused = Beats.cli(p, "", "doctor").out();
        assertTrue(refused.contains("read grant " + ssh + " is hidden by the sandbox"), refused);
    }
}
