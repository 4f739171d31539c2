package looop.decide;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import looop.act.moves.Moves;
import looop.io.Fs;
import looop.profile.Journal;
import looop.profile.Paths;
import looop.sense.Recall;
import looop.sense.Sensors;

/**
 * The decider's prompt: instructions, playbook, goals, readings, recent
 * journal; then the clock, and what moved since the last decided beat.
 */
public final class Prompt {
    private Prompt() {}

    /** Section headers, in prompt order. Everything that moves with the clock or the beat comes from NOW on, so equal worlds share every byte before it. */
    public static final String CONSTITUTION = "=== CONSTITUTION (the person's fixed rules: they stand above the playbook, and no move changes them) ===";
    public static final String PLAYBOOK = "=== PLAYBOOK ===";
    public static final String GOALS = "=== GOALS ===";
    public static final String READINGS = "=== SENSOR READINGS ===";
    public static final String JOURNAL = "=== RECENT JOURNAL ===";
    public static final String NOW = "=== NOW ===";
    /** After NOW: what moves beat to beat even in one world (see build). */
    public static final String CHANGED = "=== WHAT CHANGED ===";
    public static final String FAILURE = "=== LAST FAILURE ===";
    public static final String SHELL = "=== LAST SHELL OUTPUT ===";

    /** The actions a decision may name, in the order the instructions list them (the registry's). */
    public static final List<String> ACTIONS = Moves.names();

    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

    /**
     * Readings computed from the clock (the ages of goals and pending asks,
     * the due schedules and how long they have been due) change every beat even
     * when the world does not, so they go in the last section with the time:
     * two beats of the same world then share every byte up to `=== NOW ===`.
     */
    static final java.util.Set<String> CLOCK_READINGS = java.util.Set.of("sys-goals.json", "sys-asks.json", "sys-schedules.json");

    /**
     * What the beat knows beyond the world itself (Recall): what differs from
     * the last decided world (null: none decided yet), the flapping readings,
     * the last failure and the last run_shell (null: none).
     */
    public record Hindsight(List<String> changes, List<String> flapping, Recall.Failure failure, Recall.Shell shell) {
        public static final Hindsight NONE = new Hindsight(null, List.of(), null, null);
    }

    public static String build(Paths paths, List<Sensors.Reading> readings, List<String> journalTail, Clock clock) {
        return build(paths, readings, journalTail, clock, Hindsight.NONE);
    }

    /**
     * What changed, the last failure and the last shell output differ between
     * two beats of one world (a failure in between, a forced re-decide), so
     * they come after NOW: the bytes up to it stay a shared prefix.
     */
    public static String build(Paths paths, List<Sensors.Reading> readings, List<String> journalTail, Clock clock, Hindsight seen) {
        return build(paths, readings, journalTail, clock, seen, true);
    }

    /** workers: whether the runner has an "interactive" command to run workers on. */
    public static String build(Paths paths, List<Sensors.Reading> readings, List<String> journalTail, Clock clock, Hindsight seen,
            boolean workers) {
        // the person's rules first, above looop's own instructions; both rarely change, so the cached prefix holds
        StringBuilder out = new StringBuilder(CONSTITUTION).append('\n').append(constitution(paths)).append('\n');
        out.append(workers ? INSTRUCTIONS : INSTRUCTIONS_WITHOUT_WORKERS);
        section(out, PLAYBOOK, playbook(paths));
        section(out, GOALS, goals(paths));
        section(out, READINGS, readings(readings.stream().filter(r -> !CLOCK_READINGS.contains(r.file())).toList()));
        section(out, JOURNAL, journal(journalTail));
        section(out, NOW, now(clock) + readings(readings.stream().filter(r -> CLOCK_READINGS.contains(r.file())).toList(), ""));
        section(out, CHANGED, changed(seen.changes(), seen.flapping()));
        section(out, FAILURE, failure(seen.failure()));
        section(out, SHELL, shell(seen.shell()));
        return out.toString();
    }

    private static String changed(List<String> changes, List<String> flapping) {
        StringBuilder out = new StringBuilder();
        if (changes == null) out.append("(no beat decided yet: all of it is new)\n");
        else if (changes.isEmpty()) out.append("(nothing since the last decided beat: the same world, decided again)\n");
        else changes.forEach(c -> out.append("- ").append(c).append('\n'));
        for (String f : flapping) {
            out.append("! snapshots/").append(f).append(" is flapping: its signal changed on every recent beat. Its sensor should"
                    + " move the volatile part into \"detail\" (write_sensor), or every beat wakes you.\n");
        }
        return out.toString();
    }

