package looop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import looop.act.moves.Kind;
import looop.act.moves.Moves;
import looop.decide.Prompt;
import looop.profile.Knob;
import looop.profile.Variable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `looop help`: prose by hand, every list printed from the code that holds it. */
class ManualTest {
    private static CommandLine root() {
        return Main.commandLine(Context.fromProcess());
    }

    private final String manual = Manual.text(root());

    /** Every visible command with no sub-verbs, anywhere in the tree: what the manual lists. */
    private static List<CommandLine> leaves(CommandLine cl) {
        List<CommandLine> out = new ArrayList<>();
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().usageMessage().hidden()) continue;
            if (sub.getSubcommands().isEmpty()) out.add(sub);
            else out.addAll(leaves(sub));
        }
        return out;
    }

    @Test
    void listsEveryCommandWithItsSynopsisAndEveryOption() {
        List<CommandLine> leaves = leaves(root());
        assertTrue(leaves.size() >= 50, "the whole tree: " + leaves.size());
        for (CommandLine cl : leaves) {
            String synopsis = Manual.synopsis(cl);
            assertTrue(Pattern.compile("(?m)^  " + Pattern.quote(synopsis) + "( |$)").matcher(manual).find(), synopsis);
            String[] description = cl.getCommandSpec().usageMessage().description();
            assertTrue(manual.contains(description[0].split(" ")[0] + " "), synopsis + ": its description");
            for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
                if (o.inherited() || o.hidden() || o.usageHelp()) continue;
                assertTrue(synopsis.contains(o.shortestName()), "`" + synopsis + "` lacks " + o.shortestName()); // picocli's synopsis names the shortest
            }
        }
        assertFalse(manual.contains("_ reference"), "a hidden verb is for the docs, not the manual");
        for (String s : List.of("looop tick [--force] [--now]", "looop ls [--watch]", "_ flag ID", "looop schedule add", "looop kill ID",
                "looop sense | looop hash | looop decide | looop act", "tmux")) {
            assertTrue(manual.contains(s), s);
        }
    }

    /** Sections are the one thing kept by hand: each verb in exactly one, and each name there a verb. */
    @Test
    void everyVerbIsInASectionAndEverySectionNamesVerbs() {
        CommandLine root = root();
        List<String> placed = new ArrayList<>();
        for (Manual.Section s : Manual.SECTIONS) {
            for (String verb : s.verbs()) {
                assertTrue(root.getSubcommands().containsKey(verb), s.heading() + " names no verb '" + verb + "'");
                assertFalse(placed.contains(verb), verb + " is in two sections");
                placed.add(verb);
            }
        }
        for (String verb : root.getSubcommands().keySet()) assertTrue(placed.contains(verb), "no section lists `looop " + verb + "`: add it to Manual.SECTIONS");
        assertFalse(manual.contains("MORE COMMANDS"), "every verb has its section");
    }

    /** A verb added without a section still reaches the manual: the listing cannot lose one. */
    @Test
    void aVerbWithoutASectionIsListedAllTheSame() {
        CommandLine root = root();
        root.addSubcommand("brand-new", new CommandLine(new NewVerb()));
        String text = Manual.text(root);
        assertTrue(text.contains("MORE COMMANDS\n  looop brand-new [--shiny]"), text.substring(text.indexOf("INSIDE A WORKER")));
        assertTrue(text.contains("A verb no section names yet."));
    }

    @picocli.CommandLine.Command(name = "brand-new", description = "A verb no section names yet.")
    static final class NewVerb implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Option(names = "--shiny", description = "New.") boolean shiny;

        public Integer call() {
            return 0;
        }
    }

    @Test
    void namesEveryKnobAndEveryVariable() {
        for (Knob k : Knob.values()) {
            if (k.env != null) assertTrue(Pattern.compile("(?m)^  .*\\b" + k.env + "\\b").matcher(manual).find(), k.env);
            if (k.key != null) assertTrue(Pattern.compile("(?m)^  " + Pattern.quote(k.key) + "[ ,]").matcher(manual).find(), k.key);
            assertTrue(manual.contains(k.meaning().split(" ")[0]), k.meaning());
        }
        for (Variable v : Variable.values()) assertTrue(Pattern.compile("(?m)^  " + v.name() + " ").matcher(manual).find(), v.name());
    }

    @Test
    void coversTheIdeaNounsBeatRulesDecisionsAndCost() {
        for (String heading : List.of("THE IDEA", "THE NOUNS", "ONE BEAT", "RULES", "DECISIONS", "RUNNERS AND COST",
                "PATHS", "SETTINGS", "ENVIRONMENT", "USAGE", "WORKERS", "INSIDE A WORKER", "EXIT CODES")) {
            assertTrue(Pattern.compile("(?m)^" + heading).matcher(manual).find(), heading);
        }
        for (String noun : List.of("playbook", "goals", "sensors", "snapshots", "journal", "workers", "claims", "runners")) {
            assertTrue(Pattern.compile("(?m)^  " + noun + " ").matcher(manual).find(), noun);
        }
        for (int step = 0; step <= 8; step++) {
            assertTrue(Pattern.compile("(?m)^  " + step + " ").matcher(manual).find(), "beat step " + step);
        }
        for (String action : Prompt.ACTIONS) {
            assertTrue(Pattern.compile("(?m)^ +" + action + " ").matcher(manual).find(), action);
        }
        for (String s : List.of("Kubernetes", "etcd", "informers", "claude", "pi ", "\"type\"", "\"pointer\"", "\"mode\"",
                "max_daily_usd", "3 runs in a row", "next_interval_s", "-h/--help", "--json", "--verbose")) {
            assertTrue(manual.contains(s), s);
        }
        for (String code : List.of("0    ok", "1    error", "2    usage", "124  timeout")) assertTrue(manual.contains(code), code);
    }

    /** Both action tables are rendered from the move registry: every action, with the same fields, in both. */
    @Test
    void actionTableMatchesThePromptsRowForRow() {
        for (Kind<?> k : Moves.ALL) {
            String row = "(?m)^ +" + Pattern.quote(k.action()) + " +" + Pattern.quote(k.fieldList()) + " +\\S";
            assertTrue(Pattern.compile(row).matcher(manual).find(), "manual row: " + k.action());
            assertTrue(Pattern.compile(row).matcher(Prompt.INSTRUCTIONS).find(), "prompt row: " + k.action());
            assertTrue(manual.contains(k.whatLooopDoes().split("[;,(]")[0]), k.action());
            assertTrue(Prompt.INSTRUCTIONS.contains(k.forDecider().split("[;,(]")[0]), k.action());
        }
        assertTrue(manual.contains("looop sense | looop hash | looop gate | looop decide | looop act"));
    }

    @Test
    void fitsA100ColumnTerminal() {
        manual.lines().forEach(line -> {
            assertTrue(line.codePointCount(0, line.length()) <= Manual.MAX_COLUMNS, "too wide: " + line);
            assertFalse(line.contains("\t"), "tab in: " + line);
            assertFalse(line.endsWith(" "), "trailing space in: " + line);
        });
        assertTrue(manual.endsWith("\n"));
    }

    /** `looop help` prints this very text, from the whole tree (help is given every verb). */
    @Test
    void helpPrintsIt() {
        var profile = new looop.TestProfile(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")).resolve("looop-manual-" + ProcessHandle.current().pid()));
        looop.Beats.Cli r = looop.Beats.cli(profile, "", "help");
        assertEquals(0, r.code(), r.err());
        assertEquals(manual, r.out());
    }

    /**
     * The command list shows only the first line of a description: each
     * command's first line is a whole sentence, never cut mid-way.
     */
    @Test
    void everyCommandListLineIsAWholeSentence() {
        List<CommandLine> all = new ArrayList<>(List.of(root()));
        for (int i = 0; i < all.size(); i++) {
            CommandLine cl = all.get(i);
            all.addAll(cl.getSubcommands().values());
            String[] description = cl.getCommandSpec().usageMessage().description();
            if (description.length == 0 || cl.getParent() == null) continue;
            String first = description[0].strip();
            assertTrue(first.matches("(?s).*[.?!)…]$"), cl.getCommandSpec().qualifiedName() + ": '" + first + "'");
        }
    }
}
