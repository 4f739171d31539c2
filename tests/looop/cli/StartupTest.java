package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import looop.Beats;
import looop.ChildJvm;
import looop.TestProfile;
import looop.beat.Tick;
import looop.fast.Instants;
import looop.fast.Text;
import looop.io.Controls;
import looop.io.Fs;
import looop.io.Log;
import looop.io.SystemClock;
import looop.profile.Config;
import looop.sense.SensorCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one-shot start-up (issue 15) replaced by hand-written code keeps
 * meaning what the JDK's or the regex's version meant: each check here runs
 * both side by side over edge cases and random inputs. It is the contract of
 * looop.fast (the shared helpers) and of the few checks written beside their
 * callers, and it names the quick paths that must use them.
 */
class StartupTest {
    @TempDir Path tmp;

    static final Random RANDOM = new Random(15);

    @Test
    void controlCharactersAreTheRegexsOnEveryChar() {
        Pattern regex = Pattern.compile("[\\p{Cc}\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]");
        for (int c = 0; c <= 0xFFFF; c++) {
            String s = String.valueOf((char) c);
            assertEquals(regex.matcher(s).find(), Controls.isControl((char) c), "U+" + Integer.toHexString(c));
        }
        String mixed = "a\u001b[31mb\u202Ec\td😀\u0085";
        assertEquals(regex.matcher(mixed).replaceAll("?"), Controls.replace(mixed, "?"));
    }