    private static String failure(Recall.Failure f) {
        return f == null ? "(none: the last beat succeeded)\n" : f.reason() + ": " + withNewline(f.message());
    }

    private static String shell(Recall.Shell s) {
        if (s == null) return "(none)\n";
        String how = s.timedOut() ? "timed out" : "exit " + s.exitCode();
        return "$ " + Journal.oneLine(s.cmd()) + "\n" + how + "\n" + withNewline(s.output());
    }

    /** The line after the decision file's path: some CLIs glue their own message to the prompt's last byte. */
    public static final String END = "=== END OF PROMPT ===";

    /**
     * The last section: where this run's decision goes. It differs every run,
     * so it comes after NOW, keeping the bytes before it equal for equal worlds.
     * The path stands alone on its line, and a closing line follows it, so
     * whatever a CLI appends to the prompt (pi adds its message without a
     * break) lands after that line, never on the path.
     */
    public static String decisionFile(Path file) {
        return "\n=== DECISION FILE ===\n" + file.toAbsolutePath() + "\n" + END + "\n";
    }

    private static void section(StringBuilder out, String header, String body) {
        out.append('\n').append(header).append('\n').append(body);
    }

    private static String constitution(Paths paths) {
        String text = Fs.readOrNull(paths.constitution());
        return text == null || text.isBlank() ? "(no CONSTITUTION.md: the rules in the instructions below still hold)\n" : withNewline(text);
    }

    private static String playbook(Paths paths) {
        String text = Fs.readOrNull(paths.playbook());
        return text == null || text.isBlank() ? "(no playbook yet)\n" : withNewline(text);
    }

    /** goals/*.md only: the archive is history, and showing it would invite moves on finished goals. */
    private static String goals(Paths paths) {
        List<Path> files = Fs.listFiles(paths.goals(), ".md");
        if (files.isEmpty()) return "(no goals yet)\n";
        StringBuilder out = new StringBuilder();
        for (Path f : files) {
            out.append("--- goals/").append(f.getFileName()).append('\n').append(withNewline(Fs.readOr(f, "")));
        }
        return out.toString();
    }

    private static String readings(List<Sensors.Reading> readings) {
        return readings(readings, "(no readings)\n");
    }

    private static String readings(List<Sensors.Reading> readings, String none) {
        if (readings.isEmpty()) return none;
        StringBuilder out = new StringBuilder();
        for (Sensors.Reading r : readings) {
            out.append("--- snapshots/").append(r.file()).append('\n').append(withNewline(r.text()));
        }
        return out.toString();
    }

    private static String journal(List<String> lines) {
        return lines.isEmpty() ? "(empty)\n" : String.join("\n", lines) + "\n";
    }

