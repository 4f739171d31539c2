package looop.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import looop.io.Fs;
import looop.io.Resources;
import looop.io.UserError;

/** First run: the directories every beat needs, and starter files written once. */
public final class Seed {
    private Seed() {}

    /** The starter goals, by file name under goals/. */
    static final String SETUP_GOAL = "setup.md";
    static final String DAILY_GOAL = "playbook-daily.md";

    /**
     * Creates missing directories; on a new profile also writes the starter
     * files. config is the caller's (null when it could not be loaded: the
     * beat says what is wrong with it, the seed is not the place). True when it seeded.
     */
    public static boolean ensure(Paths paths, Config config) {
        requireWritable(paths.data);
        // Decided before anything is written: creating the dirs below must not change the answer.
        boolean fresh = isNew(paths);
        for (Path dir : scratchDirs(paths)) Fs.healDir(dir);
        for (Path dir : dirs(paths)) mkdir(dir);
        if (!fresh) {
            constitution(paths);
            return false;
        }
        starterFiles(paths, config).forEach((path, text) -> writeIfAbsent(paths, path, text));
        return true;
    }

    /**
     * An existing profile from before the constitution gets it once, and says
     * so; a person's edits are never overwritten (the file exists, so it stays).
     */
    private static void constitution(Paths paths) {
        writeIfAbsent(paths, paths.constitution(), CONSTITUTION);
    }

