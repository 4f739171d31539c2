package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import looop.io.Fs;
import looop.io.Proc;
import looop.sense.WorldHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The toolkit a user's own script builds on: the modules for the world hash,
 * backoff, budget and execution each compile from what their headers name,
 * the README's scripts and JShell session run as written, through ./jbang.
 */
class ToolkitTest {
    /** A first JBang build of a script resolves and compiles: generous, for a loaded machine. */
    private static final Duration JBANG_CEILING = Duration.ofMinutes(5);

    private static final Path ROOT = checkoutRoot();

    @TempDir
    Path tmp;

    // -- each module alone ------------------------------------------------------

    @Test
    void eachModuleNamesItsWholeClosureAndCompilesFromItAlone() throws Exception {
        Map<String, Set<String>> expected = Map.of(
                "lib/looop/sense/WorldHash.java", Set.of("lib/looop/io/Fnv128.java", "lib/looop/io/Fs.java", "lib/looop/io/Tree.java", "lib/looop/io/UnsafePathException.java", "lib/looop/io/Json.java", "lib/looop/io/FlatJson.java"),
                "lib/looop/gate/Backoff.java", Set.of("lib/looop/io/Fs.java", "lib/looop/io/Tree.java", "lib/looop/io/UnsafePathException.java", "lib/looop/io/Json.java", "lib/looop/io/FlatJson.java"),
                "lib/looop/gate/Budget.java", Set.of("lib/looop/io/Fs.java", "lib/looop/io/Tree.java", "lib/looop/io/UnsafePathException.java", "lib/looop/io/Json.java", "lib/looop/io/FlatJson.java", "lib/looop/io/UserError.java", "lib/looop/io/ExitCode.java", "lib/looop/fast/Instants.java"),
                "lib/looop/io/Proc.java", Set.of("lib/looop/io/UserError.java", "lib/looop/io/ExitCode.java", "lib/looop/io/Pid.java"));
        for (var e : expected.entrySet()) {
            Path module = ROOT.resolve(e.getKey());
            List<Path> sources = closure(module);
            Set<String> siblings = new TreeSet<>();
            for (Path s : sources) if (!s.equals(module)) siblings.add(ROOT.relativize(s).toString());
            assertEquals(new TreeSet<>(e.getValue()), siblings, e.getKey() + "'s //SOURCES closure");
            compileAlone(sources, deps(sources));
        }
    }

    @Test
    void aModuleMissingASiblingFromItsHeaderDoesNotCompile() throws Exception {
        // the check above can fail: Backoff without Json, as a header that forgot it would say
        Path backoff = ROOT.resolve("lib/looop/gate/Backoff.java");
        List<Path> partial = List.of(backoff, ROOT.resolve("lib/looop/io/Fs.java"));
        String errors = javac(partial, deps(closure(backoff)));
        assertTrue(errors.contains("Json"), errors);
    }

    @Test
    void everyModuleDependencyIsPinnedAsTheEntryPinsIt() throws Exception {
        Set<String> entry = directives(ROOT.resolve("looop.java"), "//DEPS");
        try (Stream<Path> files = Files.walk(ROOT.resolve("lib"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String dep : directives(f, "//DEPS")) {
                    assertTrue(entry.contains(dep), ROOT.relativize(f) + " pins " + dep + ", looop.java pins " + entry);
                }
            }
        }
    }

    // -- the README's scripts, run with ./jbang, one module each ----------------

    @Test
    void theReadmeShowsTheExampleScriptsAsTheyAre() {
        String readme = Fs.readOrNull(ROOT.resolve("docs/toolkit.md"));
        for (String script : List.of("examples/world-hash.java", "examples/backoff-delay.java")) {
            String text = Fs.readOrNull(ROOT.resolve(script));
            assertTrue(readme.contains("```java\n" + text + "```"), "docs/toolkit.md shows " + script + " verbatim");
            assertTrue(text.lines().count() <= 12, script + " stays about ten lines");
        }
    }