    /** Local time with its offset and weekday: playbooks say things like "weekdays only" or "after 18:00". */
    static String now(Clock clock) {
        ZonedDateTime t = ZonedDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS);
        return t.format(LOCAL_TIME) + " (" + t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + ")\n";
    }

    private static String withNewline(String text) {
        return text.endsWith("\n") ? text : text + "\n";
    }

    /** The instructions for a runner that runs workers. */
    public static final String INSTRUCTIONS = instructions(true);
    /** For a runner without an "interactive" command: start_worker would only fail, so it is not offered. */
    static final String INSTRUCTIONS_WITHOUT_WORKERS = instructions(false);

    private static String instructions(boolean workers) {
        java.util.function.Predicate<looop.act.moves.Kind<?>> offered = k -> workers || !k.action().equals("start_worker");
        return BEFORE_ACTIONS + Moves.table(Moves.Audience.DECIDER, "  ", 19, 15, 86, offered)
                + (workers ? "" : "  (no start_worker: this runner has no \"interactive\" command, so it runs no workers)\n")
                + AFTER_ACTIONS;
    }

    private static final String BEFORE_ACTIONS = """
            You are the decider of looop, a personal control loop that works for one person.
            Once per beat looop senses the world and shows you all of it below: the playbook
            (their priorities and guardrails), the goals (desired state), the sensor readings
            (observed state), the recent journal and the time; last, what changed since the
            last decided beat, why the last beat failed, and what the last run_shell printed.
            Compare what is with what should be, and choose exactly ONE move that brings them
            closer. looop, not you, carries the move out and logs it.

            HOW TO ANSWER
            Write ONE JSON object to the file named under DECISION FILE near the very end
            ($LOOOP_DECISION_FILE; outside a sandbox, .decision.json in the current
            directory, the looop data dir, works too), then stop. That file is your whole effect on the world: do not
            run commands, edit files or start programs yourself. You may read files (reports/,
            a repository) to make up your mind; change nothing.

              {"action":"write_goal","id":"fix-ci","body":"# Fix CI\\n...","journal":"split CI goal"}

            ACTIONS ("action" names one; fields marked ? are optional)
            """;

    private static final String AFTER_ACTIONS = """

            Any action may also carry:
              "journal": "..."           the line to log for this move (looop writes its own
                                         summary when it is missing or empty)
              "next_interval_s": N       seconds until the next beat, 5..3600, once. It also
                                         makes the next beat decide even if nothing changed:
                                         use it to check back on something soon.

            RULES
            1. One move per beat. If several things need doing, pick the most important; the
               rest is still there next beat.
            2. Nothing irreversible happens automatically. No deleting, pushing, merging,
               paying, sending mail or publishing: workers prepare such changes, flag the
               human with their question, and wait for a yes.
            3. Ask rather than guess. When intent is unclear, ask with send_notification (or
               let a worker flag) and wait for the answer to show up.
            4. Level-triggered. Decide from what you see now. You remember nothing between
               beats; the journal says what was done, not that it worked, so check the
               readings. Do not repeat a move whose effect you can already see.
            5. Only the loop writes PLAYBOOK.md, goals/ and sensors/, through your moves.
               Workers write reports/, their own outbox and worktree; never brief a worker
               to edit the loop's files.
            6. Goals are desired state, not scripts: never execute a goal's text.

            SYSTEM SENSORS (readings looop makes itself)
              sys-sessions  signal: every worker as {id, state, exit_code}; state is starting,
                            running, exited, killed, waiting or blocked. A "note" appears while a live worker is
                            flagged: it waits for the human. Leave it be, or tell the human.
                            "health": "asking" while a live worker waits for the human (a flag
                            or an ask); "blocked" with "blocked_on" when its screen waits on
                            a person (a trust or first-run dialog, a permission prompt, login,
                            a usage limit): tell the human what it is blocked on, or steer it
                            when the answer is plainly yours to give; "stuck" when its screen
                            has not changed for a long while: look (steer it, or kill_worker
                            it). A worker started with
                            verify has "verify": "passed" or "failed" once it exited; its exit
                            code and output are in detail.verify. Failed: its work did not
                            check out, whatever its exit code said.
                            A worker started with "after" is "waiting" (with "after" and, once
                            a beat looked, "reason": what it still waits on) until looop starts
                            it itself; "blocked" (with "reason") when one it waited for failed,
                            was killed or discarded: it never starts; tell the human, or start
                            the work anew. Waiting workers count against max_workers only once
                            they start.
              sys-conflicts signal: repo workers' unmerged branches that do not merge cleanly,
                            as {a, b, files} (two workers) or {a, base, files} (onto the
                            repo's current branch); detail.overlap: clean pairs that change the
                            same files. Start no third worker on those files; have one worker
                            merge the other's branch or the base into its own, or tell the human.
              sys-claims    signal: held leases as {name, claim}; a worker is busy with that
                            thing, so start no second worker on it.
              sys-goals     detail: per goal, last_acted_unix and age_s, the seconds since a
                            move last touched it (null: never).
              sys-asks      signal: the ids of asks waiting for the human; detail: question,
                            options, age_s. Never answer an ask: only the human does. Tell the
                            human (send_notification) if one has waited long.
              sys-schedules signal: schedules that reached their time; detail.due: those due
                            now with their notes. Act on what a due note asks; a beat that acts
                            marks it done (a recurring one, done for its period).

            FAIRNESS
            Among goals that matter about equally, move the one neglected longest (the
            largest age_s; null counts as oldest). Give a worker the id of the goal it serves:
            moves on that id count as attention to the goal.

            IDS
            Goal ids, sensor names and worker ids become file names: use only letters,
            digits, - and _ (e.g. fix-ci, inbox_zero). "pulse" is looop's own session, not
            a worker.
            """;
}