    @Test
    void instantsPrintAsInstantToString() {
        List<Instant> all = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("2026-12-01T23:59:59Z"), Instant.parse("0999-12-31T23:59:59Z"),
                Instant.parse("1000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-06-01T12:00:00Z"), Instant.ofEpochSecond(1, 1_000_000), Instant.ofEpochSecond(1, 1_000), Instant.ofEpochSecond(1, 1),
                Instant.ofEpochSecond(1, 120_000_000), Instant.ofEpochSecond(1, 123_450_000)));
        for (int i = 0; i < 20_000; i++) all.add(Instant.ofEpochSecond(RANDOM.nextLong() % 400_000_000_000L, RANDOM.nextInt(1_000_000_000)));
        for (Instant t : all) {
            assertEquals(t.toString(), Instants.instant(t), t::toString);
            assertEquals(t.truncatedTo(ChronoUnit.SECONDS).toString(), Instants.rfc3339(t), t::toString);
            assertEquals(t, Instants.parseInstant(t.toString()), t::toString);
        }
        for (String bad : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00.Z",
                "2026-01-01T00:00:00.1234567890Z", "2026-1-01T00:00:00Z", "x", "", "2026-01-01T00:00:60Z", "2026-01-01t00:00:00Z")) {
            assertEquals(outcome(() -> Instant.parse(bad)), outcome(() -> Instants.parseInstant(bad)), bad);
        }
        assertEquals(Instant.parse("2026-04-30T10:00:00.5Z"), Instants.parseInstant("2026-04-30T10:00:00.5Z"));
        assertEquals(Instant.parse("2024-02-29T23:59:59.000000001Z"), Instants.parseInstant("2024-02-29T23:59:59.000000001Z"));
    }

    static String outcome(java.util.function.Supplier<Instant> parse) {
        try {
            return parse.get().toString();
        } catch (RuntimeException e) {
            return e.getClass().getName();
        }
    }

    @Test
    void runNamesAreTheRegexs() {
        Pattern regex = Pattern.compile("tick-[0-9]{8}-[0-9]{6}(-[0-9]+)?");
        List<String> names = new ArrayList<>(List.of("tick-20261201-235242", "tick-20261201-235242-2", "tick-20261201-235242-", "tick-20261201-23524",
                "tick-2026120-1235242", "tick-20261201_235242", "tock-20261201-235242", "tick-20261201-235242-12a", "tick-٢٠٢٦١٢٠١-235242", "",
                "tick-", "tick-20261201-235242x", "tick-20261201-235242--1"));
        String alphabet = "tick-0123456789x_";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(i % 2 == 0 ? "tick-" : "");
            for (int k = RANDOM.nextInt(24); k > 0; k--) b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            names.add(b.toString());
        }
        for (String n : names) assertEquals(regex.matcher(n).matches(), Tick.isRunName(n), n);
    }

    @Test
    void firstWordsAreTheRegexs() {
        for (String cmd : List.of("claude -p", "  FOO=1 BAR_2=x pi --mode json", "A=1", "=x cmd", "1A=2 cmd", "_=1 cmd", "x\tA=1", "A=1\n\tcmd arg",
                "", "   ", "a=b=c d", "ÄB=1 cmd", "cmd", "\u2003cmd x", "A-B=1 cmd")) {
            assertEquals(regexFirstWord(cmd), Config.RunnerDef.firstWord(cmd), cmd);
        }
    }

    static String regexFirstWord(String command) {
        for (String word : command.strip().split("\\s+")) {
            if (!word.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) return word;
        }
        return "";
    }

    @Test
    void intervalHeadersAreTheRegexs() {
        Pattern regex = Pattern.compile("^#\\s*looop:interval=(\\S+)\\s*$");
        for (String line : List.of("# looop:interval=5m", "#looop:interval=1h", "#\t looop:interval=30s ", "# looop:interval=", "# looop:interval=5m x",
                "# looop:interval=5m\t", "# looop: interval=5m", "looop:interval=5m", "# LOOOP:interval=5m", "## looop:interval=5m", "# looop:interval==5")) {
            var m = regex.matcher(line);
            assertEquals(m.matches() ? m.group(1) : null, SensorCache.headerValue(line), line);
        }
    }

    @Test
    void theLogsClockTimeIsLocalTime() {
        for (String zone : List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham")) {
            for (String at : List.of("2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z", "2026-10-25T00:30:00Z", "2026-12-01T23:59:59Z")) {
                Clock clock = Clock.fixed(Instant.parse(at), ZoneId.of(zone));
                var out = new java.io.ByteArrayOutputStream();
                new Log(new java.io.PrintStream(out, true), clock, false, false).line(Log.Level.INFO, "t", "x");
                String expected = "[" + LocalTime.now(clock).format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "]";
                assertTrue(out.toString().startsWith(expected), zone + " " + at + ": " + out);
            }
        }
        // the process's own clock: TimeZone's offset agrees with java.time's zone rules, whatever the system zone
        java.util.TimeZone before = java.util.TimeZone.getDefault();
        try {
            for (String zone : List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham", "Australia/Lord_Howe")) {
                java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone(zone));
                for (int i = 0; i < 1000; i++) {
                    long ms = Math.floorMod(RANDOM.nextLong(), 2_500_000_000_000L); // 1970 to 2049
                    assertEquals(ZoneId.of(zone).getRules().getOffset(Instant.ofEpochMilli(ms)).getTotalSeconds() * 1000,
                            SystemClock.offsetMillis(ms), zone + " " + Instant.ofEpochMilli(ms));
                }
            }
        } finally {
            java.util.TimeZone.setDefault(before);
        }
        assertEquals(ZoneId.systemDefault(), SystemClock.INSTANCE.getZone());
        assertTrue(Math.abs(SystemClock.INSTANCE.millis() - System.currentTimeMillis()) < 60_000);
    }

    @Test
    void theOwnPidIsProcessHandles() {
        assertEquals(ProcessHandle.current().pid(), looop.io.Pid.own());
    }

    @Test
    void uniqueNamesDoNotRepeat() throws Exception {
        Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) assertTrue(seen.add(Fs.unique()));
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) t.join();
        assertEquals(80_000, seen.size());
    }

    @Test
    void aScratchDirEndsHoldingExactlyItsFiles() throws Exception {
        var p = new TestProfile(tmp.resolve("p"));
        Path snaps = p.paths.snapshots();
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep me");
        Fs.replaceScratchDir(snaps, files("a.json", "{\"a\":1}", "b.json", "{\"b\":1}"));
        Object aKey = Files.readAttributes(snaps.resolve("a.json"), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        // planted: a stale file, a link out, a directory, a crashed write's temp, and a FIFO where a snapshot goes
        Files.writeString(snaps.resolve("stale.json"), "old");
        Files.createSymbolicLink(snaps.resolve("link.json"), outside);
        Files.createDirectories(snaps.resolve("dir/inner"));
        Files.writeString(snaps.resolve(".b.json.x.tmp"), "half");
        Files.delete(snaps.resolve("b.json"));
        assertEquals(0, new ProcessBuilder("mkfifo", snaps.resolve("b.json").toString()).start().waitFor());
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Fs.replaceScratchDir(snaps, files("a.json", "{\"a\":1}", "b.json", "{\"b\":2}")));
        try (var s = Files.list(snaps)) {
            assertEquals(Set.of("a.json", "b.json"), new HashSet<>(s.map(x -> x.getFileName().toString()).toList()));
        }
        assertEquals("{\"b\":2}", Files.readString(snaps.resolve("b.json")));
        assertTrue(Files.isRegularFile(snaps.resolve("b.json"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(aKey, Files.readAttributes(snaps.resolve("a.json"), java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "an unchanged snapshot is not rewritten");
        assertEquals("keep me", Files.readString(outside));
        // snapshots/ itself a link: replaced by a directory, the target untouched
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("a.json"), "theirs");
        Fs.deleteTree(snaps);
        Files.createSymbolicLink(snaps, elsewhere);
        Fs.replaceScratchDir(snaps, files("a.json", "{\"a\":3}"));
        assertFalse(Files.isSymbolicLink(snaps));
        assertEquals("{\"a\":3}", Files.readString(snaps.resolve("a.json")));
        assertEquals("theirs", Files.readString(elsewhere.resolve("a.json")));
    }

    @Test
    void theTrainingRunTeachesTheCommonPathsAndLeavesNothing() throws Exception {
        Path scratchTmp = Files.createDirectories(tmp.resolve("tmp"));
        Path theirs = tmp.resolve("their-profile");
        Path config = Files.writeString(tmp.resolve("their.json"), "{\"default\":\"claude\"}");
        Path classes = tmp.resolve("classes.txt");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-XX:DumpLoadedClassList=" + classes, "-Djava.io.tmpdir=" + scratchTmp,
                "-cp", System.getProperty("java.class.path"), "looop.cli.TrainingRun").redirectErrorStream(true);
        pb.environment().putAll(Map.of("LOOOP_DATA_DIR", theirs.toString(), "LOOOP_CONFIG", config.toString(), "LOOOP_SESSION_ID", "w9",
                "HOME", tmp.resolve("home").toString()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertFalse(Files.exists(theirs), "the caller's profile is not touched");
        assertEquals("{\"default\":\"claude\"}", Files.readString(config));
        try (var s = Files.list(scratchTmp)) {
            assertEquals(List.of(), s.toList(), "the scratch profile is gone");
        }
        String list = Files.readString(classes);
        for (String cls : List.of("looop/cli/QuickVerbs", "looop/beat/Tick", "looop/sense/Sensors", "looop/gate/Gate", "looop/act/Executor",
                "looop/workers/Claims", "looop/gate/Budget", "looop/human/TellDelivery", "com/fasterxml/jackson/core/JsonFactory", "picocli/CommandLine")) {
            assertTrue(list.contains(cls + "\n") || list.contains(cls + " "), "the class list holds " + cls);
        }
    }

    /**
     * The verbs workers call in a loop, and a beat on an unchanged world, link
     * no lambda of looop's, build no stream and compile no regex: each is cold
     * code every start pays again (bench/README.md). The JDK's own lambdas
     * (ProcessImpl's, for the sensors) are its business. Each runs in a child
     * JVM that lists the classes it loaded.
     */
    @Test
    void theQuickPathsLinkNoLambdaStreamOrRegex() throws Exception {
        Beats b = new Beats(tmp.resolve("quick"), "{\"action\":\"noop\",\"reason\":\"x\"}");
        b.profile.sensor("steady", "echo '{\"signal\":{\"n\":1}}'");
        b.profile.clock.set(Instant.now()); // decided now, as the child's clock sees it: not a noop gone stale
        assertEquals(Tick.Outcome.Result.ACTED, b.beat().result());
        Files.createDirectories(b.profile.paths.sessions().resolve("w1"));
        Map<String, List<String>> runs = new LinkedHashMap<>();
        runs.put("tick", List.of("tick"));
        // the sandboxed path where a sandbox works here (auto mode without one is the unconfined tick with a warning)
        if (looop.sandbox.Sandbox.of(looop.sandbox.SandboxPolicy.defaults(Path.of(System.getProperty("user.home")))).active()) {
            runs.put("sandboxed tick", List.of("tick"));
        }
        runs.put("version", List.of("version"));
        runs.put("ls", List.of("ls"));
        runs.put("_ flag", List.of("_", "flag", "w1", "look"));
        runs.put("_ unflag", List.of("_", "unflag", "w1"));
        runs.put("_ claim", List.of("_", "claim", "lease"));
        runs.put("_ unclaim", List.of("_", "unclaim", "lease"));
        runs.put("_ cost", List.of("_", "cost", "tick", "r1", "offline", "0.001"));
        runs.put("ask", List.of("ask", "w1", "ship", "it?"));
        for (var run : runs.entrySet()) {
            if (run.getKey().equals("ask")) {
                var asks = new looop.human.Asks(b.profile.paths, Clock.systemUTC());
                asks.open("w1", "ship it?", null, Long.MAX_VALUE, null); // answered while its asker was away: no wait
                asks.answer("w1", "yes", true);
            }
            Path classes = tmp.resolve(run.getKey().replace(' ', '-') + ".classes");
            List<String> cmd = new ArrayList<>(ChildJvm.looop(run.getValue().toArray(String[]::new)));
            cmd.add(1, "-XX:DumpLoadedClassList=" + classes);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("LOOOP_")); // the caller's own profile, config, session
            pb.environment().putAll(Map.of("LOOOP_DATA_DIR", b.profile.dir.toString(),
                    "HOME", b.profile.dir.resolve("home").toString(), "LOOOP_CDS", "0"));
            boolean tick = run.getKey().endsWith("tick");
            if (!tick) pb.environment().put("LOOOP_SESSION_ID", "w1");
            // the same skip beat unconfined and in the default config (the sandbox's setup: mount plan, cgroup limits,
            // the sensors' one sandbox), which holds to the same rules (issue 24)
            pb.environment().put("LOOOP_SANDBOX", run.getKey().equals("tick") ? "off" : "auto");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), run.getKey() + ": " + out);
            if (tick) assertTrue(out.contains("unchanged"), "a skip beat: " + out);
            for (String line : Files.readAllLines(classes)) {
                assertFalse(line.startsWith("@lambda-proxy looop/"), run.getKey() + " links a lambda: " + line);
                assertFalse(line.startsWith("java/util/stream/"), run.getKey() + " builds a stream: " + line);
                assertFalse(line.equals("java/util/regex/Pattern") || line.startsWith("java/util/regex/Pattern "), run.getKey() + " compiles a regex");
            }
        }
    }

    @Test
    void linesAreStringLines() {
        List<String> samples = new ArrayList<>(List.of("", "a", "\n", "\r", "\r\n", "\n\r", "a\n", "a\r\nb", "\n\n", "a\r\r\nb\n", "# x\r\n# y"));
        char[] alphabet = {'a', ' ', '\n', '\r', '#'};
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[RANDOM.nextInt(12)];
            for (int j = 0; j < chars.length; j++) chars[j] = alphabet[RANDOM.nextInt(alphabet.length)];
            samples.add(new String(chars));
        }
        for (String s : samples) assertEquals(s.lines().toList(), Text.lines(s), s.replace("\n", "\\n").replace("\r", "\\r"));
    }

    @Test
    void paddingIsStringFormats() {
        for (String s : List.of("", "a", "abcd", "abcdefgh", "ü", "⚑ x")) {
            for (int width = 1; width <= 9; width++) {
                assertEquals(String.format("%-" + width + "s", s), Text.padRight(s, width), s + " " + width);
                assertEquals(String.format("%" + width + "s", s), Text.padLeft(s, width), s + " " + width);
            }
            assertEquals(s, Text.padRight(s, 0));
            assertEquals(s, Text.padLeft(s, 0));
        }
    }

    @Test
    void safeWorkerIdsAreTheRegexsOnEveryCodePoint() {
        Pattern regex = Pattern.compile("[\\p{L}\\p{N}_-]+");
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            String s = Character.toString(c);
            assertEquals(regex.matcher(s).matches(), looop.workers.TmuxSessions.isSafeId(s), "U+" + Integer.toHexString(c));
        }
        for (String s : List.of("", "w1", "build-2_x", "Ünï٣", "a b", "a/b", "a\ud800", "\udc00x", "😀", "x😀", "漢字", "Ⅻ", "a.b")) {
            assertEquals(regex.matcher(s).matches(), looop.workers.TmuxSessions.isSafeId(s), s);
        }
    }

    @Test
    void theLsTableIsWhatStringFormatPadded() {
        var workers = List.of(new looop.workers.Sessions.Info("w1", looop.workers.SessionState.RUNNING, null, "which db?"),
                new looop.workers.Sessions.Info("a-much-longer-id", looop.workers.SessionState.EXITED, 137, null),
                new looop.workers.Sessions.Info("ü", looop.workers.SessionState.KILLED, 12345, null));
        var health = Map.of("w1", looop.workers.Health.ASKING);
        StringBuilder expected = new StringBuilder();
        int width = "a-much-longer-id".length();
        expected.append(String.format("%-" + width + "s  %-8s  %-7s  %4s  %s", "ID", "STATE", "HEALTH", "EXIT", "NOTE").stripTrailing()).append('\n');
        for (var w : workers) {
            String note = w.alive() && w.note() != null ? "⚑ " + w.note() : "";
            var h = health.get(w.id());
            expected.append(String.format("%-" + width + "s  %-8s  %-7s  %4s  %s", w.id(), w.state().word(), h == null ? "" : h.word(),
                    w.exitCode() == null ? "" : w.exitCode().toString(), note).stripTrailing()).append('\n');
        }
        assertEquals(expected.toString(), looop.workers.WorkerVerbs.table(workers, health));
    }

    /** The bench proves this figures; it must keep compiling against the code it measures. */
    @Test
    void theBenchCompiles() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("bench-classes"));
        var javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        var err = new java.io.ByteArrayOutputStream();
        int code = javac.run(null, null, err, "-proc:none", "-d", out.toString(), "-cp", System.getProperty("java.class.path"), "bench/run.java");
        assertEquals(0, code, err.toString());
    }

    @Test
    void aBeatRewritesOnlyTheSnapshotsThatChanged() throws Exception {
        Beats b = new Beats(tmp.resolve("beats"), "{\"action\":\"noop\",\"reason\":\"x\"}", "{\"action\":\"noop\",\"reason\":\"y\"}");
        b.profile.sensor("steady", "echo '{\"signal\":{\"n\":1}}'");
        Path planted = Files.writeString(Files.createDirectories(b.profile.paths.snapshots()).resolve("planted.json"), "{}");
        b.beat();
        assertFalse(Files.exists(planted), "what the beat did not write is gone");
        Path steady = b.profile.paths.snapshots().resolve("sensor-steady.json");
        Object before = Files.readAttributes(steady, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        b.beat();
        assertEquals(before, Files.readAttributes(steady, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "an unchanged reading keeps its file");
        assertTrue(Files.readString(steady).contains("\"n\":1"), Files.readString(steady));
    }

    static Map<String, byte[]> files(String... nameThenText) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenText.length; i += 2) m.put(nameThenText[i], nameThenText[i + 1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return m;
    }
}
