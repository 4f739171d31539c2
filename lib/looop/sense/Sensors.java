package looop.sense;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.io.Proc;
import looop.profile.Knob;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Paths;
import looop.workers.Claims;
import looop.workers.Health;
import looop.workers.Sessions;
import looop.workers.Verify;
import looop.human.WorkerHealth;
import looop.workers.WorkerVerbs;
import looop.workers.WorkerConflicts;
import looop.workers.WorkerRepos;

/**
 * The informers: user sensor scripts and the in-process system sensors.
 *
 * Every beat starts from an empty snapshots/ (level-triggered: a reading not
 * taken this beat does not exist). A user sensor's snapshot is either the one
 * JSON object it printed, in canonical form, or an error object that says what
 * went wrong and how to fix it:
 *
 * <pre>
 * failed:   {"signal":{"error":true,"exit_code":N},"detail":{"message":"…","stderr":"&lt;last 1 KiB&gt;"}}
 * too big:  {"error":"sensor output too large (N bytes &gt; cap M); …","bytes":N,"cap":M}
 * </pre>
 *
 * exit_code is the script's exit status (124 = killed at LOOOP_SENSOR_TIMEOUT);
 * 126, bash's "cannot execute", when looop refused to run it (not executable,
 * a broken symlink, or a symlink to outside the data dir: a link in sensors/
 * must not smuggle in a script the pulse never wrote); 0 when it ran but did
 * not print one UTF-8 JSON object. Only the exit code is in the signal and the
 * wording sits in detail, so a sensor failing the same way every beat does not
 * look like a changed world. The too-big shape is SPEC's; having no signal
 * key, all of it, byte count included, is its wake signal. A failed run wins
 * over the cap: the output of a failed run is not a reading.
 *
 * User sensors run up to `sensor_concurrency` at a time, so a beat takes as
 * long as its slowest sensor rather than the sum of all. Each sensor shares no
 * state with the others and the readings are collected in name order, so the
 * snapshots, the hash and the prompt are what a run in name order would give;
 * only the order of the scripts' side effects is not fixed (sensor_concurrency
 * 1 runs them one after another, in name order). The system readings are
 * taken while a pool runs (after the scripts when they run one by one): all
 * of them after the beat's housekeeping, none depending on a script.
 *
 * A sensor whose header says `# looop:interval=<duration>` is run only when
 * its last good reading is older than that (SensorCache).
 *
 * With the sandbox on, the scripts that share a grant run in one sandbox
 * per beat (SensorBox), the readings as above; a header's
 * `# looop:read=<path>` adds a read grant (SensorReads, vetted by
 * looop.sandbox.ReadGrants), and sensors with different grants get
 * different sandboxes.
 */
public final class Sensors {
    /** One snapshot file: its name under snapshots/ (e.g. sensor-today.json) and the exact text written. */
    public record Reading(String file, String text) implements Comparable<Reading> {
        /** In file name order, the order of snapshots/, the hash and the prompt. */
        @Override
        public int compareTo(Reading other) {
            return file.compareTo(other.file);
        }
    }

    private static final int NOT_RUN = 126;
    private static final String CONTRACT = "print one JSON object, e.g. {\"signal\":{\"ok\":true}}";

    private final Paths paths;
    private final Sessions sessions;
    private final Claims claims;
    private final Clock clock;
    private final long timeoutSeconds;
    private final long maxBytes;
    private final int concurrency;
    private final SensorCache cache;
    /** The beat's config (a beat reads looop.json once, and hands it down). */
    private final Config config;
    /** The sandbox the user sensors run in this beat: the decider writes them, so they are the AI's commands too. */
    private java.util.function.UnaryOperator<List<String>> confine;

    /** A beat's sensors, on the config the beat read (a beat reads looop.json once). */
    public Sensors(Paths paths, Sessions sessions, Clock clock, Config config) {
        this(paths, sessions, clock, config.sensorConcurrency(), config);
    }

    /** The same with concurrency given rather than the config's. */
    public Sensors(Paths paths, Sessions sessions, Clock clock, int concurrency, Config config) {
        if (concurrency < 1) throw new IllegalArgumentException("sensor concurrency must be ≥ 1, got " + concurrency);
        this.config = config;
        this.concurrency = concurrency;
        this.paths = paths;
        this.sessions = sessions;
        this.claims = new Claims(paths, sessions);
        this.clock = clock;
        this.timeoutSeconds = paths.knob(Knob.SENSOR_TIMEOUT, 60);
        this.maxBytes = paths.knob(Knob.SENSOR_MAX_BYTES, 8192);
        this.cache = new SensorCache(paths, clock);
    }

