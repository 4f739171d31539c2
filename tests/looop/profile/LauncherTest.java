package looop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import looop.Beats;
import looop.TestProfile;
import looop.io.Fs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** $LOOOP_BIN, run for real: a fresh JVM on this test run's classpath. */
class LauncherTest {
    @TempDir Path dir;

    private static final String VERSION_LINE = "looop " + "0.1.0 (Java " + Runtime.version().feature() + ")\n";

    record Ran(int code, String out, String err) {}

    private static Ran run(Path bin, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(bin.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        try {
            // files, not pipes: a class-loading log fills a pipe long before the other one is drained
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("LOOOP_DATA_DIR"); // the profile is the launcher's unless a test names one
            pb.environment().remove("LOOOP_CONFIG");
            pb.environment().putAll(env);
            Process p = pb.start();
            // a ceiling for a hang, not a speed limit: ./jbang may build looop, after any other build on this machine (its lock)
            if (!p.waitFor(600, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("launcher still running after 600 s: " + cmd);
            }
            return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<Path> archives(TestProfile p) {
        return Fs.listFiles(p.paths.bin().getParent(), ".jsa");
    }

    @Test
    void withoutCdsItRunsThisLooopOnThisProfile() throws Exception {
        TestProfile p = new TestProfile(dir);
        Path bin = Launcher.ensure(p.paths);
        assertFalse(Files.readString(bin).contains("SharedArchiveFile"));
        Ran r = run(bin, Map.of(), "version");
        assertEquals(0, r.code(), r.err());
        assertEquals(VERSION_LINE, r.out());
        assertTrue(archives(p).isEmpty());
    }

    @Test
    void itRunsOnTheProfileTheCallerNamesAndOnItsOwnOnlyWhenNoneIsNamed() throws Exception {
        TestProfile own = new TestProfile(dir.resolve("own"));
        TestProfile other = new TestProfile(dir.resolve("other"));
        Path bin = Launcher.ensure(own.paths);
        Files.createDirectories(other.paths.data);

        assertEquals(0, run(bin, Map.of("LOOOP_DATA_DIR", other.paths.data.toString()), "_", "cost", "tick", "t1", "r", "0.5").code());
        assertTrue(Files.readString(other.paths.costLedger()).contains("\"t1\""), "the named data dir");
        assertEquals(0, run(bin, Map.of("LOOOP_DATA_DIR", " "), "_", "cost", "tick", "t2", "r", "0.5").code());
        assertTrue(Files.readString(own.paths.costLedger()).contains("\"t2\""), "blank is unset: its own data dir");
        assertFalse(Files.readString(own.paths.costLedger()).contains("\"t1\""));

        // the config: the one named, else the named data dir's own, else the launcher's
        Path broken = other.write("elsewhere.json", "{ not json");
        other.write("looop.json", "{ nor this");
        Ran named = run(bin, Map.of("LOOOP_CONFIG", broken.toString()), "doctor");
        assertTrue(named.out().contains(broken.toString()), named.out());
        Ran dataDirs = run(bin, Map.of("LOOOP_DATA_DIR", other.paths.data.toString()), "doctor");
        assertTrue(dataDirs.out().contains(other.paths.data.resolve("looop.json").toString()), dataDirs.out());
    }

    /** The checkout these tests run from, whose ./jbang wrapper is under test. */
    private static Path checkout() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("looop.java")) && Files.isRegularFile(p.resolve("jbang"))) return p;
        }
        throw new IllegalStateException("run the tests from a looop checkout");
    }

