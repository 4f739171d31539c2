package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import looop.Beats;
import looop.TestProfile;
import looop.io.Fs;
import looop.profile.Knob;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/reference.md is what `looop _ reference` prints: generated from the code, so it cannot drift. */
class ReferenceTest {
    @Test
    void theCommittedReferenceIsTheGeneratedOne() {
        Beats.Cli r = Beats.cli(new TestProfile(Path.of(System.getProperty("java.io.tmpdir")).resolve("looop-reference-" + ProcessHandle.current().pid())),
                "", "_", "reference");
        assertEquals(0, r.code(), r.err());
        String generated = r.out();
        for (Knob k : Knob.values()) if (k.env != null) assertTrue(generated.contains("`" + k.env + "`"), k.env);
        assertTrue(generated.contains("### looop kill\n") && generated.contains("### looop schedule add\n"), "every command, sub-verbs too");
        assertEquals(generated, Fs.readOrNull(Path.of("docs/reference.md")),
                "docs/reference.md differs from the code; regenerate it: ./jbang looop _ reference > docs/reference.md");
    }

    /**
     * The environment's one table: every LOOOP_ variable the code or the
     * ./jbang wrapper reads or exports is a knob's or in Variable, so the
     * manual and this reference, printed from those, name it.
     */
    @Test
    void everyVariableTheCodeUsesIsInATable() throws Exception {
        java.util.Set<String> known = new java.util.TreeSet<>();
        for (Knob k : Knob.values()) if (k.env != null) known.add(k.env);
        for (looop.profile.Variable v : looop.profile.Variable.values()) known.add(v.name());
        java.util.Set<String> used = new java.util.TreeSet<>();
        java.util.regex.Pattern literal = java.util.regex.Pattern.compile("\"(LOOOP_[A-Z_]*[A-Z])\"");
        java.util.List<Path> sources = new java.util.ArrayList<>();
        for (String dir : java.util.List.of("lib", "runners")) {
            try (var walk = java.nio.file.Files.walk(Path.of(dir))) {
                walk.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
            }
        }
        for (Path f : sources) {
            var m = literal.matcher(java.nio.file.Files.readString(f));
            while (m.find()) used.add(m.group(1));
        }
        var m = java.util.regex.Pattern.compile("\\$\\{?(LOOOP_[A-Z_]*[A-Z])").matcher(java.nio.file.Files.readString(Path.of("jbang")));
        while (m.find()) used.add(m.group(1));
        assertTrue(used.size() >= 30, "found the variables: " + used);
        used.removeAll(known);
        assertEquals(java.util.Set.of(), used, "variables in no table: add them to lib/looop/profile/Variable.java (or Knob)");
    }

    /** The README's command table names every verb, and only verbs, with options they take. */
    @Test
    void theReadmesCommandTableNamesEveryVerb() {
        CommandLine root = Main.commandLine(Context.fromProcess());
        String readme = Fs.readOrNull(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## The commands"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        java.util.Set<String> named = new java.util.HashSet<>();
        int rows = 0;
        for (String line : section.lines().toList()) {
            if (!line.startsWith("| `")) continue;
            rows++;
            String cell = line.substring(1, line.replace("\\|", "##").indexOf('|', 1)).replace("\\|", "|");
            var seg = java.util.regex.Pattern.compile("`([^`]+)`").matcher(cell);
            while (seg.find()) {
                List<String> words = new java.util.ArrayList<>(List.of(seg.group(1).strip().split(" +")));
                if (words.get(0).equals("looop")) words.remove(0);
                if (words.isEmpty() || words.get(0).startsWith("-")) continue; // `looop` alone, the pulse
                CommandLine cl = root.getSubcommands().get(words.get(0));
                assertTrue(cl != null, "README names `" + seg.group(1) + "`, which is no command: " + line);
                named.add(words.get(0));
                for (String w : words.subList(1, words.size())) if (cl.getSubcommands().containsKey(w)) cl = cl.getSubcommands().get(w);
                var bracket = java.util.regex.Pattern.compile("\\[(-[^\\]]*)\\]").matcher(seg.group(1));
                while (bracket.find()) {
                    for (String alt : bracket.group(1).split("\\|")) {
                        String option = alt.strip().split(" ")[0].replace("[", "");
                        assertTrue(cl.getCommandSpec().findOption(option) != null, "README: `" + seg.group(1) + "` shows " + option + ", which it does not take");
                    }
                }
            }
        }
        assertTrue(rows >= 10, "read the table: " + rows);
        for (var e : root.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().usageMessage().hidden()) continue;
            assertTrue(named.contains(e.getKey()), "README.md's \"The commands\" table does not name `looop " + e.getKey() + "`: add it");
        }
    }
}
