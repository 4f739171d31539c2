///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../looop.java
//SOURCES ../tests/support/NoSessions.java

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import looop.NoSessions;
import looop.act.Decision;
import looop.act.Executor;
import looop.beat.Tick;
import looop.decide.Prompt;
import looop.io.Fs;
import looop.io.Log;
import looop.io.Proc;
import looop.profile.Config;
import looop.profile.Journal;
import looop.profile.Paths;
import looop.profile.RunnerCommand;
import looop.sense.Sensors;
import looop.sense.WorldHash;

/**
 * looop's benchmark: builds synthetic profiles in a temp dir and prints one
 * Markdown table. Plain System.nanoTime loops with warm-up and repetitions:
 * every time is a median with its min–max over the runs, or a ratio of
 * medians, because these machines are shared and noisy. Run it from the
 * checkout: `./jbang bench/run.java`. It takes a few minutes on 2 cores;
 * `./jbang bench/run.java oneshot verbs` runs only the sections named
 * (skip, sleepers, oneshot, verbs, hash, prompt, replay). A row with a target (issue
 * 15) prints the target and its verdict: "met" or "missed".
 */
public class run {
    static final Path REPO = Path.of("").toAbsolutePath();
    static final PrintStream OUT = System.out;
    static final Log QUIET = new Log(new PrintStream(OutputStream.nullOutputStream()), Clock.systemDefaultZone(), false, false);
    static Path work;

    static List<String> sections = List.of();

    static boolean wanted(String section) {
        return sections.isEmpty() || sections.contains(section);
    }

    public static void main(String... args) throws Exception {
        sections = List.of(args);
        if (!Files.isRegularFile(REPO.resolve("looop.java"))) {
            System.err.println("bench: run me from the looop checkout: ./jbang bench/run.java");
            System.exit(2);
        }
        work = Files.createTempDirectory("looop-bench");
        long start = System.nanoTime();
        try {
            machine();
            OUT.println();
            OUT.println("| measure | result | target | verdict | spread (min–max) or parts |");
            OUT.println("|---|---|---|---|---|");
            if (wanted("skip")) skipPath();
            if (wanted("sleepers")) sleepers();
            if (wanted("oneshot")) oneShot();
            if (wanted("verbs")) verbs();
            if (wanted("hash")) hashThroughput();
            if (wanted("sandbox")) sandboxCost();
            if (wanted("prompt")) promptStability();
            if (wanted("replay")) followReplay();
            if (wanted("conflicts")) conflicts();
        } finally {
            Fs.deleteTree(work);
        }
        OUT.printf("%nwhole bench: %.0f s; load average at the end: %s%n", (System.nanoTime() - start) / 1e9, loadAverage());
    }

    // -- timing ------------------------------------------------------------------

    /** Milliseconds of several runs. */
    record Stats(List<Double> ms) {
        double median() {
            List<Double> s = ms.stream().sorted().toList();
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }

        double min() {
            return ms.stream().mapToDouble(d -> d).min().orElse(0);
        }

        double max() {
            return ms.stream().mapToDouble(d -> d).max().orElse(0);
        }

        String spread() {
            return run.ms(min()) + "–" + run.ms(max()) + " (n=" + ms.size() + ")";
        }
    }

