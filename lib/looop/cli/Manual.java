package looop.cli;

import java.util.ArrayList;
import java.util.List;
import looop.act.moves.Moves;
import looop.profile.Knob;
import looop.profile.Variable;
import picocli.CommandLine;

/**
 * `looop help`: the full manual. The prose (the idea, the nouns, a beat, the
 * rules) is written here; every list that could drift is printed from where
 * the code keeps it: the actions from the move registry, the commands and
 * their options from picocli's command model, the settings from Knob and the
 * environment from Variable. Help is no quick path (it builds the whole
 * command tree anyway), so this reads the model as it stands.
 */
public final class Manual {
    private Manual() {}

    /** Terminals are at least this wide; the manual never needs a wider one. */
    public static final int MAX_COLUMNS = 100;

    /** Where a command's description starts in the listing, and a setting's range. */
    private static final int TEXT_COLUMN = 34;

    /** The manual for the command tree under root (the whole tree: `help` is given every verb). */
    public static String text(CommandLine root) {
        return PREFACE + actionTable() + RUNTIME + settings() + environment() + commands(root) + EXIT_CODES;
    }

    /** The table of decisions: what the AI may ask for. */
    public static String actionTable() {
        return ACTIONS;
    }

    /**
     * A heading, the prose above its commands, the verbs it lists (a verb with
     * sub-verbs lists each of them), and the prose below. Which section a verb
     * belongs to is the one thing kept by hand here: a verb no section names
     * is listed under MORE COMMANDS all the same (and ManualTest fails).
     */
    record Section(String heading, String above, List<String> verbs, String below) {}

    static final List<Section> SECTIONS = List.of(
            new Section("USAGE", """
                      looop                           run the pulse in the foreground and stream its log;
                                                      Ctrl-C stops it and every live worker
                    """, List.of("run", "tick", "sense", "hash", "gate", "decide", "act", "status", "state", "journal", "playbook", "constitution", "goal", "cost",
                    "demo", "init", "doctor", "config", "version", "help"), """

                      Every command takes -h/--help (its usage), --json and --verbose (stack traces),
                      before or after its name: `looop --json status` is `looop status --json`.
                      DUR is 500ms, 30s, 5m, 1h, 1d or 1h30m (a bare number is seconds).
                      `looop help COMMAND` prints one command's usage with every option explained.

                      The stages compose; `looop tick` runs the same functions in one process:
                        looop sense | looop hash | looop gate | looop decide | looop act
                        looop sense | looop hash | looop decide | looop act     # decide gates itself
                        looop sense | jq '.snapshots["sensor-today.json"]'
                        echo '{"action":"write_goal","id":"x","body":"..."}' | looop act
                    """),
            new Section("WORKERS (each in its own tmux session on the profile's private tmux server)", "",
                    List.of("start-session", "ls", "attach", "detach", "watch", "log", "shot", "send", "key", "expect", "wait",
                            "wait-idle", "resize", "restart", "kill", "prune", "diff", "merge", "merge-order", "discard"), """
                      These refuse "pulse": watch it with `looop watch pulse`, stop it with Ctrl-C.
                    """),
            new Section("WHEN LOOOP NEEDS YOU (asks, tells, notifications, schedules)", "",
                    List.of("ask", "asks", "answer", "tell", "schedule", "mcp"), """
                      "notify" in private/secrets.json sends asks, worker exits, failing beats, the budget and
                      send_notification moves to command, ntfy, webhook or desktop channels.
                    """),
            new Section("THE WEB PAGE", "", List.of("web"), ""),
            new Section("INSIDE A WORKER (internal verbs, called as \"$LOOOP_BIN\" _ ...)", """
                      ask "$LOOOP_SESSION_ID" <q>     ask the human and wait for the answer (above)
                    """, List.of("_"), ""));

    /** Options every verb takes: said once under USAGE, not on every line. */
    private static final List<String> GLOBAL = List.of(" [-h]", " [--json]", " [--verbose]");

    /** Every visible command, section by section, as its synopsis and the first line of its description. */
    static String commands(CommandLine root) {
        StringBuilder out = new StringBuilder();
        List<String> placed = new ArrayList<>();
        for (Section s : SECTIONS) {
            out.append(s.heading()).append('\n').append(s.above());
            for (String verb : s.verbs()) {
                CommandLine cl = root.getSubcommands().get(verb);
                if (cl != null) listed(cl, out);
                placed.add(verb);
            }
            out.append(s.below()).append('\n');
        }
        StringBuilder more = new StringBuilder();
        for (var e : root.getSubcommands().entrySet()) {
            if (!placed.contains(e.getKey())) listed(e.getValue(), more);
        }
        if (more.length() > 0) out.append("MORE COMMANDS\n").append(more).append('\n');
        return out.toString();
    }

    /** cl's line (or, for a verb with sub-verbs, theirs), unless hidden. */
    private static void listed(CommandLine cl, StringBuilder out) {
        if (cl.getCommandSpec().usageMessage().hidden()) return;
        if (!cl.getSubcommands().isEmpty()) {
            for (CommandLine sub : cl.getSubcommands().values()) listed(sub, out);
            return;
        }
        String[] description = cl.getCommandSpec().usageMessage().description();
        columns(out, synopsis(cl), description.length == 0 ? "" : description[0]);
    }

