package looop.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import looop.act.moves.Kind;
import looop.act.moves.Moves;
import looop.decide.Prompt;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ManualTest {
    private final String manual = Manual.text();

    @Test
    void mentionsEveryCommand() {
        List<String> usages = List.of("looop [--json]", "looop run [--json]", "looop tick [--force|--now]", "looop sense",
                "looop hash", "looop decide", "looop act", "looop status [--json]", "looop journal [--tail N]",
                "looop cost [today|all] [--json]", "looop demo", "looop config bash|zsh", "looop version", "looop help",
                "looop sense | looop hash | looop decide | looop act");
        for (String u : usages) assertTrue(manual.contains(u), u);
        for (String verb : List.of("start-session", "ls", "attach", "detach", "watch", "log", "shot", "send", "key",
                "expect", "wait", "wait-idle", "resize", "restart", "prune")) {
            assertTrue(Pattern.compile("(?m)^ +looop " + Pattern.quote(verb) + "( |$)").matcher(manual).find(), verb);
        }
        for (String internal : List.of("flag", "unflag", "kill", "claim", "unclaim", "cost")) {
            assertTrue(Pattern.compile("(?m)^ +_ " + internal + "( |$)").matcher(manual).find(), "_ " + internal);
        }
        assertTrue(manual.contains("tmux"), "says what workers run in");
    }

    @Test
    void mentionsEveryEnvironmentVariable() {
        for (String var : List.of("LOOOP_DATA_DIR", "LOOOP_CONFIG", "XDG_STATE_HOME", "LOOOP_SENSOR_TIMEOUT",
                "LOOOP_SENSOR_MAX_BYTES", "LOOOP_RUNS_KEEP", "LOOOP_SESSION_TTL", "LOOOP_INTERVAL",
                "LOOOP_BUSY_INTERVAL", "LOOOP_ACTIVE_INTERVAL", "LOOOP_LOG_FORMAT", "LOOOP_COLOR", "NO_COLOR",
                "LOOOP_SHELL_TIMEOUT", "LOOOP_BIN", "LOOOP_CLAIMS_DIR", "LOOOP_REPORTS_DIR", "LOOOP_COST_LEDGER",
                "LOOOP_SESSION_ID", "LOOOP_STUCK_AFTER")) {
            assertTrue(Pattern.compile("\\b" + var + "\\b").matcher(manual).find(), var);
        }
    }

    @Test
    void coversTheIdeaNounsBeatRulesDecisionsAndCost() {
        for (String heading : List.of("THE IDEA", "THE NOUNS", "ONE BEAT", "RULES", "DECISIONS", "RUNNERS AND COST",
                "PATHS", "ENVIRONMENT", "USAGE", "EXIT CODES")) {
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
                "max_daily_usd", "3 runs in a row", "next_interval_s")) {
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
            assertTrue(line.codePointCount(0, line.length()) <= 100, "too wide: " + line);
            assertFalse(line.contains("\t"), "tab in: " + line);
            assertFalse(line.endsWith(" "), "trailing space in: " + line);
        });
        assertTrue(manual.endsWith("\n"));
    }

    // -- the command listing against the command line ------------------------------

    private static final Pattern USAGE_LINE = Pattern.compile("(?m)^ {2,}(looop|_)((?: [a-z][a-z-]*)*)(.*)$");
    private static final Pattern BRACKETED = Pattern.compile("\\[(-[^\\]]*)\\]");

    /**
     * The command list shows only the first line of a description: each
     * command's first line is a whole sentence, never cut mid-way.
     */
    @Test
    void everyCommandListLineIsAWholeSentence() {
        List<CommandLine> all = new ArrayList<>(List.of(Main.commandLine(Context.fromProcess())));
        for (int i = 0; i < all.size(); i++) {
            CommandLine cl = all.get(i);
            all.addAll(cl.getSubcommands().values());
            String[] description = cl.getCommandSpec().usageMessage().description();
            if (description.length == 0 || cl.getParent() == null) continue;
            String first = description[0].strip();
            assertTrue(first.matches("(?s).*[.?!)…]$"), cl.getCommandSpec().qualifiedName() + ": '" + first + "'");
        }
    }

    /** One command the manual lists, with the options it shows in brackets. */
    record Listed(CommandLine command, String line, List<String> options) {}

    /** Each `looop VERB …` / `_ VERB …` line of the listing, resolved to the command it names. */
    private static List<Listed> listed() {
        CommandLine root = Main.commandLine(Context.fromProcess());
        List<Listed> out = new ArrayList<>();
        Matcher m = USAGE_LINE.matcher(Manual.commands());
        while (m.find()) {
            CommandLine cl = m.group(1).equals("_") ? root.getSubcommands().get("_") : root;
            String rest = m.group(2) + m.group(3);
            for (String word : m.group(2).strip().split(" ")) {
                if (word.isEmpty() || !cl.getSubcommands().containsKey(word)) break;
                cl = cl.getSubcommands().get(word);
            }
            List<String> options = new ArrayList<>();
            Matcher b = BRACKETED.matcher(rest);
            while (b.find()) {
                for (String alt : b.group(1).split("\\|")) options.add(alt.strip().split(" ")[0]);
            }
            out.add(new Listed(cl, m.group(0).strip(), options));
        }
        return out;
    }

    @Test
    void everyOptionTheManualListsExists() {
        List<Listed> listed = listed();
        assertTrue(listed.size() >= 35, "found the listing: " + listed.size());
        int options = 0;
        for (Listed l : listed) {
            for (String option : l.options()) {
                options++;
                assertTrue(l.command().getCommandSpec().findOption(option) != null,
                        "`" + l.line() + "` lists " + option + ", which `" + l.command().getCommandName() + "` does not take");
            }
        }
        assertTrue(options >= 25, "read the options: " + options);
    }

    @Test
    void everyOptionOfEveryCommandIsInTheManual() {
        List<Listed> listed = listed();
        java.util.Set<String> shown = new java.util.HashSet<>();
        for (Listed l : listed) shown.add(l.command().getCommandSpec().qualifiedName());
        String manual = Manual.text();
        CommandLine root = Main.commandLine(Context.fromProcess());
        List<CommandLine> all = new ArrayList<>(root.getSubcommands().values());
        all.addAll(root.getSubcommands().get("_").getSubcommands().values());
        for (CommandLine cl : all) {
            if (!cl.getSubcommands().isEmpty()) continue; // `_`: its verbs are listed one by one
            if (cl.getCommandSpec().usageMessage().hidden()) continue; // `_ reference`: for the docs, not a person's verb
            String name = cl.getCommandSpec().qualifiedName(" ").replaceFirst("^looop ", "");
            assertTrue(shown.contains(cl.getCommandSpec().qualifiedName()), "the manual lists no `" + name + "`");
            for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
                if (o.inherited() || o.hidden()) continue;
                assertTrue(manual.contains(o.longestName()), "`" + name + " " + o.longestName() + "` is not in the manual");
            }
        }
        for (String global : List.of("-h/--help", "--json", "--verbose")) assertTrue(manual.contains(global), global);
    }
}