    @Test
    void theWrapperRunsTheLauncherOfTheCurrentBuildAndJBangOtherwise() throws Exception {
        Path wrapper = checkout().resolve("jbang");
        // the offline runner decides: the beat must not depend on which AI CLIs this machine has (issue 29)
        TestProfile p = new Beats(dir, "{\"action\":\"noop\"}").profile;
        Map<String, String> env = Map.of("LOOOP_DATA_DIR", p.paths.data.toString(), "LOOOP_CDS", "0");
        Ran tick = run(wrapper, env, "looop", "tick"); // through JBang: builds looop, which writes the launcher with the build's key
        assertEquals(0, tick.code(), tick.out() + tick.err());
        Path bin = p.paths.bin();
        String launcher = Files.readString(bin);
        assertTrue(launcher.matches("(?s).*\nexport LOOOP_BUILD_KEY=[0-9a-f]{32}\n.*"), tick.err() + launcher);

        // a marker line shows which way a call went
        Files.writeString(bin, launcher.replaceFirst("\n", "\necho via-launcher >&2\n"));
        Ran fast = run(wrapper, env, "looop", "version");
        assertEquals(VERSION_LINE, fast.out(), fast.err());
        assertTrue(fast.err().contains("via-launcher"), "the current build's launcher ran: " + fast.err());

        Files.writeString(bin, Files.readString(bin).replaceFirst("LOOOP_BUILD_KEY=[0-9a-f]+", "LOOOP_BUILD_KEY=0123456789abcdef0123456789abcdef"));
        Ran otherBuild = run(wrapper, env, "looop", "version");
        assertEquals(VERSION_LINE, otherBuild.out(), otherBuild.err());
        assertFalse(otherBuild.err().contains("via-launcher"), "another build's launcher went through JBang");

        Files.writeString(bin, launcher.replaceFirst("\n", "\necho via-launcher >&2\n").replaceFirst("\ncp='", "\ncp='/gone.jar:"));
        Ran gone = run(wrapper, env, "looop", "version");
        assertEquals(VERSION_LINE, gone.out(), gone.err());
        assertFalse(gone.err().contains("via-launcher"), "a launcher whose classpath is gone went through JBang");
    }

    @Test
    void theFirstCallRecordsAnArchiveThatLaterCallsMap() throws Exception {
        TestProfile p = new TestProfile(dir, Map.of("LOOOP_CDS", "1"));
        Path bin = Launcher.ensure(p.paths);
        Ran first = run(bin, Map.of(), "version");
        assertEquals(VERSION_LINE, first.out(), "recording the archive prints nothing: " + first.err());
        Path archive = archives(p).get(0);
        assertTrue(Files.size(archive) > 0, "a usable archive");

        Ran second = run(bin, Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info"), "version");
        assertEquals(0, second.code(), second.err());
        // a static archive (JDK 17–24) or an AOT cache (25+): both hold picocli's old-format classes too
        assertTrue(second.out().contains("looop.cli.Context source: shared objects file"), "looop's classes come from the archive");
        assertTrue(second.out().contains("picocli.CommandLine source: shared objects file"), "picocli's classes come from the archive");
    }

    @Test
    void anEmptyArchiveMarksAFailedTryAndIsNotRetried() throws Exception {
        TestProfile p = new TestProfile(dir, Map.of("LOOOP_CDS", "1"));
        Path bin = Launcher.ensure(p.paths);
        Path archive = Path.of(Files.readString(bin).lines().filter(l -> l.startsWith("cds=")).findFirst().orElseThrow()
                .replaceAll("^cds='|'$", ""));
        Files.write(archive, new byte[0]);
        Ran r = run(bin, Map.of(), "version");
        assertEquals(VERSION_LINE, r.out(), r.err());
        assertEquals(0, Files.size(archive));
    }

    @Test
    void aNewBuildDropsTheArchivesOfOldOnes() throws IOException {
        TestProfile p = new TestProfile(dir, Map.of("LOOOP_CDS", "1"));
        p.write(".bin/looop", "#!/bin/sh\n# an older looop\n");
        Path old = p.write(".bin/looop-0123456789abcdef.jsa", "old");
        Launcher.ensure(p.paths);
        assertFalse(Files.exists(old));
    }
}
