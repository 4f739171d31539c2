package looop.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import looop.beat.Tick;
import looop.io.Fs;
import looop.io.Log;
import looop.io.Resources;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Paths;
import looop.profile.Seed;
import looop.sense.Sensors;
import looop.workers.TmuxSessions;

/**
 * `looop demo`: a throwaway profile with real sensors, two goals and the
 * offline decider, run through one full beat stage by stage, then a
 * follow-up beat that reads what the first one's command printed, then a
 * third that skips because nothing changed.
 */
public final class Demo {
    private final PrintStream out;
    private final Clock clock;

    public Demo(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    public int run(Path requestedDir) {
        Path dir = prepareDir(requestedDir);
        Paths paths = Paths.at(dir, demoEnv());
        writeProfile(paths);
        Seed.ensure(paths, Config.load(paths));
        Log log = new Log(out, clock, false, Log.wantsColor(paths.processEnv(), System.console() != null));
        Tick tick = new Tick(paths, clock, new TmuxSessions(paths), log); // the demo starts no worker, so it never needs tmux

        out.println("looop demo · a throwaway profile in " + dir);
        out.println("decider: the offline runner (runners/offline.sh replays runners/demo-decisions.jsonl, its last entry repeating; no network, no key)");
        out.println();
        out.println("== beat 1: a new world");
        Tick.Hashed world = tick.hash(tick.sense());
        for (Sensors.Reading r : world.readings()) out.println("   reading " + r.file() + " " + r.text());
        out.println("   world hash " + world.hash());
        Tick.Verdict decided = tick.decide(world, false);
        if (decided instanceof Tick.Decided d) out.println("   decision " + d.decision().text());
        Tick.Outcome first = tick.act(decided);
        out.println();
        out.println("== beat 2: a follow-up, so the decider reads what the command printed");
        Tick.Outcome second = tick.beat(false);
        out.println();
        out.println("== beat 3: nothing changed, so no AI call");
        Tick.Outcome third = tick.beat(false);
        out.println();
        printWhere(paths, first);
        return first.result() == Tick.Outcome.Result.ACTED && second.result() == Tick.Outcome.Result.ACTED
                && third.result() == Tick.Outcome.Result.SKIPPED ? 0 : 1;
    }

    private static Path prepareDir(Path requested) {
        try {
            if (requested == null) return Files.createTempDirectory("looop-demo-");
            if (Files.exists(requested) && !isEmptyDir(requested)) {
                throw new UserError("demo dir " + requested + " is not empty; pick a new path or leave out --dir");
            }
            return Files.createDirectories(requested).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p)) return false;
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    /** The caller's environment, but never the caller's own profile or config. */
    private static Map<String, String> demoEnv() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("LOOOP_CONFIG");
        env.remove("LOOOP_DATA_DIR");
        return env;
    }

    static void writeProfile(Paths paths) {
        // the offline runner keeps its place in the script in .offline-runner/, which a sandboxed decider must be able to write
        Fs.writeAtomic(paths.config, """
                {
                  "default": "offline",
                  "runners": {
                    "offline": {
                      "tick": "bash runners/offline.sh runners/demo-decisions.jsonl --shape pi --cost 0.0021 --repeat-last",
                      "sandbox_write": [%s]
                    }
                  },
                  "interval": 60
                }
                """.formatted(new com.fasterxml.jackson.databind.node.TextNode(paths.data.resolve(".offline-runner").toString())));
        Fs.mkdirs(paths.data.resolve(".offline-runner"));
        Fs.writeAtomic(paths.playbook(), """
                # Demo playbook
                Keep the inbox triaged. Prefer small, reversible moves; write findings to reports/.
                """);
        Fs.writeAtomic(paths.goals().resolve("triage-inbox.md"), """
                # Triage the inbox
                Every file in inbox/ gets a line in reports/inbox-triage.md. Done when the report lists them all.
                """);
        Fs.writeAtomic(paths.goals().resolve("playbook-daily.md"), """
                # Improve the playbook, daily
                Once a day, re-read the journal and propose one small improvement to PLAYBOOK.md.
                """);
        executable(paths.sensors().resolve("today.sh"), Resources.text("sensors/today.sh"));
        executable(paths.sensors().resolve("inbox.sh"), """
                #!/usr/bin/env bash
                # The inbox as the loop sees it: how many files (wakes it), and their names (context only).
                n=$(ls inbox 2>/dev/null | wc -l)
                names=$(ls inbox 2>/dev/null | sed 's/.*/"&"/' | paste -sd, -)
                printf '{"signal":{"files":%d},"detail":{"names":[%s]}}\\n' "$n" "$names"
                """);
        for (String name : new String[] {"invoice-march.pdf.txt", "meeting-notes.txt", "todo-from-ana.txt"}) {
            Fs.writeAtomic(paths.data.resolve("inbox").resolve(name), "demo file " + name + "\n");
        }
        executable(paths.data.resolve("runners").resolve("offline.sh"), Resources.text("runners/offline.sh"));
        Fs.writeAtomic(paths.data.resolve("runners").resolve("demo-decisions.jsonl"), """
                {"action":"run_shell","cmd":"mkdir -p reports && ls inbox | sed 's/^/- [ ] /' > reports/inbox-triage.md","reason":"three untriaged files","journal":"listed the 3 inbox files in reports/inbox-triage.md for triage"}
                {"action":"noop","reason":"the command listed the 3 files in reports/inbox-triage.md; nothing more to do until the inbox changes"}
                {"action":"send_notification","message":"the inbox changed; reports/inbox-triage.md needs a refresh","journal":"told the human the inbox changed"}
                {"action":"noop","reason":"the human has been told; nothing new to do"}
                """);
    }

    private static void executable(Path p, String text) {
        Fs.writeAtomic(p, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), Fs.PRIVATE_SCRIPT);
    }

    private void printWhere(Paths paths, Tick.Outcome first) {
        Path d = paths.data;
        out.println("The files are the loop's only memory:");
        out.println("  " + d.resolve("journal.md") + "   one line per move");
        out.println("  " + d.resolve("reports") + "      what the move produced");
        out.println("  " + d.resolve("snapshots") + "    this beat's sensor readings");
        if (first.runId() != null) out.println("  " + paths.runs().resolve(first.runId()) + "   the prompt and the runner's stream");
        out.println("  " + d.resolve("events.jsonl") + " every step as JSON");
        out.println("Try next:");
        out.println("  export LOOOP_DATA_DIR=" + d);
        out.println("  ./jbang looop status");
        out.println("  touch \"$LOOOP_DATA_DIR/inbox/new.txt\" && ./jbang looop tick   # the world changed: one more move");
    }
}
