///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.junit.jupiter:junit-jupiter:5.14.1
//DEPS org.junit.platform:junit-platform-launcher:1.14.1
//DEPS com.tngtech.archunit:archunit:1.5.1
//SOURCES ../looop.java
//SOURCES looop/*Test.java
//SOURCES looop/**/*Test.java
//SOURCES support/*.java
//SOURCES ../runners/OpenAiHttp.java

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.MethodFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs every test through the JUnit Platform launcher and ends with the line
 * `N passed, N failed, N skipped`. Optional arguments narrow the run: a
 * class-name regex (e.g. `.*WorldHash.*`), or `Class#method` for one test
 * method (`TickTest#beatsOnce`; both parts may be regexes). As each test class finishes it
 * prints one line, so a long run shows it is alive:
 * `ok   WorldHashTest  9 passed, 0 failed, 0 skipped  0.4s` (FAIL when one failed),
 * then, for a class that skipped tests, one line per distinct reason, so a
 * person sees what to install: `     skipped 3: needs tmux on PATH (apt-get install tmux)`.
 */
public class run {
    public static void main(String... args) {
        var request = LauncherDiscoveryRequestBuilder.request().selectors(selectPackage("looop"));
        if (args.length > 0) request.filters(includeClassNamePatterns(Arrays.stream(args).map(run::classPattern).toArray(String[]::new)));
        if (Arrays.stream(args).anyMatch(a -> a.contains("#"))) {
            request.filters(MethodFilter.includeMethodNamePatterns(Arrays.stream(args).map(run::methodPattern).toArray(String[]::new)));
        }
        var summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request.build(), summary, new ClassProgress(new PrintWriter(System.out, true)));
        var result = summary.getSummary();
        var out = new PrintWriter(System.out, true);
        result.getFailures().forEach(f -> {
            out.println("FAILED " + f.getTestIdentifier().getDisplayName() + " [" + f.getTestIdentifier().getUniqueId()
                    .replaceAll(".*class:([^\\]]+)\\].*", "$1") + "]");
            out.println("  " + f.getException());
            for (var frame : f.getException().getStackTrace()) {
                if (frame.getClassName().startsWith("looop")) out.println("    at " + frame);
            }
        });
        long failed = result.getTotalFailureCount();
        out.println(result.getTestsSucceededCount() + " passed, " + failed + " failed, "
                + (result.getTestsSkippedCount() + result.getTestsAbortedCount()) + " skipped");
        System.exit(failed == 0 && result.getTestsFoundCount() > 0 ? 0 : 1);
    }

    /** `Class#method` names a class by its simple name (or a regex); a bare argument is a class-name regex. */
    static String classPattern(String arg) {
        int hash = arg.indexOf('#');
        return hash < 0 ? arg : "(?:.*\\.)?(?:" + arg.substring(0, hash) + ")(?:\\$.*)?";
    }

    /** The method filter's pattern for arg: that method (with any parameters), or every method of a class regex. */
    static String methodPattern(String arg) {
        int hash = arg.indexOf('#');
        if (hash < 0) return "(?:" + arg + ")#.*";
        return classPattern(arg) + "#(?:" + arg.substring(hash + 1) + ")(?:\\(.*\\))?";
    }

    /** One line per finished top-level test class: its counts and its seconds. */
    static final class ClassProgress implements TestExecutionListener {
        /** Slots of a class's counts; BROKEN is set when the class itself failed (e.g. in @BeforeAll). */
        private static final int PASSED = 0, FAILED = 1, SKIPPED = 2, BROKEN = 3;
        private final PrintWriter out;
        private final Map<String, AtomicLongArray> counts = new ConcurrentHashMap<>();
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        /** Per top-level class: each distinct skip reason, with how many tests it skipped. */
        private final Map<String, Map<String, Long>> skipReasons = new ConcurrentHashMap<>();
        private TestPlan plan;

        ClassProgress(PrintWriter out) {
            this.out = out;
        }

        public void testPlanExecutionStarted(TestPlan plan) {
            this.plan = plan;
        }

        public void executionStarted(TestIdentifier id) {
            if (isTopClass(id)) started.put(id.getUniqueId(), System.nanoTime());
        }

        public void executionSkipped(TestIdentifier id, String reason) {
            long tests = id.isTest() ? 1 : plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count();
            count(id, SKIPPED, tests);
            skipped(id, reason, tests);
            if (isTopClass(id)) report(id);
        }

        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
                count(id, switch (result.getStatus()) {
                    case SUCCESSFUL -> PASSED;
                    case FAILED -> FAILED;
                    case ABORTED -> SKIPPED;
                }, 1);
                if (result.getStatus() == TestExecutionResult.Status.ABORTED) skipped(id, reasonOf(result), 1);
            } else if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                count(id, BROKEN, 1);
            } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) { // e.g. an assumption in @BeforeAll
                skipped(id, reasonOf(result), plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count());
            }
            if (isTopClass(id)) report(id);
        }

        private void count(TestIdentifier id, int which, long n) {
            TestIdentifier top = topClassOf(id);
            if (top == null) return;
            counts.computeIfAbsent(top.getUniqueId(), k -> new AtomicLongArray(4)).addAndGet(which, n);
        }

        private void skipped(TestIdentifier id, String reason, long tests) {
            TestIdentifier top = topClassOf(id);
            if (top == null) return;
            String line = reason == null || reason.isBlank() ? "no reason given" : reason.strip().lines().findFirst().orElse("");
            Map<String, Long> reasons = skipReasons.computeIfAbsent(top.getUniqueId(), k -> new LinkedHashMap<>());
            synchronized (reasons) {
                reasons.merge(line, tests, Long::sum);
            }
        }

        /** An assumption's message, without JUnit's "Assumption failed: " in front. */
        private static String reasonOf(TestExecutionResult result) {
            return result.getThrowable().map(Throwable::getMessage).map(m -> m.replaceFirst("^Assumption failed: ", "")).orElse(null);
        }

        private void report(TestIdentifier cls) {
            AtomicLongArray c = counts.getOrDefault(cls.getUniqueId(), new AtomicLongArray(4));
            Long start = started.get(cls.getUniqueId());
            double seconds = start == null ? 0 : (System.nanoTime() - start) / 1e9;
            boolean failed = c.get(FAILED) > 0 || c.get(BROKEN) > 0;
            String name = ((ClassSource) cls.getSource().get()).getClassName().replaceFirst("^looop\\.", "");
            synchronized (out) {
                out.printf("%-4s %s  %d passed, %d failed, %d skipped  %.1fs%n", failed ? "FAIL" : "ok", name,
                        c.get(PASSED), c.get(FAILED), c.get(SKIPPED), seconds);
                Map<String, Long> reasons = skipReasons.getOrDefault(cls.getUniqueId(), Map.of());
                synchronized (reasons) {
                    reasons.forEach((reason, n) -> out.printf("     skipped %d: %s%n", n, reason));
                }
            }
        }

        /** The outermost class around id (a @Nested class counts in the class that holds it), or null. */
        private TestIdentifier topClassOf(TestIdentifier id) {
            TestIdentifier top = null;
            for (TestIdentifier at = id; at != null; at = plan.getParent(at).orElse(null)) {
                if (isClass(at)) top = at;
            }
            return top;
        }

        private boolean isTopClass(TestIdentifier id) {
            return isClass(id) && topClassOf(id).getUniqueId().equals(id.getUniqueId());
        }

        private static boolean isClass(TestIdentifier id) {
            return id.getSource().filter(ClassSource.class::isInstance).isPresent();
        }
    }
}