    static Stats time(int warmup, int reps, Runnable body) {
        for (int i = 0; i < warmup; i++) body.run();
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            long t = System.nanoTime();
            body.run();
            ms.add((System.nanoTime() - t) / 1e6);
        }
        return new Stats(ms);
    }

    static String ms(double v) {
        return v >= 100 ? String.format("%.0f ms", v) : v >= 10 ? String.format("%.1f ms", v) : String.format("%.2f ms", v);
    }

    static void row(String measure, String result, String spread) {
        row(measure, result, "", "", spread);
    }

    static void row(String measure, String result, String target, String verdict, String spread) {
        OUT.println("| " + measure + " | " + result + " | " + target + " | " + verdict + " | " + spread + " |");
        OUT.flush();
    }

    /** A row measured against a ceiling: the figure as shown, the target as "≤ limit", and whether it was met. */
    static void target(String measure, double figure, double limit, java.util.function.DoubleFunction<String> show, String spread) {
        row(measure, show.apply(figure), "≤ " + show.apply(limit), figure <= limit ? "met" : "**missed**", spread);
    }

    static String ratio(double v) {
        return String.format("%.2f×", v);
    }

    // -- the machine ---------------------------------------------------------------

    static void machine() {
        OUT.println("## Machine");
        OUT.println();
        OUT.println("```");
        OUT.println("$ nproc\n" + shell("nproc").strip());
        OUT.println("$ free -h\n" + shell("free -h").stripTrailing());
        OUT.println("$ java -version\n" + shell("java -version 2>&1").stripTrailing());
        OUT.println("load average at the start: " + loadAverage());
        OUT.println("```");
    }

    static String loadAverage() {
        return Fs.readOr(Path.of("/proc/loadavg"), "?").strip();
    }

    static String shell(String command) {
        try {
            Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            return "(" + e + ")";
        }
    }

    // -- profiles ------------------------------------------------------------------

    /** A profile on disk: policy, goals, sensors, and the offline runner deciding noop on every call. */
    static Paths profile(String name, int sensors, String sensorBody, int goals, String extraConfig) throws IOException {
        Path dir = work.resolve(name);
        write(dir.resolve("runners/offline.sh"), Files.readString(REPO.resolve("runners/offline.sh")));
        write(dir.resolve("runners/noop.jsonl"), "{\"action\":\"noop\",\"journal\":\"bench\"}\n".repeat(50));
        // with the sandbox on, the offline runner keeps its place in .offline-runner/ by grant, as `looop init` writes it
        Files.createDirectories(dir.resolve(".offline-runner"));
        String grant = sandboxed ? ",\"sandbox_write\":[\"" + dir.resolve(".offline-runner") + "\"]" : "";
        write(dir.resolve("looop.json"), "{\"default\":\"offline\",\"runners\":{\"offline\":{\"tick\":"
                + "\"bash runners/offline.sh runners/noop.jsonl\"" + grant + "}}" + extraConfig + "}\n");
        write(dir.resolve("PLAYBOOK.md"), "# Playbook\n\n" + prose(1000, 1));
        for (int i = 0; i < goals; i++) write(dir.resolve(String.format("goals/g%04d.md", i)), "# Goal " + i + "\n\n" + prose(400, i));
        for (int i = 0; i < sensors; i++) {
            Path s = write(dir.resolve(String.format("sensors/s%03d.sh", i)), "#!/usr/bin/env bash\n" + sensorBody.replace("$N", "" + i) + "\n");
            s.toFile().setExecutable(true);
        }
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", dir.resolve("home").toString());
        env.put("LOOOP_CDS", "0");
        // looop's own cost, as the tests measure it: where bubblewrap cannot run (containers) a sandboxed runner fails
        env.put("LOOOP_SANDBOX", sandboxed ? "auto" : "off");
        return Paths.at(dir, env);
    }

    /** Profiles made by profile() run with the sandbox off unless this is set (the sandbox section's rows). */
    static boolean sandboxed;

    static final String ECHO = "echo '{\"signal\":{\"n\":$N},\"detail\":{\"note\":\"trivial\"}}'";

    /** Deterministic filler text of about n bytes. */
    static String prose(int n, int seed) {
        String[] words = {"ship", "the", "release", "when", "tests", "pass", "and", "ask", "before", "merging", "docs", "review"};
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder();
        while (s.length() < n) s.append(words[r.nextInt(words.length)]).append(s.length() % 70 < 6 ? "\n" : " ");
        return s.append('\n').toString();
    }

    static Path write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    // -- 1. the skip path inside one JVM ---------------------------------------------

    /** One skip beat, phase by phase, exactly the calls Tick.beat makes; returns {sense, hash+compare} in ns. */
    static long[] skipBeat(Tick tick, Paths paths) {
        long t0 = System.nanoTime();
        RunnerCommand.preflight(paths, Config.load(paths).defaultRunnerDef());
        Tick.Sensed sensed = tick.sense();
        long t1 = System.nanoTime();
        Tick.Outcome o = tick.act(tick.decide(tick.hash(sensed), false));
        long t2 = System.nanoTime();
        if (!"world_unchanged".equals(o.reason())) throw new IllegalStateException("not a skip beat: " + o.reason() + " " + o.message());
        return new long[] {t1 - t0, t2 - t1};
    }

    static void skipPath() throws IOException {
        // goals are measured without user sensors, so that process noise does not drown their cost
        int[][] shapes = {{0, 10}, {1, 10}, {10, 10}, {100, 10}, {0, 100}, {0, 1000}};
        warmUp();
        Map<String, Double> median = new HashMap<>();
        for (int[] shape : shapes) median.put(shape[0] + "/" + shape[1], skipRow(shape[0], shape[1]));
        double perSensor = (median.get("100/10") - median.get("10/10")) / 90;
        row("growth: each echo sensor beyond 10 (100 vs 10 sensors)", ms(perSensor), "per sensor, from the medians");
        Stats spawn = bashRuns(work.resolve("skip-100-10/sensors"), false, 3);
        row("for scale: bash starting the same 100 sensors one after another", ms(spawn.median() / 100) + " per sensor",
                spawn.spread() + " for all 100");
        target("each sensor in a beat ÷ bash starting the same script", perSensor / (spawn.median() / 100), 1.5, run::ratio,
                ms(perSensor) + " / " + ms(spawn.median() / 100) + " (the beat's sensors run " + Config.DEFAULT_SENSOR_CONCURRENCY
                        + " at a time, bash's one after another)");
        // the same comparison one after another on both sides: what each sensor's own process costs looop
        double seq = (skipRow(100, 10, ",\"sensor_concurrency\":1") - median.get("0/10")) / 100;
        Stats seqBash = bashRuns(work.resolve("skip-100-10-seq/sensors"), false, 3);
        // for scale, not a target (the pulse runs its sensors in a pool): each command looop runs costs two execs more than
        // bash's, setsid (its process group, for the kill) and the JDK's spawn helper
        row("for scale: each sensor, sensor_concurrency 1 ÷ bash, both one after another", ratio(seq / (seqBash.median() / 100)),
                ms(seq) + " / " + ms(seqBash.median() / 100) + " per sensor (setsid and the JDK's spawn helper: two execs bash does not make)");
        steadyOwnWork(10, 2, median.get("0/10"));
        steadyOwnWork(1000, 30, median.get("0/1000"));
        row("growth: each goal beyond 10 (1000 vs 10 goals)", ms((median.get("0/1000") - median.get("0/10")) / 990),
                "per goal, from the medians");
        snapshotWrites();
    }

    /** Compiles the beat's code paths before the first row is timed, so that row does not pay for the JIT. */
    static void warmUp() throws IOException {
        Paths paths = profile("warm-up", 2, ECHO, 10, "");
        Tick tick = new Tick(paths, Clock.systemDefaultZone(), NoSessions.none(), QUIET);
        tick.beat(false);
        time(40, 0, () -> skipBeat(tick, paths));
    }

    /** Skip beats on one profile shape; prints the row, returns the median beat in ms. */
    static double skipRow(int sensors, int goals) throws IOException {
        return skipRow(sensors, goals, "");
    }

    static double skipRow(int sensors, int goals, String extraConfig) throws IOException {
        Paths paths = profile("skip-" + sensors + "-" + goals + (extraConfig.isEmpty() ? "" : "-seq"), sensors, ECHO, goals, extraConfig);
        Tick tick = new Tick(paths, Clock.systemDefaultZone(), NoSessions.none(), QUIET);
        if (tick.beat(false).result() != Tick.Outcome.Result.ACTED) throw new IllegalStateException("first beat did not act");
        int warmup = 3;
        List<Double> sense = new ArrayList<>();
        List<Double> rest = new ArrayList<>();
        Stats total = time(warmup, sensors >= 100 ? 8 : 15, () -> {
            long[] p = skipBeat(tick, paths);
            sense.add(p[0] / 1e6);
            rest.add(p[1] / 1e6);
        });
        sense.subList(0, warmup).clear();
        rest.subList(0, warmup).clear();
        row("skip beat in one JVM: " + sensors + " echo sensors, " + goals + " goals" + (extraConfig.isEmpty() ? "" : ", sensor_concurrency 1"),
                ms(total.median()),
                total.spread() + "; sense " + ms(new Stats(sense).median()) + ", hash+compare " + ms(new Stats(rest).median()));
        return total.median();
    }

    /**
     * A skip beat's own work in a pulse that has been beating for a while:
     * the rows above come after 40 warm-up beats, where the JIT is still
     * compiling; a pulse at a 60 s interval beats 1 440 times a day, so its
     * cost is what it pays once warm. Warms up on 1 000 beats, times 200.
     */
    static void steadyOwnWork(int goals, double targetMs, double early) throws IOException {
        Paths paths = profile("steady-" + goals, 0, ECHO, goals, "");
        Tick tick = new Tick(paths, Clock.systemDefaultZone(), NoSessions.none(), QUIET);
        tick.beat(false);
        Stats warm = time(1000, 200, () -> skipBeat(tick, paths));
        target("a skip beat's own work in a warm pulse (after 1 000 beats): no sensors, " + goals + " goals", warm.median(), targetMs, run::ms,
                warm.spread() + "; " + ms(early) + " after 40 beats (the row above)");
    }

    /** Why snapshots skip the fsync: one 200-byte snapshot written the durable way and the scratch way. */
    static void snapshotWrites() throws IOException {
        Path dir = Files.createDirectories(work.resolve("writes"));
        byte[] bytes = "{\"signal\":{\"n\":1}}".repeat(10).getBytes(StandardCharsets.UTF_8);
        Stats durable = time(20, 200, () -> Fs.writeAtomic(dir.resolve("a.json"), bytes));
        Stats scratch = time(20, 200, () -> {
            try {
                Path tmp = Files.createTempFile(dir, ".b.json.", ".tmp");
                Files.write(tmp, bytes);
                Files.move(tmp, dir.resolve("b.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        row("one snapshot write: temp + fsync + rename / temp + rename (what Sensors does)",
                ms(durable.median()) + " / " + ms(scratch.median()), durable.spread() + " / " + scratch.spread());
    }

    // -- the sandbox's price per command -------------------------------------------------

    /** A run_shell and an echo sensor as looop runs them (Proc, setsid, bash), with and without bwrap around them. */
    static void sandboxCost() throws IOException {
        Path dir = Files.createDirectories(work.resolve("sandbox"));
        Files.writeString(dir.resolve("looop.json"), "{}");
        Files.createDirectories(dir.resolve("reports"));
        Path sensor = dir.resolve("sensors/echo.sh");
        Files.createDirectories(sensor.getParent());
        Files.writeString(sensor, "#!/usr/bin/env bash\necho '{\"signal\":{\"ok\":true}}'\n");
        sensor.toFile().setExecutable(true);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("LOOOP_SANDBOX", "auto");
        looop.profile.Paths paths = looop.profile.Paths.at(dir, env);
        looop.profile.Confinement c = looop.profile.Confinement.of(paths, Config.load(paths));
        if (!c.sandbox().active()) {
            row("sandbox: run_shell / echo sensor with ÷ without bwrap", "skipped", c.sandbox().describe());
            return;
        }
        String shell = "echo done > reports/bench.md";
        String echo = "exec " + looop.io.Proc.shellQuote(sensor.toString());
        Stats shellOff = procRuns(paths, shell, null);
        Stats shellOn = procRuns(paths, shell, c.runShell());
        Stats echoOff = procRuns(paths, echo, null);
        Stats echoOn = procRuns(paths, echo, c.sensor());
        row("run_shell `echo > reports/…`: without / with the sandbox (" + c.sandbox().describe() + ")",
                ms(shellOff.median()) + " / " + ms(shellOn.median()), shellOff.spread() + " / " + shellOn.spread());
        row("echo sensor: without / with the sandbox", ms(echoOff.median()) + " / " + ms(echoOn.median()),
                echoOff.spread() + " / " + echoOn.spread());
        row("sandbox ratio (with ÷ without): run_shell / echo sensor", String.format("%.1f× / %.1f×",
                shellOn.median() / shellOff.median(), echoOn.median() / echoOff.median()),
                String.format("+%s / +%s per command", ms(shellOn.median() - shellOff.median()), ms(echoOn.median() - echoOff.median())));
        // the floor any bwrap sandbox pays here: bwrap itself with one bind and none of looop's namespaces, mounts, filter or cgroups
        String reports = dir.resolve("reports").toString();
        Stats bare = procRuns(paths, shell, argv -> {
            List<String> a = new ArrayList<>(List.of(looop.sandbox.Bwrap.onPath().toString(), "--ro-bind", "/", "/", "--bind", reports, reports, "--"));
            a.addAll(argv);
            return a;
        });
        row("run_shell `echo > reports/…` under a bare bwrap (`--ro-bind / /` and the one write bind, nothing else): the floor",
                ms(bare.median()), bare.spread() + String.format("; +%s over none, +%s more for looop's whole sandbox",
                        ms(bare.median() - shellOff.median()), ms(shellOn.median() - bare.median())));
        runShellMoves(paths);
        sandboxedSensors();
    }

    /**
     * A whole run_shell move as looop executes one (the gate, the intent
     * record, the sandbox, the command, what it printed kept for the next
     * decide, the journal line): sandbox off; on as a beat runs it, in the
     * sandbox it started while its runner decided (act.moves.SpareShell; the
     * spare is made, untimed, before each move, as the runner's seconds hide
     * it); and on with the sandbox started by the move itself (`looop act`,
     * or a runner quicker than bwrap). Interleaved.
     */
    static void runShellMoves(looop.profile.Paths on) {
        Map<String, String> offEnv = new HashMap<>(System.getenv());
        offEnv.put("LOOOP_SANDBOX", "off");
        looop.profile.Paths off = looop.profile.Paths.at(on.data, offEnv);
        String json = "{\"action\":\"run_shell\",\"cmd\":\"echo done > reports/bench.md\",\"reason\":\"bench\"}";
        try (looop.act.moves.SpareShell spare = new looop.act.moves.SpareShell()) {
            Executor warmOn = new Executor(on, NoSessions.none(), Clock.systemDefaultZone(), Config.load(on), spare);
            Executor coldOn = new Executor(on, NoSessions.none(), Clock.systemDefaultZone(), Config.load(on));
            Executor offEx = new Executor(off, NoSessions.none(), Clock.systemDefaultZone(), Config.load(off));
            Runnable warm = () -> warmOn.act(Decision.parse(json)), cold = () -> coldOn.act(Decision.parse(json)),
                    none = () -> offEx.act(Decision.parse(json));
            List<Double> warmMs = new ArrayList<>(), coldMs = new ArrayList<>(), offMs = new ArrayList<>(), making = new ArrayList<>();
            looop.profile.Confinement box = looop.profile.Confinement.of(on, Config.load(on));
            for (int i = 0; i < 46; i++) {
                boolean kept = i >= 5;
                double a = time(0, 1, none).median();
                long t = System.nanoTime();
                spare.prepare(on, box).awaitSpare(); // as a beat starts it beside its runner
                double c = (System.nanoTime() - t) / 1e6;
                double b = time(0, 1, warm).median();
                double d = time(0, 1, cold).median();
                if (kept) {
                    offMs.add(a);
                    warmMs.add(b);
                    making.add(c);
                    coldMs.add(d);
                }
            }
            Stats w = new Stats(warmMs), k = new Stats(coldMs), o = new Stats(offMs), m = new Stats(making);
            row("a run_shell move (`echo done > reports/…`, the whole move): sandbox off / on, started while deciding / on, started by the move",
                    ms(o.median()) + " / " + ms(w.median()) + " / " + ms(k.median()), o.spread() + " / " + w.spread() + " / " + k.spread()
                    + "; " + spare.handedOver() + " of the " + (warmMs.size() + 5) + " moves ran in their spare");
            target("a run_shell move in a beat (its sandbox started while the runner decided), sandbox on ÷ off", w.median() / o.median(), 1.5,
                    run::ratio, ms(w.median()) + " / " + ms(o.median()) + ", interleaved; the spare's own start, beside the runner: " + ms(m.median()));
            row("a run_shell move with the sandbox started by the move (`looop act`) ÷ off",
                    ratio(k.median() / o.median()), ms(k.median()) + " / " + ms(o.median()));
        }
    }

    /**
     * Each sensor with the sandbox on, as the skip rows measure it with the
     * sandbox off: the growth of a skip beat from 10 to 100 echo sensors (the
     * beat's one sandbox holds them all), beside bash starting the same 100
     * scripts one after another; beats and bash interleaved.
     */
    static void sandboxedSensors() throws IOException {
        sandboxed = true;
        try {
            Paths ten = profile("sbx-10-10", 10, ECHO, 10, ""), hundred = profile("sbx-100-10", 100, ECHO, 10, "");
            Tick t10 = new Tick(ten, Clock.systemDefaultZone(), NoSessions.none(), QUIET);
            Tick t100 = new Tick(hundred, Clock.systemDefaultZone(), NoSessions.none(), QUIET);
            t10.beat(false);
            t100.beat(false);
            for (int i = 0; i < 3; i++) {
                skipBeat(t10, ten);
                skipBeat(t100, hundred);
            }
            List<Double> a = new ArrayList<>(), b = new ArrayList<>(), sh = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                a.add(time(0, 1, () -> skipBeat(t10, ten)).median());
                b.add(time(0, 1, () -> skipBeat(t100, hundred)).median());
                sh.add(bashRuns(work.resolve("sbx-100-10/sensors"), false, 1).median() / 100);
            }
            Stats s10 = new Stats(a), s100 = new Stats(b), bash = new Stats(sh);
            row("skip beat in one JVM, sandbox on: 10 / 100 echo sensors, 10 goals", ms(s10.median()) + " / " + ms(s100.median()),
                    s10.spread() + " / " + s100.spread());
            double per = (s100.median() - s10.median()) / 90;
            target("each sensor in a beat, sandbox on ÷ bash starting the same script", per / bash.median(), 1.5, run::ratio,
                    ms(per) + " / " + ms(bash.median()) + " (growth 10 → 100 sensors; bash one after another; n=9 interleaved)");
        } finally {
            sandboxed = false;
        }
    }

    static Stats procRuns(looop.profile.Paths paths, String cmd, java.util.function.UnaryOperator<List<String>> wrap) {
        return time(5, 40, () -> {
            looop.io.Proc.Result r = looop.io.Proc.capture(new looop.io.Proc.Spec(cmd, paths.data, paths.childEnv(), null,
                    java.time.Duration.ofSeconds(30), wrap), 8192);
            if (r.exitCode() != 0) throw new IllegalStateException(cmd + " exited " + r.exitCode() + ": " + r.stderrTail());
        });
    }

    // -- 2. sleeping sensors, sequential versus parallel ---------------------------------

    static void sleepers() throws IOException {
        int n = 16;
        String body = "sleep 0.1; echo '{\"signal\":{\"n\":$N}}'";
        Stats seq = sleeperBeats(profile("sleep-seq", n, body, 10, ",\"sensor_concurrency\":1"));
        Stats par = sleeperBeats(profile("sleep-par", n, body, 10, ""));
        row(n + " sensors sleeping 100 ms, sensor_concurrency 1", ms(seq.median()), seq.spread());
        row(n + " sensors sleeping 100 ms, default (" + Config.DEFAULT_SENSOR_CONCURRENCY + ")", ms(par.median()), par.spread());
        row("sequential ÷ parallel", String.format("%.1f×", seq.median() / par.median()),
                String.format("%.1f×–%.1f× (worst–best pairing)", seq.min() / par.max(), seq.max() / par.min()));
        Stats bashSeq = bashRuns(work.resolve("sleep-seq/sensors"), false, 3);
        Stats bashPar = bashRuns(work.resolve("sleep-seq/sensors"), true, 3);
        row("for scale: the same " + n + " scripts from bash, one after another / all at once",
                ms(bashSeq.median()) + " / " + ms(bashPar.median()), String.format("%.1f× (what this machine allows)",
                        bashSeq.median() / bashPar.median()));
    }

    /** The sensors of a profile started from bash as looop starts them (bash -c 'exec script'), in a row or all at once. */
    static Stats bashRuns(Path sensors, boolean parallel, int reps) {
        String each = "bash -c \"exec $f\" >/dev/null" + (parallel ? " &" : "");
        String loop = "for f in " + sensors + "/*.sh; do " + each + "\ndone; wait";
        return time(1, reps, () -> shell(loop));
    }

    static Stats sleeperBeats(Paths paths) {
        Tick tick = new Tick(paths, Clock.systemDefaultZone(), NoSessions.none(), QUIET);
        tick.beat(false);
        return time(1, 5, () -> skipBeat(tick, paths));
    }

    // -- 3. one-shot start-up ----------------------------------------------------------

    static void oneShot() throws Exception {
        Paths paths = profile("oneshot", 3, ECHO, 10, "");
        Map<String, String> env = Map.of("LOOOP_DATA_DIR", paths.data.toString(), "LOOOP_SANDBOX", "off");
        List<String> jbang = List.of(REPO.resolve("jbang").toString(), "looop", "tick");
        expect(jbang, env, "changed"); // builds looop if needed, acts once, writes the launcher
        List<String> launcher = List.of(paths.bin().toString(), "tick");
        Stats first = new Stats(List.of(timed(launcher, env, "unchanged")));
        List<String> noCds = launcherWithoutCds(paths);
        Path bash = write(paths.data.resolve("skip.sh"), BASH_SKIP);
        List<String> script = List.of("bash", bash.toString(), paths.data.toString());
        expect(script, env, "changed");
        List<String> hello = helloWorld(paths);
        // the default config: the sandbox on (mode auto), where bubblewrap works
        Map<String, String> on = Map.of("LOOOP_DATA_DIR", paths.data.toString(), "LOOOP_SANDBOX", "auto");
        boolean bwrap = looop.profile.Confinement.of(Paths.at(paths.data, Map.of("PATH", System.getenv("PATH"), "LOOOP_SANDBOX", "auto")),
                Config.load(paths)).sandbox().active();
        Map<String, List<String>> contenders = new HashMap<>(Map.of("jbang", jbang, "launcher", noCds, "cds", launcher, "bash", script,
                "hello", hello));
        if (bwrap) contenders.put("cds-sandbox", launcher);
        if (bwrap) expect(launcher, on, "unchanged"); // probes bwrap once, as a first sandboxed beat does
        Map<String, List<Double>> runs = interleaved(11, env, contenders, Map.of("cds-sandbox", on));
        Stats j = new Stats(runs.get("jbang")), l = new Stats(runs.get("launcher")), c = new Stats(runs.get("cds")), b = new Stats(runs.get("bash"));
        Stats h = new Stats(runs.get("hello"));
        row("one-shot `./jbang looop tick`, unchanged world (3 sensors, 10 goals)", ms(j.median()), j.spread());
        row("one-shot `$LOOOP_BIN tick` without CDS", ms(l.median()), l.spread());
        row("one-shot `$LOOOP_BIN tick` with CDS (first call, records the archive)", ms(first.median()), "one run");
        row("one-shot `$LOOOP_BIN tick` with CDS", ms(c.median()), c.spread());
        row("plain bash doing the same work (sensors, sha256sum, compare)", ms(b.median()), b.spread());
        row("ratios to bash: jbang / launcher / launcher+CDS", String.format("%.0f× / %.0f× / %.0f×",
                j.median() / b.median(), l.median() / b.median(), c.median() / b.median()),
                String.format("jbang ÷ launcher+CDS %.1f×; CDS saves %.0f%%", j.median() / c.median(), 100 * (1 - c.median() / l.median())));
        row("for scale: a hello-world JVM started as the launcher starts looop", ms(h.median()), h.spread());
        target("`$LOOOP_BIN tick`, unchanged world ÷ hello-world JVM", c.median() / h.median(), 3, run::ratio,
                ms(c.median()) + " / " + ms(h.median()) + "; plain bash " + ms(b.median()));
        target("`./jbang looop tick` ÷ `$LOOOP_BIN tick`", j.median() / c.median(), 1.3, run::ratio, ms(j.median()) + " / " + ms(c.median()));
        if (!bwrap) {
            row("`$LOOOP_BIN tick` with the sandbox on", "skipped", "bubblewrap does not run here");
            return;
        }
        Stats on2 = new Stats(runs.get("cds-sandbox"));
        row("one-shot `$LOOOP_BIN tick` with the sandbox on (the default)", ms(on2.median()), on2.spread());
        target("`$LOOOP_BIN tick`, unchanged world, sandbox on ÷ hello-world JVM", on2.median() / h.median(), 3, run::ratio,
                ms(on2.median()) + " / " + ms(h.median()) + "; sandbox off " + ms(c.median()) + " (" + ratio(c.median() / h.median()) + ")");
    }

    /**
     * A hello-world JVM started the way the launcher starts looop: a sh script
     * exec'ing the same java with the same flags (and the JDK's own CDS archive).
     */
    static List<String> helloWorld(Paths paths) throws IOException {
        Path dir = Files.createDirectories(work.resolve("hello"));
        Path src = write(dir.resolve("Hello.java"), "public class Hello { public static void main(String[] a) { System.out.println(\"unchanged\"); } }\n");
        if (javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), src.toString()) != 0) {
            throw new IllegalStateException("cannot compile " + src);
        }
        String script = Files.readString(paths.bin());
        Path sh = write(dir.resolve("hello.sh"), "#!/bin/sh\nset -f\nexec " + Proc.shellQuote(value(script, "java")) + " "
                + value(script, "opts") + " -cp " + Proc.shellQuote(dir.toString()) + " Hello\n");
        return List.of("sh", sh.toString());
    }

    // -- 3b. one-shot verbs that workers and scripts call ----------------------------------

    /** The verbs workers call through $LOOOP_BIN, each against a hello-world JVM started the same way, round-robin. */
    static void verbs() throws Exception {
        Paths paths = profile("verbs", 0, ECHO, 10, "");
        Files.createDirectories(paths.sessions().resolve("w1")); // a worker for _ flag to flag
        Map<String, String> env = new HashMap<>(Map.of("LOOOP_DATA_DIR", paths.data.toString(), "LOOOP_SESSION_ID", "w1", "LOOOP_SANDBOX", "off"));
        Map<String, String> human = new HashMap<>(env);
        human.remove("LOOOP_SESSION_ID"); // a worker may not run a beat
        expect(List.of(REPO.resolve("jbang").toString(), "looop", "tick"), human, "changed"); // builds looop, writes the launcher
        String bin = paths.bin().toString();
        Stats first = new Stats(List.of(timed(List.of(bin, "version"), env, "looop")));
        Map<String, List<String>> verbs = new java.util.LinkedHashMap<>();
        verbs.put("version", List.of(bin, "version"));
        verbs.put("_ flag", List.of(bin, "_", "flag", "w1", "bench"));
        verbs.put("_ cost", List.of(bin, "_", "cost", "tick", "bench", "offline", "0.001"));
        verbs.put("_ claim", List.of(bin, "_", "claim", "bench-lease"));
        verbs.put("ask", List.of(bin, "ask", "w1", "ship", "it?"));
        verbs.put("ls", List.of(bin, "ls"));
        Map<String, List<String>> all = new java.util.LinkedHashMap<>(verbs);
        all.put("hello", helloWorld(paths));
        Map<String, List<Double>> runs = new HashMap<>();
        for (int i = 0; i < 11; i++) {
            for (var c : all.entrySet()) {
                if (c.getKey().equals("ask")) answeredMeanwhile(paths, "w1", "ship it?");
                runs.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(timed(c.getValue(), env, c.getKey().equals("ask") ? "yes" : ""));
            }
        }
        Stats h = new Stats(runs.get("hello"));
        row("`$LOOOP_BIN version`, first call (records the archive)", ms(first.median()), "one run");
        row("for scale: a hello-world JVM started as the launcher starts looop", ms(h.median()), h.spread());
        for (String verb : verbs.keySet()) {
            Stats v = new Stats(runs.get(verb));
            target("`$LOOOP_BIN " + verb + "` ÷ hello-world JVM", v.median() / h.median(), 2, run::ratio, ms(v.median()) + ", " + v.spread());
        }
    }

    /**
     * An ask whose answer came while its asker was gone (a restart, say): the
     * asker's next `ask` with the same question takes it at once. So `ask` is
     * timed from start to answer without waiting for a person.
     */
    static void answeredMeanwhile(Paths paths, String id, String question) {
        looop.human.Asks asks = new looop.human.Asks(paths, Clock.systemUTC());
        asks.open(id, question, null, Long.MAX_VALUE, null); // an asker pid no process has
        asks.answer(id, "yes", true);
    }

    /** The skip path in plain bash: the same sensors, the same policy bytes and readings through sha256sum, compared. */
    static final String BASH_SKIP = """
            set -u
            cd "$1"
            rm -rf .bash-snapshots && mkdir .bash-snapshots
            for s in sensors/*.sh; do n=${s##*/}; "$s" > ".bash-snapshots/sensor-${n%.sh}.json"; done
            hash=$( { for f in PLAYBOOK.md goals/*.md .bash-snapshots/*.json; do printf '@@ %s\\n' "$f"; cat "$f"; done; } \\
              | sha256sum | cut -d' ' -f1)
            if [ "$hash" = "$(cat .bash-hash 2>/dev/null)" ]; then echo "world unchanged"; else echo "$hash" > .bash-hash; echo changed; fi
            """;

    /** The launcher's own java command line, minus the archive: what $LOOOP_BIN ran before CDS. */
    static List<String> launcherWithoutCds(Paths paths) throws IOException {
        String script = Files.readString(paths.bin());
        String java = value(script, "java"), cp = value(script, "cp"), opts = value(script, "opts");
        // the build key the launcher carries, so that this tick rewrites the same launcher (./jbang's short way)
        String key = script.lines().filter(l -> l.startsWith("export LOOOP_BUILD_KEY=")).findFirst().orElse("export LOOOP_BUILD_KEY=");
        List<String> cmd = new ArrayList<>(List.of("env", key.substring("export ".length()), java));
        cmd.addAll(List.of(opts.split(" ")));
        cmd.addAll(List.of("-cp", cp, "looop.cli.Main", "tick"));
        return cmd;
    }

    static String value(String script, String var) {
        return script.lines().filter(l -> l.startsWith(var + "=")).findFirst().orElseThrow()
                .substring(var.length() + 1).replaceAll("^'|'$", "");
    }

    /** Round-robin runs, so that a noisy minute hurts every contender alike. */
    static Map<String, List<Double>> interleaved(int reps, Map<String, String> env, Map<String, List<String>> commands) throws Exception {
        return interleaved(reps, env, commands, Map.of());
    }

    /** The same, with another environment for some of the commands (by name). */
    static Map<String, List<Double>> interleaved(int reps, Map<String, String> env, Map<String, List<String>> commands,
            Map<String, Map<String, String>> envs) throws Exception {
        Map<String, List<Double>> out = new HashMap<>();
        for (int i = 0; i < reps; i++) {
            for (var c : commands.entrySet()) {
                out.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(timed(c.getValue(), envs.getOrDefault(c.getKey(), env), "unchanged"));
            }
        }
        return out;
    }

    static double timed(List<String> cmd, Map<String, String> env, String expected) throws Exception {
        long t = System.nanoTime();
        expect(cmd, env, expected);
        return (System.nanoTime() - t) / 1e6;
    }

    /** Runs a command to the end and checks it did what the row claims (e.g. skipped an unchanged world). */
    static void expect(List<String> cmd, Map<String, String> env, String expected) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || !out.contains(expected)) {
            throw new IllegalStateException(String.join(" ", cmd) + " printed no '" + expected + "':\n" + out);
        }
    }

    // -- 4. world-hash throughput --------------------------------------------------------

    static void hashThroughput() throws IOException {
        Paths paths = profile("hash", 0, "", 0, "");
        int files = 8, mib = 8;
        byte[] all = new byte[files * mib << 20];
        new Random(7).nextBytes(all);
        for (int i = 0; i < files; i++) {
            Path g = paths.goals().resolve("big" + i + ".md");
            Files.createDirectories(g.getParent());
            Files.write(g, java.util.Arrays.copyOfRange(all, i * mib << 20, (i + 1) * mib << 20));
        }
        double mb = all.length / 1e6;
        Stats disk = time(2, 7, () -> WorldHash.compute(paths.data, List.of()));
        Stats memory = time(2, 7, () -> WorldHash.of(all));
        Stats sha = time(1, 5, () -> shell("cat " + paths.goals() + "/*.md | sha256sum"));
        row("world hash over " + files + " goals × " + mib + " MiB, files read from page cache", mbps(mb, disk.median()),
                mbps(mb, disk.max()) + "–" + mbps(mb, disk.min()));
        row("FNV-1a 128 alone, bytes in memory", mbps(mb, memory.median()), mbps(mb, memory.max()) + "–" + mbps(mb, memory.min()));
        row("for scale: `sha256sum` over the same files (fed by cat)", mbps(mb, sha.median()), mbps(mb, sha.max()) + "–" + mbps(mb, sha.min()));
    }

    static String mbps(double mb, double ms) {
        return String.format("%.0f MB/s", mb / (ms / 1000));
    }

    // -- 5. prompt size and stability ------------------------------------------------------

    static void promptStability() throws IOException {
        for (int goals : new int[] {10, 100}) {
            for (boolean acted : new boolean[] {false, true}) promptRow(goals, acted);
        }
    }

    /** Two beats a minute apart on the same world: how much of the prompt is byte-identical (what a prompt cache reuses). */
    static void promptRow(int goals, boolean acted) throws IOException {
        Paths paths = profile("prompt-" + goals + "-" + acted, 3, ECHO, goals, "");
        Instant t = Instant.parse("2026-11-23T12:00:00Z");
        if (acted) stampHalfTheGoals(paths, t.getEpochSecond() - 3600, goals);
        for (int i = 0; i < 20; i++) Fs.appendLine(paths.journal(), "- 2026-11-23 11:" + (10 + i) + " bench move " + i);
        String a = prompt(paths, Clock.fixed(t, ZoneId.of("UTC")));
        String b = prompt(paths, Clock.fixed(t.plusSeconds(60), ZoneId.of("UTC")));
        byte[] x = a.getBytes(StandardCharsets.UTF_8), y = b.getBytes(StandardCharsets.UTF_8);
        int prefix = commonPrefix(x, y);
        row("prompt, " + goals + " goals" + (acted ? ", half acted on an hour ago" : ", none acted on yet"), x.length + " bytes",
                String.format("identical prefix %d bytes (%.1f%%), first difference in %s", prefix, 100.0 * prefix / x.length,
                        section(a, prefix)));
    }

    static String prompt(Paths paths, Clock clock) {
        List<Sensors.Reading> readings = new Sensors(paths, NoSessions.none(), clock, looop.profile.Config.load(paths)).senseAll();
        return Prompt.build(paths, readings, new Journal(paths, clock).tail(20), clock);
    }

    static void stampHalfTheGoals(Paths paths, long when, int goals) throws IOException {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < goals; i += 2) s.append(i == 0 ? "" : ",").append(String.format("\"g%04d\":%d", i, when + i));
        Files.writeString(paths.goalActivity(), s.append("}").toString());
    }

    static int commonPrefix(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return n;
    }

    /** The section header (and reading) in force at a byte offset. */
    static String section(String prompt, int byteOffset) {
        String before = new String(java.util.Arrays.copyOf(prompt.getBytes(StandardCharsets.UTF_8), byteOffset), StandardCharsets.UTF_8);
        String header = before.lines().filter(l -> l.startsWith("=== ")).reduce((x, y) -> y).orElse("the instructions");
        String reading = before.lines().filter(l -> l.startsWith("--- ")).reduce((x, y) -> y).orElse("");
        return header + (header.equals(Prompt.READINGS) ? " " + reading : "");
    }
    // -- rendered log: a follower's looks (issue 23) ---------------------------------

    /**
     * `log --follow` and `expect` look at the rendered log again each time it
     * grows. A follower's 12 looks at a log growing to about 1.2 MB of
     * full-screen repaints: each look replaying the whole log (as a one-shot
     * `log` does) against one replay kept up and fed only the new bytes.
     */
    static void followReplay() throws IOException {
        if (Proc.onPath("tmux") == null) {
            row("follow: 12 looks at a growing rendered log", "skipped: no tmux", "");
            return;
        }
        Path dir = Files.createDirectories(work.resolve("replay"));
        Paths paths = Paths.at(dir, Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString()));
        looop.workers.TerminalReplay replay = new looop.workers.TerminalReplay(paths, new looop.workers.Tmux(paths));
        Path log = dir.resolve("output.log");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 12_000; i++) { // a TUI: a status row repainted in place, a spinner, then a line of output
            b.append("\033[1;1H\033[2Kstatus ").append(i).append("\033[40;1H").append("|/-\\".charAt(i % 4)).append(" working\r");
            b.append("\033[20;1H\033[1Moutput line ").append(i).append(" ").append("x".repeat(40)).append("\r\n");
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(log, bytes);
        int looks = 12;
        Stats whole = time(1, 3, () -> {
            for (int k = 1; k <= looks; k++) replay.render(log, (long) bytes.length * k / looks, 200, 50, false);
        });
        Stats fed = time(1, 3, () -> {
            try (looop.workers.TerminalReplay.Live live = replay.live(log, 200, 50, false)) {
                for (int k = 1; k <= looks; k++) live.render((long) bytes.length * k / looks);
            }
        });
        row("follow: " + looks + " looks at a log growing to " + bytes.length / 1024 + " KiB, whole replay each look", ms(whole.median()), whole.spread());
        row("follow: the same looks, one replay fed the new bytes", ms(fed.median()), fed.spread());
        row("follow: whole replays ÷ one fed replay", ratio(whole.median() / fed.median()), "ratio of medians");
    }

    // -- workers that collide (issue 26) ------------------------------------------------

    /**
     * sys-conflicts on a beat where no branch moved, for 4 repo workers (6
     * pairs, one conflicting): with the merge results kept by commit ids, against
     * the same look with the file gone (every pair merged again), and against
     * what sys-sessions already pays per worker for its "changes" (the same
     * reads of each worker's record and branch).
     */
    static void conflicts() throws IOException {
        if (Proc.onPath("git") == null) {
            row("sys-conflicts, 4 repo workers", "skipped: no git", "");
            return;
        }
        Path dir = Files.createDirectories(work.resolve("conflicts"));
        Paths paths = Paths.at(dir.resolve("data"), Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString()));
        Path repo = dir.resolve("repo");
        git(dir, "init -q -b main repo");
        git(repo, "-c user.name=b -c user.email=b@b commit -q --allow-empty -m init");
        Files.writeString(repo.resolve("f.txt"), "one\ntwo\nthree\n");
        git(repo, "add f.txt");
        git(repo, "-c user.name=b -c user.email=b@b commit -q -m f");
        looop.git.Worktrees worktrees = looop.workers.WorkerRepos.worktrees(paths, () -> Config.load(paths));
        List<looop.workers.Sessions.Info> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = "w" + i;
            looop.git.Worktree w = worktrees.create(id, repo, null);
            Fs.writeAtomic(looop.workers.SessionFiles.of(paths, id).meta(), looop.io.Json.canonical(w.json()));
            Files.writeString(w.path().resolve(i < 2 ? "f.txt" : id + ".txt"), "one\n" + id + "\nthree\n");
            git(w.path(), "add -A");
            git(w.path(), "-c user.name=b -c user.email=b@b commit -q -m " + id);
            workers.add(new looop.workers.Sessions.Info(id, looop.workers.SessionState.EXITED, 0, null));
        }
        Path kept = paths.data.resolve(".merge-checks.json");
        Stats warm = time(2, 9, () -> new looop.workers.WorkerConflicts(paths).look(workers));
        Stats cold = time(1, 9, () -> {
            Fs.delete(kept);
            new looop.workers.WorkerConflicts(paths).look(workers);
        });
        Stats changes = time(2, 9, () -> workers.forEach(w -> looop.workers.WorkerRepos.changes(paths, w.id())));
        String found = new looop.workers.WorkerConflicts(paths).look(workers).json().toString();
        row("sys-conflicts, 4 repo workers, no branch moved (found " + found.replace("|", "/") + ")", ms(warm.median()), warm.spread());
        row("sys-conflicts: every pair merged again ÷ kept by commit ids", ratio(cold.median() / warm.median()),
                ms(cold.median()) + " / " + ms(warm.median()));
        row("sys-conflicts, no branch moved ÷ sys-sessions' `changes` for the same workers", ratio(warm.median() / changes.median()),
                ms(warm.median()) + " / " + ms(changes.median()));
    }

    static void git(Path dir, String args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args.split(" ")));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException("git " + args + ": " + out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