    @Test
    void theWorldHashScriptHashesADataDirAsLooopDoes() throws Exception {
        Path data = tmp.resolve("data");
        write(data.resolve("PLAYBOOK.md"), "keep the lights on\n");
        write(data.resolve("goals/tidy.md"), "tidy the desk\n");
        write(data.resolve("snapshots/sensor-x.json"), "{\"signal\":{\"n\":1},\"detail\":{\"t\":9}}");
        String expected = WorldHash.compute(data, List.of(new WorldHash.Snapshot("sensor-x.json",
                "{\"detail\":{\"t\":1},\"signal\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8))));
        Proc.Result r = jbang(null, "examples/world-hash.java", data.toString());
        assertEquals(0, r.exitCode(), r.stderrTail());
        assertEquals(expected + "\n", r.stdoutText(), "the hash of the playbook, the goal and the reading's signal");
        assertNotEquals(WorldHash.compute(tmp.resolve("empty")) + "\n", r.stdoutText());
    }

    @Test
    void theBackoffScriptSaysHowLongAFailedWorldWaits() throws Exception {
        Path state = tmp.resolve(".tick-backoff");
        // failed twice, last "in the future", so no time has elapsed whatever the clock says: 60 s × 2
        write(state, "{\"fails\":2,\"hash\":\"abc\",\"ts\":" + (Instant.now().getEpochSecond() + 86400) + "}\n");
        Proc.Result r = jbang(null, "examples/backoff-delay.java", state.toString(), "abc");
        assertEquals(0, r.exitCode(), r.stderrTail());
        assertEquals("120\n", r.stdoutText());
    }

    @Test
    void theBudgetScriptSumsTodaysLedger() throws Exception {
        Instant now = Instant.now();
        write(tmp.resolve("cost.jsonl"), row(now, 0.25) + row(now.minus(Duration.ofDays(3)), 1.0) + "torn {\n");
        Proc.Result r = jbang(null, "examples/budget-today.java", tmp.toString());
        assertEquals(0, r.exitCode(), r.stderrTail());
        assertEquals("$0.25\n", r.stdoutText(), "today's row only; the old and the torn one are not today's spend");
    }

    /** Run bare, as a person trying it would: a usage line, never an ArrayIndexOutOfBoundsException. */
    @Test
    void anExampleWithoutArgumentsPrintsItsUsage() {
        Proc.Result r = jbang(null, "examples/budget-today.java");
        assertEquals(2, r.exitCode(), r.stderrTail());
        assertTrue(r.stderrTail().contains("\nusage: budget-today.java DATA_DIR") || r.stderrTail().startsWith("usage: budget-today.java DATA_DIR"), r.stderrTail());
        assertFalse(r.stderrTail().contains("Exception"), r.stderrTail());
    }

    @Test
    void theProcScriptKillsACommandAtItsTimeout() {
        Proc.Result r = jbang(null, "examples/run-with-timeout.java", "1", "echo started; sleep 600");
        assertEquals(Proc.TIMED_OUT, r.exitCode(), r.stderrTail());
        assertEquals("started\n", r.stdoutText());
    }

    // -- JShell ------------------------------------------------------------------

    @Test
    void theReadmeJshellSessionRunsAsShown() {
        List<String> session = readmeBlockStartingWith("$ ./jbang --interactive repl.jsh");
        StringBuilder input = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (String line : session.subList(1, session.size())) {
            if (line.startsWith("jshell> ")) input.append(line.substring("jshell> ".length())).append('\n');
            else if (!line.isBlank()) expected.add(line);
        }
        assertTrue(expected.size() >= 3, "the session shows some results: " + session);
        input.append("/exit\n");
        Proc.Result r = jbang(input.toString(), "--interactive", "repl.jsh");
        String out = r.stdoutText();
        int at = 0;
        for (String line : expected) {
            int found = out.indexOf(line, at);
            assertTrue(found >= 0, "JShell printed '" + line + "' (in order); it printed:\n" + out + "\n" + r.stderrTail());
            at = found + line.length();
        }
    }

    // -- helpers -----------------------------------------------------------------

    /** The checkout: where the tests run from, or above (a run from tests/ finds it too). */
    private static Path checkoutRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("looop.java")) && Files.isRegularFile(p.resolve("jbang"))) return p;
        }
        throw new IllegalStateException("run the tests from a looop checkout (no looop.java and jbang found)");
    }

    /** One ./jbang run; two suites side by side are fine: the wrapper takes a lock around JBang's build step. */
    private static Proc.Result jbang(String stdin, String... args) {
        String command = Proc.shellQuote(ROOT.resolve("jbang").toString()) + " "
                + Stream.of(args).map(Proc::shellQuote).collect(Collectors.joining(" "));
        byte[] in = stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8);
        return Proc.capture(new Proc.Spec(command, ROOT, Map.of(), in, JBANG_CEILING), 0);
    }

    /** A module and the siblings its //SOURCES lines name, transitively, as JBang follows them. */
    static List<Path> closure(Path module) {
        Set<Path> seen = new LinkedHashSet<>();
        Deque<Path> todo = new ArrayDeque<>(List.of(module.normalize()));
        while (!todo.isEmpty()) {
            Path f = todo.pop();
            if (!seen.add(f)) continue;
            for (String s : directives(f, "//SOURCES")) todo.push(f.getParent().resolve(s).normalize());
        }
        return new ArrayList<>(seen);
    }

    /** The libraries the files' //DEPS lines name. */
    private static Set<String> deps(List<Path> files) {
        Set<String> deps = new TreeSet<>();
        for (Path f : files) deps.addAll(directives(f, "//DEPS"));
        return deps;
    }

    /** The words after a directive at the start of a line (JBang reads them anywhere in the file). */
    private static Set<String> directives(Path file, String directive) {
        Set<String> words = new LinkedHashSet<>();
        for (String line : Fs.readOrNull(file).split("\n")) {
            if (!line.startsWith(directive + " ")) continue;
            for (String w : line.substring(directive.length()).trim().split("\\s+")) words.add(w);
        }
        return words;
    }

    private void compileAlone(List<Path> sources, Set<String> deps) throws Exception {
        String errors = javac(sources, deps);
        assertTrue(errors.isEmpty(), "compiling " + sources + " with " + deps + " alone:\n" + errors);
    }

    /**
     * javac on exactly these files, with no source path and a class path of
     * only the named libraries (and what they come with: their group's jars on
     * this run's class path), so a sibling the header forgot cannot be found.
     */
    private String javac(List<Path> sources, Set<String> deps) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("classes-" + System.nanoTime()));
        Path noSources = Files.createDirectories(tmp.resolve("no-sources"));
        List<String> classPath = new ArrayList<>(List.of(out.toString()));
        for (String dep : deps) classPath.addAll(jarsOfGroup(dep));
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-implicit:none", "-proc:none",
                "-sourcepath", noSources.toString(), "-cp", String.join(File.pathSeparator, classPath)));
        for (Path s : sources) args.add(s.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ToolProvider.getSystemJavaCompiler().run(null, err, err, args.toArray(String[]::new));
        String text = err.toString(StandardCharsets.UTF_8);
        return code == 0 ? "" : text.isEmpty() ? "javac exited " + code : text;
    }

    /** group:artifact:version → the jars of that Maven group on this JVM's class path (JBang puts them there). */
    private static List<String> jarsOfGroup(String gav) {
        String groupDir = File.separator + gav.split(":")[0].replace('.', File.separatorChar) + File.separator;
        List<String> jars = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains(groupDir) && p.endsWith(".jar")).toList();
        assertTrue(jars.stream().anyMatch(j -> j.contains(gav.split(":")[1])), gav + " is on the test class path");
        return jars;
    }

    private static List<String> readmeBlockStartingWith(String firstLine) {
        List<String> lines = List.of(Fs.readOrNull(ROOT.resolve("docs/toolkit.md")).split("\n", -1));
        int start = lines.indexOf(firstLine);
        assertTrue(start > 0 && lines.get(start - 1).startsWith("```"), "docs/toolkit.md has a block starting " + firstLine);
        int end = start;
        while (!lines.get(end).startsWith("```")) end++;
        return lines.subList(start, end);
    }

    private static String row(Instant ts, double usd) {
        return "{\"cost_usd\":" + usd + ",\"id\":\"r\",\"kind\":\"tick\",\"runner\":\"pi\",\"ts\":\"" + ts.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}\n";
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