    /** This beat's warnings of sensors that read nothing where the sandbox hides what they read (SensorBlindness). */
    private final List<String> blindSpots = java.util.Collections.synchronizedList(new ArrayList<>());

    /** The beat line's warnings of sensors the sandbox left blind, after senseAll. */
    public List<String> blindSpots() {
        return List.copyOf(blindSpots);
    }

    /** Runs every sensor, then makes snapshots/ hold exactly their snapshots; returns the readings sorted by file name. */
    public List<Reading> senseAll() {
        List<Path> scripts = userSensors();
        looop.profile.Confinement box = null;
        if (!scripts.isEmpty()) {
            box = looop.profile.Confinement.of(paths, config);
            confine = box.sensor();
        }
        List<Reading> readings = box != null && box.sandbox().active() ? readBoxed(scripts, box) : readAll(scripts);
        readings.sort(null);
        return written(readings);
    }

    /** The in-process readings: what looop itself knows of its workers, leases, goals, asks and schedules. */
    private List<Reading> systemReadings() {
        List<Reading> readings = new ArrayList<>(6);
        readings.add(sysClaims());
        readings.add(sysGoals());
        List<Sessions.Info> workers = new ArrayList<>(sessions.list());
        workers.sort(null);
        readings.add(sysSessions(workers));
        readings.add(sysConflicts(workers));
        readings.add(new Reading("sys-asks.json", Json.canonical(new looop.human.Asks(paths, clock).reading())));
        readings.add(new Reading("sys-schedules.json",
                Json.canonical(new looop.schedule.Schedules(paths, clock).reading(clock.instant()))));
        return readings;
    }

    /**
     * Makes snapshots/ hold exactly these readings, in one go once every
     * sensor has read (Fs.replaceScratchDir: scratch, renamed into place but
     * not fsynced, a file only when its bytes changed), and returns them as
     * the files hold them: a string with a lone surrogate (a sensor may print
     * "\ud800") does not survive UTF-8, and the hash of the readings in memory
     * must equal the hash recomputed from disk.
     */
    private List<Reading> written(List<Reading> readings) {
        Map<String, byte[]> snapshots = new LinkedHashMap<>();
        List<Reading> asWritten = new ArrayList<>(readings.size());
        for (Reading r : readings) {
            byte[] bytes = r.text().getBytes(StandardCharsets.UTF_8);
            snapshots.put(r.file(), bytes);
            asWritten.add(new Reading(r.file(), new String(bytes, StandardCharsets.UTF_8)));
        }
        Fs.replaceScratchDir(paths.snapshots(), snapshots);
        return asWritten;
    }

    /**
     * Each script's reading, in the scripts' order, running up to `concurrency`
     * at once, then the system readings. In a pool, the beat's own thread takes
     * the system readings while the scripts run: they are its work, not the
     * scripts', and a beat waits for its slowest sensor anyway.
     */
    private List<Reading> readAll(List<Path> scripts) {
        int threads = Math.min(concurrency, scripts.size());
        List<Reading> readings = new ArrayList<>(scripts.size() + 5);
        if (threads <= 1) {
            for (Path s : scripts) readings.add(readSensor(s));
            readings.addAll(systemReadings());
            return readings;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, new SensorThreads());
        boolean done = false;
        try {
            // classes, not lambdas, on this path: see Fs.inNameOrder
            List<Future<Reading>> running = new ArrayList<>(scripts.size());
            for (Path s : scripts) {
                running.add(pool.submit(new Callable<Reading>() {
                    @Override
                    public Reading call() {
                        return readSensor(s);
                    }
                }));
            }
            List<Reading> system = systemReadings();
            for (Future<Reading> f : running) readings.add(await(f));
            readings.addAll(system);
            done = true;
            return readings;
        } finally {
            pool.shutdownNow();
            // on the way out with an error, the interrupted sensors kill their process trees; let them finish that
            if (!done) awaitQuietly(pool);
        }
    }

    /** A user sensor to run this beat: its name, its snapshot file, and the read grants its header asks for. */
    private record Due(Path script, String name, String snapshot, List<Path> reads) {}