    /** picocli's synopsis of cl on one line, without the global options; `_ x` for the internal verbs. */
    static String synopsis(CommandLine cl) {
        String s = cl.getHelp().detailedSynopsis(0, null, false).strip().replaceAll("\\s+", " ");
        for (String global : GLOBAL) s = s.replace(global, "");
        return s.startsWith("looop _ ") ? s.substring("looop ".length()) : s;
    }

    /** Every knob: its looop.json key, the variable that wins over it, its range. */
    static String settings() {
        StringBuilder out = new StringBuilder("""
                SETTINGS
                  Each number in looop.json (dots: a key inside a section) and the environment variable
                  that wins over it; a setting in seconds also takes a duration: "30m", "1d".
                """);
        for (Knob k : Knob.values()) {
            String left = (k.key == null ? "" : k.key) + (k.key != null && k.env != null ? ", " : "") + (k.env == null ? "" : k.env);
            columns(out, left, k.meaning() + "; " + k.range());
        }
        return out.append('\n').toString();
    }

    /** The variables that are not knobs, by who sets them. */
    static String environment() {
        StringBuilder out = new StringBuilder("ENVIRONMENT\n  The LOOOP_ variables under SETTINGS, and:\n");
        for (Variable.Who who : Variable.Who.values()) {
            out.append("  ").append(who.words).append(who == Variable.Who.YOU ? "" : who == Variable.Who.WRAPPER ? "" :
                    " (to every sensor, runner, run_shell command and worker)").append(":\n");
            for (Variable v : Variable.values()) if (v.who == who) columns(out, v.name(), v.meaning);
        }
        out.append("""
                  Every command looop runs uses bash -c with looop's own environment and PATH. For a
                  login shell, write bash -lc '...' in the command yourself.

                """);
        return out.toString();
    }

    /** left at the margin (wrapped, never cut), text wrapped in the column after it, or below when left is too wide. */
    private static void columns(StringBuilder out, String left, String text) {
        StringBuilder line = wrap(out, new StringBuilder("  "), left, 4);
        if (line.length() + 2 > TEXT_COLUMN) {
            out.append(line).append('\n');
            line = new StringBuilder();
        }
        line.append(" ".repeat(TEXT_COLUMN - line.length()));
        out.append(wrap(out, line, text, TEXT_COLUMN).toString().stripTrailing()).append('\n');
    }

    /** Appends text's words to line, sending full lines to out (the next indented by indent); the last, open line. */
    private static StringBuilder wrap(StringBuilder out, StringBuilder line, String text, int indent) {
        boolean first = true;
        for (String w : text.strip().split(" +")) {
            if (w.isEmpty()) continue;
            if (!first && line.length() + 1 + w.length() > MAX_COLUMNS) {
                out.append(line).append('\n');
                line = new StringBuilder(" ".repeat(indent));
                first = true;
            }
            line.append(first ? "" : " ").append(w);
            first = false;
        }
        return line;
    }

