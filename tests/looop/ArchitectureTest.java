package looop;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages of lib/looop are layers (docs/design.md): a class may use its
 * own package and the layers below it, never one above, and no two packages
 * lean on each other. This test is that rule, so an import against it fails
 * the build instead of growing a cycle.
 */
class ArchitectureTest {
    /** Top to bottom; each layer may use only the layers after it (docs/design.md draws the same list). */
    static final List<String> LAYERS = List.of(
            "cli", "mcp", "web", "watch", "state", "beat", "gate", "decide", "act", "sense", "notify", "schedule", "human",
            "workers", "profile", "sandbox", "git", "io", "fast");

    /**
     * Uses against the order not yet turned around: the class, and the
     * package above it that it uses. The list only shrinks; each line says
     * the honest fix.
     */
    static final Map<String, String> NOT_YET = Map.of();

    private static final Pattern PACKAGE = Pattern.compile("<looop\\.(\\w+)\\.");
    /** The top-level class a violation starts in (a nested class or lambda counts as its outer class). */
    private static final Pattern ORIGIN = Pattern.compile("<(looop\\.\\w+\\.[A-Z]\\w*)");

    static JavaClasses lib;

    @BeforeAll
    static void importLib() {
        // One example per edge keeps a cycle's report readable.
        ArchConfiguration.get().setProperty("cycles.maxNumberOfDependenciesPerEdge", "1");
        ArchConfiguration.get().setProperty("cycles.maxNumberToDetect", "20");
        // every package under looop. (the tests' own package, looop, is not lib), so a new one is caught below
        // the tests share lib's packages (tests/looop/<package>/): a class whose source is a *Test.java is not lib
        lib = new ClassFileImporter().importPackages("looop").that(JavaClass.Predicates.resideInAPackage("looop.*.."))
                .that(com.tngtech.archunit.base.DescribedPredicate.describe("lib, not a test",
                        c -> c.getSource().flatMap(s -> s.getFileName()).map(f -> !f.endsWith("Test.java")).orElse(true)));
    }

    @Test
    void everyPackageIsALayer() {
        var packages = lib.stream().map(c -> c.getPackageName().split("\\.")[1]).distinct().sorted().toList();
        assertEquals(List.of(), packages.stream().filter(p -> !LAYERS.contains(p)).toList(),
                "packages of lib/looop missing from ArchitectureTest.LAYERS (and docs/design.md)");
    }

    @Test
    void noCyclesBetweenPackages() {
        var rule = slices().matching("looop.(*)..").should().beFreeOfCycles();
        for (var known : NOT_YET.entrySet()) {
            rule = rule.ignoreDependency(JavaClass.Predicates.belongTo(HasName.Predicates.name(known.getKey())),
                    JavaClass.Predicates.resideInAPackage("looop." + known.getValue() + ".."));
        }
        rule.check(lib);
    }

    /** Every upward use, one line per pair of packages: how many, and the first. */
    @Test
    void noImportAgainstTheLayerOrder() {
        Map<String, List<String>> upward = new TreeMap<>();
        for (int i = 1; i < LAYERS.size(); i++) {
            String[] above = LAYERS.subList(0, i).stream().map(l -> "looop." + l + "..").toArray(String[]::new);
            var result = noClasses().that().resideInAPackage("looop." + LAYERS.get(i) + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(above).allowEmptyShould(true).evaluate(lib);
            for (String detail : result.getFailureReport().getDetails()) {
                var packages = PACKAGE.matcher(detail).results().map(m -> m.group(1)).toList();
                if (notYet(detail)) continue;
                var target = packages.stream().filter(p -> LAYERS.indexOf(p) < LAYERS.indexOf(packages.get(0)))
                        .findFirst().orElse("?");
                upward.computeIfAbsent(packages.get(0) + " -> " + target, k -> new java.util.ArrayList<>()).add(detail);
            }
        }
        var report = new StringBuilder();
        upward.forEach((pair, details) -> report.append("\n").append(pair).append(" (").append(details.size())
                .append("): ").append(details.get(0)));
        assertEquals("", report.toString(), "imports against the layer order " + LAYERS);
    }

    /**
     * looop.json is read by the command or the beat, once, and handed down
     * (a beat reads it again, so an edit counts from the next one).
     */
    @Test
    void onlyTheCommandAndTheBeatReadTheConfig() {
        // web: the server is a command, and each request its unit, as each beat is
        // the beat's: looop.json is read for the request, so an edit shows on the next one
        var result = noClasses().that().resideOutsideOfPackages("looop.cli..", "looop.web..", "looop.beat..")
                .should().callMethod(looop.profile.Config.class, "load", looop.profile.Paths.class).evaluate(lib);
        assertEquals("", String.join("\n", result.getFailureReport().getDetails()), "Config.load below the command layer");
    }

    private static boolean notYet(String detail) {
        var origin = ORIGIN.matcher(detail);
        if (!origin.find()) return false;
        String target = NOT_YET.get(origin.group(1));
        return target != null && detail.substring(origin.end()).contains("<looop." + target + ".");
    }
}