    /**
     * With the sandbox on: the sensors that share a grant run in one sandbox
     * (SensorBox), so its start is paid once per beat, not once per script.
     * Sensors are grouped by the read grants their headers ask for, not given
     * the union: a sensor sees only what its own header (and sandbox.read)
     * shows. Groups run one after another (most beats have one); the system
     * readings are taken while they run.
     */
    private List<Reading> readBoxed(List<Path> scripts, looop.profile.Confinement box) {
        Reading[] readings = new Reading[scripts.size()];
        Map<List<Path>, List<Integer>> groups = new LinkedHashMap<>();
        List<Due> due = new ArrayList<>(scripts.size());
        for (int i = 0; i < scripts.size(); i++) {
            due.add(null);
            Path s = scripts.get(i);
            Reading early = early(s);
            if (early != null) {
                readings[i] = early;
                continue;
            }
            String name = sensorName(s);
            String snapshot = "sensor-" + name + ".json";
            String kept = cache.fresh(name, s);
            if (kept != null) {
                readings[i] = new Reading(snapshot, kept);
                continue;
            }
            List<Path> reads = new ArrayList<>();
            String bad = SensorReads.of(s, box.home(), reads);
            reads.sort(null); // one group per set of grants, whatever their order
            if (bad == null) bad = box.readRefusal(reads);
            if (bad != null) {
                readings[i] = new Reading(snapshot, failed(NOT_RUN, "sensor " + name + " not run: sensors/" + name + ".sh: " + bad, ""));
                continue;
            }
            due.set(i, new Due(s, name, snapshot, reads));
            List<Integer> group = groups.get(reads);
            if (group == null) groups.put(reads, group = new ArrayList<>());
            group.add(i);
        }
        ExecutorService pool = Executors.newSingleThreadExecutor(new SensorThreads());
        try {
            Future<Void> running = pool.submit(new Callable<Void>() {
                @Override
                public Void call() {
                    for (List<Integer> group : groups.values()) runGroup(group, due, readings, box);
                    return null;
                }
            });
            List<Reading> system = systemReadings();
            await(running);
            List<Reading> out = new ArrayList<>(scripts.size() + system.size());
            for (Reading r : readings) out.add(r);
            out.addAll(system);
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One sandbox for the sensors at these indexes; each gets its reading as if it had run alone. */
    private void runGroup(List<Integer> group, List<Due> due, Reading[] readings, looop.profile.Confinement box) {
        List<Path> scripts = new ArrayList<>(group.size());
        for (int i : group) scripts.add(due.get(i).script());
        List<Proc.Result> results;
        try {
            Path scratch = SensorBox.scratch(paths.data.resolve(looop.sandbox.Sandbox.STATE_DIR));
            results = SensorBox.run(scripts, scratch, paths.data, paths.childEnv(), box.sensors(due.get(group.get(0)).reads(), scratch),
                    timeoutSeconds, maxBytes, concurrency);
        } catch (UserError refused) {
            // mode required and no sandbox here, or no cgroup: the one line says what to do
            for (int i : group) {
                Due d = due.get(i);
                readings[i] = new Reading(d.snapshot(), failed(NOT_RUN, "sensor " + d.name() + " not run: " + refused.getMessage(), ""));
            }
            return;
        }
        for (int k = 0; k < group.size(); k++) {
            Due d = due.get(group.get(k));
            String blind = SensorBlindness.warning(d.name(), results.get(k));
            if (blind != null) blindSpots.add(blind);
            String text = outcome(d.name(), results.get(k));
            cache.keep(d.name(), d.script(), text);
            readings[group.get(k)] = new Reading(d.snapshot(), text);
        }
    }

    private static String sensorName(Path script) {
        String file = script.getFileName().toString();
        return file.substring(0, file.length() - ".sh".length());
    }

    /** Daemon threads: a sensor pool must never keep a finishing JVM alive. */
    private static final class SensorThreads implements ThreadFactory {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "looop-sensor-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /** A sensor's reading; its unexpected failure (say, bash missing) fails the beat as it would have run alone. */
    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while running the sensors"));
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * sensors/*.sh in name order; links are listed too, and vetted before they
     * run. A sensors/ that is itself a link lists nothing: its scripts are not ours.
     */
    private List<Path> userSensors() {
        return Fs.listNonDirs(paths.sensors(), ".sh");
    }

    /** One user sensor's reading, not yet saved. Shares no state, so sensors can run in a pool. */
    private Reading readSensor(Path script) {
        Reading early = early(script);
        if (early != null) return early;
        String name = sensorName(script);
        String snapshot = "sensor-" + name + ".json";
        try {
            return new Reading(snapshot, cache.reading(name, script, new Supplier<String>() {
                @Override
                public String get() {
                    return outcome(name, run(script));
                }
            }));
        } catch (UserError refused) {
            // mode required and no sandbox here: the one line says what to install
            return new Reading(snapshot, failed(NOT_RUN, "sensor " + name + " not run: " + refused.getMessage(), ""));
        }
    }

    /** The error reading of a script looop will not run (a name no snapshot can carry, a bad link, not executable), or null. */
    private Reading early(Path script) {
        String file = script.getFileName().toString();
        String name = sensorName(script);
        String bad = Ids.problem(name);
        if (bad != null) {
            // a name no snapshot can carry (too long, control characters): an error reading under a name that fits
            String shown = Ids.printable(name);
            String snapshot = "sensor-" + shown.replaceAll("[^A-Za-z0-9_-]", "_").substring(0, Math.min(40, shown.length()))
                    + "-" + WorldHash.of(name.getBytes(StandardCharsets.UTF_8)).substring(0, 8) + ".json";
            return new Reading(snapshot, failed(NOT_RUN, "sensor " + shown + " not run: its name " + bad.replaceFirst("^it ", "")
                    + "; rename sensors/" + shown + ".sh to a name of " + Ids.RULE, ""));
        }
        String snapshot = "sensor-" + name + ".json";
        String refusal = refusal(paths, script, "sensors/" + file);
        if (refusal != null) return new Reading(snapshot, failed(NOT_RUN, "sensor " + name + " not run: " + refusal, ""));
        return null;
    }

    /** Why looop will not run the script, with the fix; null when it may (doctor asks too). */
    public static String refusal(Paths paths, Path script, String shown) {
        if (Files.isSymbolicLink(script)) {
            Path target = realPath(script);
            if (target == null) return shown + " is a broken symlink; point it at a script or delete it";
            if (!target.startsWith(realPath(paths.data))) {
                return shown + " links to " + target + ", outside the data dir; copy the script into sensors/ instead";
            }
        }
        if (!Files.isExecutable(script)) return shown + " is not executable; chmod +x " + shown;
        return null;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return null;
        }
    }

    private Proc.Result run(Path script) {
        String quoted = "'" + script.toString().replace("'", "'\\''") + "'";
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        return Proc.capture(new Proc.Spec("exec " + quoted, paths.data, paths.childEnv(), null, timeout, confine), maxBytes);
    }

    /** The snapshot text for a finished run. */
    private String outcome(String name, Proc.Result r) {
        if (r.timedOut()) {
            return failed(r.exitCode(), "sensor " + name + " timed out after " + timeoutSeconds
                    + "s; make it faster or raise LOOOP_SENSOR_TIMEOUT", r.stderrTail());
        }
        if (r.exitCode() != 0) {
            return failed(r.exitCode(), "sensor " + name + " exited " + r.exitCode()
                    + "; run sensors/" + name + ".sh by hand to see why", r.stderrTail());
        }
        if (maxBytes > 0 && r.stdoutBytes() > maxBytes) return tooLarge(r.stdoutBytes());
        return parsed(name, r);
    }

    /** The printed object in canonical form, or a failed reading saying what was printed instead. */
    private static String parsed(String name, Proc.Result r) {
        String text = utf8OrNull(r.stdout());
        if (text == null) return badOutput(name, "bytes that are not UTF-8 text", r);
        if (text.isBlank()) return badOutput(name, "nothing", r);
        try {
            JsonNode node = Json.parse(text);
            if (!node.isObject()) {
                return badOutput(name, "a JSON " + node.getNodeType().name().toLowerCase() + ", not an object", r);
            }
            return Json.canonical(node);
        } catch (JsonProcessingException e) {
            return badOutput(name, "output that is not valid JSON (" + Json.describe(e) + ")", r);
        }
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String badOutput(String name, String what, Proc.Result r) {
        return failed(0, "sensor " + name + " printed " + what + "; " + CONTRACT, r.stderrTail());
    }

    private static String failed(int exitCode, String message, String stderr) {
        ObjectNode v = Json.object();
        v.putObject("signal").put("error", true).put("exit_code", exitCode);
        v.putObject("detail").put("message", message).put("stderr", stderr);
        return Json.canonical(v);
    }

    private String tooLarge(long bytes) {
        ObjectNode v = Json.object();
        v.put("error", "sensor output too large (" + bytes + " bytes > cap " + maxBytes
                + "); print less, or raise LOOOP_SENSOR_MAX_BYTES");
        v.put("bytes", bytes);
        v.put("cap", maxBytes);
        return Json.canonical(v);
    }

    /**
     * Workers in their one JSON shape (stable fields only, so output never
     * wakes the loop), with the health that needs the loop (stuck, asking,
     * blocked with what it is blocked on: see looop.workers.Health) and a finished verify's verdict; the verify's
     * exit code and output go in detail, for the prompt.
     */
    private Reading sysSessions(List<Sessions.Info> all) {
        Map<String, Health> health = WorkerHealth.of(paths, sessions, clock, config).look(all);
        ArrayNode list = Json.array();
        ObjectNode verified = Json.object();
        for (Sessions.Info s : all) {
            ObjectNode o = s.json();
            // a yes/no, not the diff: it flips once when the worker changes something, and wakes the loop then
            Boolean changes = WorkerRepos.changes(paths, s.id());
            if (changes != null) o.put("changes", changes);
            Health h = health.get(s.id());
            if (h != null && h.signalled()) WorkerVerbs.withHealth(o, h);
            Verify.Result r = Verify.read(paths, s.id());
            if (r != null) {
                o.put("verify", r.word());
                verified.putObject(s.id()).put("exit_code", r.exitCode()).put("output", r.output());
            }
            list.add(o);
        }
        ObjectNode v = Json.object();
        v.putObject("signal").set("sessions", list);
        ObjectNode detail = v.putObject("detail").put("count", all.size());
        if (!verified.isEmpty()) detail.set("verify", verified);
        return new Reading("sys-sessions.json", Json.canonical(v));
    }

    /**
     * Workers whose unmerged branches do not merge cleanly with each other or
     * onto their repo's HEAD, with the files (looop.workers.WorkerConflicts):
     * the set of conflicts is the signal, so the loop wakes when it changes and
     * not on every commit. Without workers, no git runs.
     */
    private Reading sysConflicts(List<Sessions.Info> all) {
        String text = all.isEmpty() ? NO_CONFLICTS : new WorkerConflicts(paths).look(all).reading();
        return new Reading("sys-conflicts.json", text);
    }

    private static final String NO_CONFLICTS = new WorkerConflicts.Look(List.of(), List.of(), List.of()).reading();

    private Reading sysClaims() {
        ArrayNode list = Json.array();
        for (Claims.Claim c : claims.list()) list.addObject().put("name", c.name()).put("claim", c.session());
        ObjectNode v = Json.object();
        v.putObject("signal").set("claims", list);
        return new Reading("sys-claims.json", Json.canonical(v));
    }

    /** How long each goal has been left alone; detail only, since ages change every beat. */
    private Reading sysGoals() {
        Map<String, Long> acted = goalActivity();
        long now = clock.instant().getEpochSecond();
        ObjectNode goals = Json.object();
        for (Path g : Fs.listFiles(paths.goals(), ".md")) {
            String file = g.getFileName().toString();
            String id = file.substring(0, file.length() - ".md".length());
            Long at = acted.get(id);
            goals.putObject(id)
                    .put("last_acted_unix", at)
                    .put("age_s", at == null ? null : Math.max(0, now - at));
        }
        ObjectNode v = Json.object();
        v.putObject("signal");
        v.putObject("detail").set("goals", goals);
        return new Reading("sys-goals.json", Json.canonical(v));
    }

    /** .goal-activity.json, goal id to unix seconds; a missing or broken file means no goal was acted on. */
    private Map<String, Long> goalActivity() {
        JsonNode root;
        try {
            root = Json.parseOrNull(Fs.readOr(paths.goalActivity(), ""));
        } catch (UncheckedIOException e) {
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>();
        if (root == null || !root.isObject()) return out;
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getValue().isNumber()) out.put(e.getKey(), e.getValue().asLong());
        }
        return out;
    }
}
