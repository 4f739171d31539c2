package looop.profile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import looop.io.Fs;
import looop.io.UserError;

/**
 * Where everything lives. Built from an environment map (the process's own, or
 * a test's), so every path and knob a beat uses is derived in one place.
 */
public final class Paths {
    public final Path data;
    public final Path config;
    private final Map<String, String> env;

    private Paths(Path data, Path config, Map<String, String> env) {
        this.data = data;
        this.config = config;
        this.env = env;
        Fs.anchor(data); // below the data dir, no file operation follows a link
    }

    public static Paths fromEnv() {
        return fromEnv(System.getenv());
    }

    /** Data dir: $LOOOP_DATA_DIR, else ${XDG_STATE_HOME:-$HOME/.local/state}/looop. */
    public static Paths fromEnv(Map<String, String> env) {
        String dataDir = nonBlank(env.get("LOOOP_DATA_DIR"));
        Path data;
        if (dataDir != null) {
            data = Path.of(dataDir);
        } else {
            String state = nonBlank(env.get("XDG_STATE_HOME"));
            String home = nonBlank(env.get("HOME"));
            if (state == null && home == null) {
                throw new UserError("cannot find a data dir: set LOOOP_DATA_DIR (or HOME)");
            }
            data = state != null ? Path.of(state, "looop") : Path.of(home, ".local", "state", "looop");
        }
        data = data.toAbsolutePath().normalize();
        String cfg = nonBlank(env.get("LOOOP_CONFIG"));
        Path config = cfg != null ? Path.of(cfg).toAbsolutePath().normalize() : data.resolve("looop.json");
        return new Paths(data, config, Map.copyOf(env));
    }

    /** A profile rooted at dir, for tests and the demo; extra env on top of none. */
    public static Paths at(Path dir, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("LOOOP_DATA_DIR", dir.toString());
        return fromEnv(env);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A knob from the environment, or null. */
    public String env(String name) {
        return nonBlank(env.get(name));
    }

    /** A numeric knob from the environment, checked against its range; the fallback when unset. */
    public long knob(Knob knob, long fallback) {
        return knob.fromEnv(env, fallback);
    }

    /**
     * Where a write to the config would land: the end of its chain of links,
     * even when that does not exist yet (a config that is a dangling link must
     * not be created by a move writing its target).
     */
    public Path configTarget() {
        Path p = config;
        try {
            for (int i = 0; i < 40 && java.nio.file.Files.isSymbolicLink(p); i++) {
                p = p.resolveSibling(java.nio.file.Files.readSymbolicLink(p)).toAbsolutePath().normalize();
            }
        } catch (java.io.IOException e) {
            // unreadable link: compare with the link itself
        }
        return p;
    }

    public Map<String, String> processEnv() {
        return env;
    }

    public Path playbook() { return data.resolve("PLAYBOOK.md"); }
    /** The person's fixed rules, first in every prompt; no move, worker or sandboxed process writes it. */
    public Path constitution() { return data.resolve(Seed.CONSTITUTION_FILE); }
    public Path goals() { return data.resolve("goals"); }
    public Path goalArchive() { return goals().resolve("archive"); }
    public Path sensors() { return data.resolve("sensors"); }
    public Path snapshots() { return data.resolve("snapshots"); }
    public Path journal() { return data.resolve("journal.md"); }
    public Path reports() { return data.resolve("reports"); }
    public Path claims() { return data.resolve("claims"); }
    public Path runs() { return data.resolve("runs"); }
    public Path prompts() { return data.resolve("prompts"); }
    public Path sessions() { return data.resolve("sessions"); }
    /** Each worker's outbox, workers/&lt;id&gt;/: the one dir of looop's a sandboxed worker writes (looop.workers.WorkerOutbox). */
    public Path workerOutboxes() { return data.resolve("workers"); }
    public Path costLedger() { return data.resolve("cost.jsonl"); }
    public Path events() { return data.resolve("events.jsonl"); }
    public Path lastTickHash() { return data.resolve(".last-tick-hash"); }
    public Path backoff() { return data.resolve(".tick-backoff"); }
    /** The decider's usage limit, looop's own record (looop.profile.UsageLimit). */
    public Path usageLimit() { return data.resolve(".usage-limit.json"); }
    /** The cadence the running pulse uses (its own env included) and when it beats next, for `looop status`. */
    public Path pulseState() { return data.resolve(".pulse.json"); }
    public Path unmetered() { return data.resolve(".cost-unmetered"); }
    public Path goalActivity() { return data.resolve(".goal-activity.json"); }
    public Path decision() { return data.resolve(".decision.json"); }
    public Path lockDir() { return data.resolve(".lock"); }
    public Path tickLog() { return data.resolve("tick.log"); }
    /** What the decider is reminded of: the last decided world, the last failure, the last run_shell, flapping sensors (looop.sense.Recall). */
    public Path recall() { return data.resolve(".recall.json"); }
    /** Readings of sensors with a `# looop:interval=` header, kept between beats (looop.sense.SensorCache). */
    public Path sensorCache() { return data.resolve(".sensor-cache"); }
    /** The playbooks write_playbook replaced, newest 20 (looop.act.PlaybookHistory). */
    public Path playbookHistory() { return data.resolve("playbook.d"); }
    /** Asks waiting for a person, one file per asker id (looop.human). */
    public Path asks() { return data.resolve("asks"); }
    /** Notifications not yet delivered to every channel, and the index of those that were (looop.notify). */
    public Path outbox() { return data.resolve("outbox"); }
    /** Wake-ups the loop or a person set, one file per name (looop.schedule). */
    public Path schedules() { return data.resolve("schedules"); }
    /** The launcher script behind $LOOOP_BIN. */
    public Path bin() { return data.resolve(".bin").resolve("looop"); }

    /** What every child (sensor, runner, run_shell, worker) gets on top of looop's own environment. */
    public Map<String, String> childEnv() {
        Map<String, String> out = new HashMap<>();
        out.put("LOOOP_BIN", bin().toString());
        out.put("LOOOP_DATA_DIR", data.toString());
        out.put("LOOOP_CONFIG", config.toString());
        out.put("LOOOP_CLAIMS_DIR", claims().toString());
        out.put("LOOOP_REPORTS_DIR", reports().toString());
        out.put("LOOOP_COST_LEDGER", costLedger().toString());
        return out;
    }
}
