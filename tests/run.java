///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.junit.jupiter:junit-jupiter:5.14.1
//DEPS org.junit.platform:junit-platform-launcher:1.14.1
//SOURCES ../looop.java
//SOURCES *Test.java
//SOURCES support/*.java
//SOURCES ../runners/OpenAiHttp.java

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs every test through the JUnit Platform launcher and ends with the line
 * `N passed, N failed, N skipped`. Optional arguments are class-name regexes
 * (e.g. `.*WorldHash.*`) that narrow the run.
 */
public class run {
    public static void main(String... args) {
        var request = LauncherDiscoveryRequestBuilder.request().selectors(selectPackage("looop"));
        if (args.length > 0) request.filters(includeClassNamePatterns(args));
        var summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request.build(), summary);
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
}