    /** The idea, the nouns, one beat, the rules, and the head of DECISIONS. */
    private static final String PREFACE = """
            looop - a personal control loop, shaped like a Kubernetes controller

            THE IDEA
              Once per beat looop looks at the world, compares it with the desired state, and asks
              an AI for exactly ONE move, which looop itself (not the AI) then executes and logs.
              Like a Kubernetes controller it is level-triggered: every beat re-derives everything
              from files, so a crashed beat, a dead worker or days offline heal on the next beat.

                Kubernetes               looop
                desired state (YAML)     goals/*.md (inert; never executed)
                etcd                     the data dir (files are the only memory)
                informers                sensors/*.sh (each prints one JSON object)
                reconcile loop           the pulse: sense -> diff -> decide one move -> act -> log
                scheduler policy         PLAYBOOK.md (priorities and guardrails, in prose)
                Job / Pod                a worker session (an agent working in a terminal)

            THE NOUNS
              playbook   PLAYBOOK.md: what the loop is for, what comes first, what it must never
                         do. Prose for the AI to weigh, not rules for a parser.
              goals      goals/<id>.md: desired state, one outcome each. Read, never executed.
                         Finished goals move to goals/archive/.
              sensors    sensors/<name>.sh: executables that each print ONE JSON object,
                         {"signal":{...},"detail":{...}}. Only a change in "signal" wakes the loop;
                         "detail" is context for the AI. Examples ship in looop's sensors/examples/.
              snapshots  snapshots/*.json: this beat's readings (sensor-<name>.json from your
                         sensors, sys-sessions/sys-claims/sys-goals from looop). Wiped every beat.
              journal    journal.md: one line per move, "- YYYY-MM-DD HH:MM <text>". Append-only.
              workers    agents running detached in real terminals (tmux), started by a move. They
                         outlive looop, can be watched and driven, and flag a human when stuck.
              claims     claims/<name>.json: a worker's lease on a shared thing (a repo, a branch),
                         so two workers never touch it at once. Dead holders lose their leases.
              runners    the AI CLIs looop calls: "claude", "pi", or your own in looop.json. A
                         runner decides the beat (prompt on stdin) and powers workers.

            ONE BEAT (looop tick)
              0 housekeeping  reap finished sessions older than the retention window; drop claims
                              whose session is not alive
              1 sense         wipe snapshots/, run every sensor, write the snapshots
              2 diff          hash the world (playbook, goals, wake signals)
              3 gate          unchanged since the last good beat and not forced: stop here, no AI
                              call, no cost; a world that failed before waits 60s x 2^(fails-1),
                              at most 1 hour
              4 budget        (the gate too) stop when today's spend reached max_daily_usd, or when
                              the runner left 3 runs in a row unmetered while a budget is set
              5 decide        write runs/<id>/prompt.md, run the runner in the data dir, keep its
                              output in runs/<id>/output.log and tick.log, meter the spend
              6 act           read .decision.json (deleted whatever happens), validate, execute,
                              append the journal line
              7 commit        a good move records the world hash and clears the backoff; any failure
                              leaves the hash uncommitted so a later beat retries
              8 prune         keep the newest LOOOP_RUNS_KEEP run archives

            RULES
              1. One beat, at most one move. The AI only emits a typed action; looop is the sole
                 executor and writes one journal line.
              2. The pulse is deterministic code; judgment is the AI; memory is files.
              3. Nothing irreversible happens automatically: workers prepare, flag, and wait for a
                 human.
              4. Workers ask (flag and wait) rather than guess.
              5. Level-triggered: no hidden "what I was waiting for" state.
              6. Single writer: only the pulse writes PLAYBOOK.md, goals/, sensors/ and journal.md.
                 Workers write claims/, reports/ and their own sandbox.

            DECISIONS
              The AI writes one JSON object to .decision.json in the data dir, e.g.
                {"action":"write_goal","id":"fix-ci","body":"# Fix CI\\n...","journal":"new goal"}

            """;

    private static final String ACTIONS = """
                action             fields          what looop does
            """ + Moves.table(Moves.Audience.MANUAL, "    ", 19, 16, 90) + """

            """;

    /** The rest of DECISIONS, runners and cost, paths. */
    private static final String RUNTIME = """
              Any action may add "journal" (the line to log; looop's own summary when empty) and
              "next_interval_s" (5..3600: the next sleep, once; also forces the next beat to
              decide). Ids and names must be safe file names: letters, digits, - and _.

            RUNNERS AND COST
              looop.json names the default runner and the runner table:
                {"default":"claude",
                 "runners":{"<name>":{"tick":"<cmd, prompt on stdin>",
                                      "interactive":"<cmd using {{prompt_file}}>",
                                      "resume":"<cmd>",
                                      "cost":{"type":"<event type>","pointer":"/json/pointer",
                                              "mode":"sum|total"}}},
                 "max_daily_usd":null, "run_shell":{"deny":[...],"allow":[...]},
                 "runner_retry":{"exit_codes":[75],"patterns":[...]}}
              and the numbers under SETTINGS. run_shell: the gate in front of shell moves (see
              docs/reliability.md); runner_retry: which runner failures (rate limit, overload,
              network) are retried within the beat.
              claude   built in; metered from the final result event's total_cost_usd
              pi       built in; metered by summing each message_end's message.usage.cost.total
              custom   give "cost": events whose "type" equals cost.type contribute the number at
                       cost.pointer, added up (sum) or last one wins (total)
              Every metered run with a cost above 0 adds a row to cost.jsonl; workers report their
              own spend with `looop _ cost`. With max_daily_usd set, beats stop once today's
              local-day total reaches it, and fail closed after 3 runs in a row that reported no
              cost at all (an unmetered runner could spend without limit) until the runner or its
              cost spec changes. A runner whose first word is not on PATH fails fast, naming it.

            PATHS
              data dir   $LOOOP_DATA_DIR, else ${XDG_STATE_HOME:-$HOME/.local/state}/looop
              config     $LOOOP_CONFIG, else <data dir>/looop.json
              Kept:      PLAYBOOK.md playbook.d/ goals/ sensors/ journal.md reports/ cost.jsonl looop.json
              Scratch:   snapshots/ claims/ runs/ prompts/ sessions/ workers/ events.jsonl tick.log
                         .last-tick-hash .tick-backoff .cost-unmetered .goal-activity.json
                         .decision.json .lock/ .recall.json .sensor-cache/
              The first run seeds a new profile once: looop.json, a starter PLAYBOOK.md, a setup
              goal that interviews you and replaces the starter, a daily playbook-review goal,
              sensors/today.sh (wakes the loop once a day) and a .gitignore for the scratch.
              With that .gitignore the data dir can be kept in git, to see how the loop's
              policy evolves.

            """;

    private static final String EXIT_CODES = """
            EXIT CODES
              0    ok
              1    error, or a failed move
              2    usage error
              124  timeout (a wait gave up, or a command ran past its time limit)
              137  a waited-for worker was killed
            """;
}