    /** The line a beat logs when ensure gave an existing profile its constitution; missingBefore: it was absent before ensure. */
    public static String constitutionNews(Paths paths, boolean missingBefore) {
        if (!missingBefore || !Files.isRegularFile(paths.constitution(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
        return "seeded " + paths.constitution() + ": the rules no move can change (only you edit it; `looop constitution` prints it)";
    }

    /**
     * Directories looop rebuilds anyway: one found to be a link (or a file),
     * planted by a command the decider ran, is replaced by a real directory
     * rather than followed. The others hold state (goals, sessions, claims)
     * and are refused, with a line saying so, until a person looks.
     */
    static List<Path> scratchDirs(Paths paths) {
        return List.of(paths.snapshots(), paths.runs(), paths.prompts());
    }

    /** Every directory a beat writes into. */
    static List<Path> dirs(Paths paths) {
        return List.of(paths.goals(), paths.goalArchive(), paths.sensors(), paths.snapshots(), paths.reports(),
                paths.claims(), paths.runs(), paths.prompts(), paths.sessions());
    }

    /**
     * A profile is new while it has no history: no journal, no playbook, nothing archived, and no
     * goals but the starter ones. Counting the starter goals as "nothing" makes a seed that died
     * half-way finish on the next run instead of leaving a profile without its playbook; a profile
     * the loop has ever moved in has a journal, so it is never re-seeded.
     */
    public static boolean isNew(Paths paths) {
        if (Files.exists(paths.journal()) || Files.exists(paths.playbook())) return false;
        if (!Fs.listFiles(paths.goalArchive(), ".md").isEmpty()) return false;
        Set<String> starters = Set.of(SETUP_GOAL, DAILY_GOAL);
        return Fs.listFiles(paths.goals(), ".md").stream()
                .allMatch(p -> starters.contains(p.getFileName().toString()));
    }

    /**
     * Path → text for every starter file, in write order; scripts (*.sh) are made executable, owner only (0700).
     * PLAYBOOK.md goes last: once it exists the profile is no longer new, so a seed cut short
     * before it is completed by the next run.
     */
    static Map<Path, String> starterFiles(Paths paths, Config config) {
        Map<Path, String> files = new LinkedHashMap<>();
        files.put(paths.config, Config.defaultText());
        files.put(paths.data.resolve(".gitignore"), GITIGNORE);
        files.put(paths.sensors().resolve("today.sh"), Resources.text("sensors/today.sh"));
        files.put(paths.goals().resolve(SETUP_GOAL), runsWorkers(config) ? SETUP : SETUP_WITHOUT_WORKERS);
        files.put(paths.goals().resolve(DAILY_GOAL), PLAYBOOK_DAILY);
        files.put(paths.constitution(), CONSTITUTION);
        files.put(paths.playbook(), PLAYBOOK);
        return files;
    }

    /** Whether the profile's runner can start the setup interview as a worker; an unknown config is taken to be claude's, which can. */
    private static boolean runsWorkers(Config config) {
        return config == null || config.defaultRunnerDef().runsWorkers();
    }

    /**
     * Fails before anything is created when the data dir cannot hold files. Beats run unattended,
     * so this must surface on the first command as one clear line, not as a stack trace later.
     */
    public static void requireWritable(Path data) {
        String fix = "; fix its permissions or point LOOOP_DATA_DIR elsewhere";
        if (Files.exists(data) && !Files.isDirectory(data)) {
            throw new UserError("data dir " + data + " is a file, not a directory; move it aside or point LOOOP_DATA_DIR elsewhere");
        }
        try {
            Fs.mkdirs(data); // 0700 when looop creates it: a profile holds prompts, reports and spend
        } catch (UncheckedIOException | SecurityException e) {
            throw new UserError("data dir " + data + " is not writable" + fix);
        }
        if (!Files.isWritable(data)) throw new UserError("data dir " + data + " is not writable" + fix);
    }

    private static void mkdir(Path dir) {
        try {
            Fs.mkdirs(dir);
        } catch (UncheckedIOException e) {
            throw new UserError("cannot create " + dir + " (" + reason(e.getCause()) + "); move it aside or fix the permissions");
        }
    }

    private static void writeIfAbsent(Paths paths, Path path, String text) {
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try {
            boolean script = path.getFileName().toString().endsWith(".sh");
            Fs.writeAtomic(path, text.getBytes(StandardCharsets.UTF_8), script ? Fs.PRIVATE_SCRIPT : Fs.PRIVATE_FILE);
        } catch (UncheckedIOException e) {
            // The config is the one starter file that may live outside the data dir, via LOOOP_CONFIG.
            String fix = path.equals(paths.config) ? "fix its permissions or point LOOOP_CONFIG elsewhere"
                    : "fix the permissions in " + paths.data;
            throw new UserError("cannot write " + path + " (" + reason(e.getCause()) + "); " + fix);
        }
    }

    /** The OS's words for a failure ("Not a directory"), without the exception class and path. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileAlreadyExistsException) return "a file is in the way";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return String.valueOf(e.getMessage());
    }

    static final String GITIGNORE = """
            # Written by looop on first run. Everything below is scratch that looop
            # rebuilds or reaps by itself; the rest of this dir is the loop's memory
            # (playbook, goals, sensors, journal, reports, cost ledger) and is worth keeping.
            claims/
            snapshots/
            runs/
            prompts/
            sessions/
            workers/
            worktrees/
            .last-tick-hash
            .tick-backoff
            .pulse.json
            run.log
            .cost-unmetered
            .goal-activity.json
            .decision.json
            .act-pending.json
            .lock/
            tick.log
            events.jsonl
            tick.log.1
            events.jsonl.1
            .recall.json
            .sensor-cache/
            .bin/
            .offline-runner/
            .tmux/
            .sandbox/
            # temp files of an atomic write cut short by a crash
            .*.tmp
            """;

    public static final String CONSTITUTION_FILE = "CONSTITUTION.md";

    /** The rules the README calls rules; first in every prompt, and only the person edits the file. */
    public static final String CONSTITUTION = """
            # Constitution

            These rules stand above the playbook and every goal. Only the person edits
            this file (with their editor); no move, worker or sandboxed command can change
            it, and a move that tries is refused.

            1. One move per beat. Each beat chooses exactly one move; looop carries it out
               and journals it.
            2. looop is the only executor. The decider decides; it runs nothing itself.
               Workers act only in their own terminal, worktree and grants.
            3. Nothing irreversible without a person's yes. Merging, deleting, publishing,
               pushing, paying or sending anything in the person's name waits for their
               answer (an ask), never for a guess.
            4. Nothing outside what was granted. No command reaches a file, a directory or
               a host the sandbox did not grant; a missing grant is asked for, not worked
               around.
            5. The files are the memory. What is not in the data dir did not happen; the
               journal says what was done, truthfully.
            6. This constitution, looop.json and the run_shell gate are the person's: no
               move writes them, and no playbook or goal overrides them.
            """;

    static final String PLAYBOOK = """
            # Playbook

            > This is looop's starter playbook. The `setup` goal will interview you and
            > replace it with one written for your real work. Until then, these defaults hold.

            ## What this loop is for

            Keep my work moving while I am busy elsewhere: notice what changed, do the
            next small useful thing, and tell me when something needs me.

            ## Priorities

            1. Anything a human is waiting on: a flagged worker, an open question to me.
            2. Broken things that block other work (failing builds, stuck workers).
            3. Active goals, the longest-neglected first.
            4. Improving this playbook, the goals and the sensors.

            ## Guardrails

            - One move per beat. Small steps that are easy to check beat big ones.
            - Nothing irreversible without me: no deleting, pushing, merging, sending,
              paying or publishing. Workers prepare the change, flag me, and wait.
            - When unsure what I want, ask (send_notification, or a worker flags). Do not guess.
            - Keep goals small: one outcome each, with a clear sign of done. Split big ones.
            - Archive a goal when it is done or dropped; say why in the journal line.
            - Prefer a noop to busywork.
            """;

    static final String SETUP = """
            # Setup: learn what this loop is for

            PLAYBOOK.md is still the generic starter. Replace it with one written for the
            person this loop works for, by asking them rather than guessing.

            1. Start a worker with id `setup` whose brief is to interview the human about
               their real work: which projects and repositories matter, what "going well"
               looks like, what should be watched, what must never happen without them,
               and how they want to be told things. It asks a few questions at a time,
               flags, and waits for answers in its terminal. Tell the human with
               send_notification that the interview is waiting (`looop attach setup`).
            2. The worker writes what it learned to reports/setup.md: a proposed
               playbook, a few small goals (one outcome each) and the sensors they need
               (each prints {"signal":{...},"detail":{...}}; only what should wake the
               loop goes in "signal"). Then it ends itself.
            3. Apply the proposal one move per beat: write_playbook, then write_goal and
               write_sensor for each item. Ask again when the report is unclear.
            4. Archive this goal (archive_goal setup) once the playbook is real and the
               first goals and sensors exist.
            """;

    /** The setup for a runner that runs no workers (offline, openai): the decider asks the human itself. */
    static final String SETUP_WITHOUT_WORKERS = """
            # Setup: learn what this loop is for

            PLAYBOOK.md is still the generic starter. Replace it with one written for the
            person this loop works for, by asking them rather than guessing. This runner
            has no "interactive" command, so the asking goes through notifications.

            1. Ask the human with send_notification to write down, in reports/setup.md:
               which projects and repositories matter, what "going well" looks like, what
               should be watched, what must never happen without them, and how they want
               to be told things. Ask once; then wait for the file to appear.
            2. When reports/setup.md exists, turn it into a playbook, a few small goals
               (one outcome each) and the sensors they need (each prints
               {"signal":{...},"detail":{...}}; only what should wake the loop goes in
               "signal"). Apply it one move per beat: write_playbook, then write_goal and
               write_sensor for each item. Ask again when it is unclear.
            3. Archive this goal (archive_goal setup) once the playbook is real and the
               first goals and sensors exist.
            """;

    static final String PLAYBOOK_DAILY = """
            # Daily: improve the playbook

            Recurring; never archive this goal.

            Once a day (sensor-today's date changes), re-read the recent journal and
            PLAYBOOK.md and propose ONE small improvement: a priority that proved wrong,
            a guardrail that was missing, a goal to split or drop, a sensor that wakes
            the loop too often or not at all. Make the change only when it is plainly
            right; otherwise ask the human with send_notification. If nothing needs
            changing, a noop is the right move.
            """;
}
