package looop.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Paths;
import looop.profile.RunnerCommand;

/**
 * `looop doctor`: everything looop needs from the machine, checked without
 * changing anything, each failure with the line that fixes it. Runners other
 * than the default are reported for information: a missing one only matters
 * once it is made the default.
 */
public final class Doctor {
    public static final int MIN_JAVA = 17;

    /** One check. required=false is an information line that never fails the doctor. */
    public record Check(String name, boolean ok, boolean required, String detail, String fix) {
        static Check ok(String name, String detail) {
            return new Check(name, true, true, detail, null);
        }

        static Check fail(String name, String detail, String fix) {
            return new Check(name, false, true, detail, fix);
        }
    }

    private final Paths paths;
    private final Map<String, String> env;

    public Doctor(Paths paths) {
        this.paths = paths;
        this.env = RunnerCommand.childEnv(paths);
    }

    public List<Check> run() {
        List<Check> checks = new ArrayList<>(List.of(java(), jbang(), tmux(), dataDir()));
        checks.addAll(sensors());
        Config config;
        try {
            config = Config.load(paths);
        } catch (UserError e) {
            checks.add(Check.fail("config", e.getMessage(), "edit " + paths.config + ", or move it away to get the built-in defaults"));
            return checks;
        } catch (java.io.UncheckedIOException e) {
            // the data dir's own failure is its line above; this one says only what it means for the config
            boolean underAFile = Files.isRegularFile(paths.data) && paths.config.startsWith(paths.data);
            checks.add(Check.fail("config", "cannot read " + paths.config + (underAFile ? ": the data dir is a file" : " (" + Main.describe(e.getCause()) + ")"),
                    underAFile ? "fix the data dir (above)" : "make it a readable file, or set LOOOP_CONFIG to one"));
            return checks;
        }
        checks.add(Check.ok("config", describe(config)));
        if (!config.warnings().isEmpty()) {
            checks.add(new Check("config keys", false, false, String.join("; ", config.warnings()), "rename or remove the key in " + paths.config));
        }
        checks.add(sandbox(config));
        checks.addAll(sensorSight(config));
        checks.add(notifyChannels(config));
        checks.addAll(runnerChecks(config, config.defaultRunnerDef(), true));
        for (Config.RunnerDef r : config.runners().values()) {
            if (!r.name().equals(config.defaultRunner())) checks.addAll(runnerChecks(config, r, false));
        }
        return checks;
    }

    public static boolean ok(List<Check> checks) {
        return checks.stream().allMatch(c -> c.ok() || !c.required());
    }

    // -- the checks --------------------------------------------------------

    private static Check java() {
        Runtime.Version v = Runtime.version();
        String detail = v + " (" + System.getProperty("java.home") + ")";
        if (v.feature() >= MIN_JAVA) return Check.ok("java", detail);
        return Check.fail("java", detail + " is older than " + MIN_JAVA, "install a JDK " + MIN_JAVA + " or newer (e.g. apt-get install openjdk-17-jdk)");
    }

    /**
     * looop is already running, so jbang is not needed for that; it is for
     * updating looop and for runners written as JBang scripts, which the
     * runner checks below name if they need it.
     */
    private Check jbang() {
        Path onPath = RunnerCommand.which("jbang", env);
        if (onPath != null) return Check.ok("jbang", onPath.toString());
        Path cached = wrapperCache();
        if (cached != null) return Check.ok("jbang", "not on PATH; the checkout's ./jbang wrapper has it in " + cached);
        return Check.ok("jbang", "not on PATH (looop runs without it; to update looop or run runners/*.java, "
                + "install it from https://www.jbang.dev/download)");
    }

    /** Where the repo's ./jbang wrapper installed JBang: $LOOOP_JBANG_HOME, or ${XDG_CACHE_HOME:-~/.cache}/looop/jbang-<version>. */
    private Path wrapperCache() {
        String home = paths.env("LOOOP_JBANG_HOME");
        if (home != null) return complete(Path.of(home)) ? Path.of(home) : null;
        String xdg = paths.env("XDG_CACHE_HOME");
        String userHome = paths.env("HOME");
        if (xdg == null && userHome == null) return null;
        Path base = (xdg != null ? Path.of(xdg) : Path.of(userHome, ".cache")).resolve("looop");
        if (!Files.isDirectory(base)) return null;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, "jbang-*")) {
            for (Path d : dirs) {
                if (complete(d)) return d;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static boolean complete(Path jbangHome) {
        return Files.isRegularFile(jbangHome.resolve("lib").resolve(".complete"));
    }

    private Check tmux() {
        Path p = RunnerCommand.which("tmux", env);
        if (p != null) return Check.ok("tmux", p.toString());
        return Check.fail("tmux", "not on PATH; workers run in tmux", "install tmux (e.g. apt-get install tmux, brew install tmux)");
    }

    /** Writable, proven by a temp file that is deleted at once; a data dir yet to be made needs a writable parent. */
    private Check dataDir() {
        Path data = paths.data;
        Path probe = data;
        while (probe != null && !Files.exists(probe)) probe = probe.getParent();
        String fix = "make it writable, or set LOOOP_DATA_DIR to a directory you can write";
        if (probe == null) return Check.fail("data dir", data + ": no part of this path exists", fix);
        if (!Files.isDirectory(probe)) return Check.fail("data dir", probe + " is a file, not a directory", "move it away, or set LOOOP_DATA_DIR elsewhere");
        try {
            Files.delete(Files.createTempFile(probe, ".looop-doctor-", ".tmp"));
        } catch (IOException | SecurityException e) {
            return Check.fail("data dir", probe + " is not writable (" + e.getClass().getSimpleName() + ")", fix);
        }
        if (probe.equals(data)) return Check.ok("data dir", data + " is writable");
        return Check.ok("data dir", data + " does not exist yet; the first beat creates it (" + probe + " is writable)");
    }

    /** Every sensors/*.sh must be one looop will run: executable, and no link out of the data dir. */
    private List<Check> sensors() {
        if (!Files.isDirectory(paths.sensors())) return List.of(Check.ok("sensors", "none yet (the first beat seeds sensors/today.sh)"));
        List<Path> scripts = looop.io.Fs.listFiles(paths.sensors(), ".sh");
        List<Check> out = new ArrayList<>();
        for (Path script : scripts) {
            String shown = "sensors/" + script.getFileName();
            String refusal = looop.sense.Sensors.refusal(paths, script, shown);
            if (refusal != null) out.add(Check.fail("sensor " + script.getFileName(), refusal, refusal.substring(refusal.lastIndexOf("; ") + 2)));
        }
        if (out.isEmpty()) {
            out.add(Check.ok("sensors", scripts.isEmpty() ? "none yet (the first beat seeds sensors/today.sh)"
                    : scripts.size() + " in " + paths.sensors() + ", all executable"));
        }
        return out;
    }

    /**
     * Each sensor that names a path its sandbox hides (the private /tmp, the
     * deny list), with the line: it would read nothing there, and say nothing.
     */
    private List<Check> sensorSight(Config config) {
        List<Check> out = new ArrayList<>();
        if (!Files.isDirectory(paths.sensors())) return out;
        try {
            if (!looop.profile.Confinement.probing(paths, config).sandbox().active()) return out; // unconfined, they see it all
        } catch (UserError e) {
            return out; // the sandbox check says why
        }
        String home = paths.env("HOME");
        Path h = Path.of(home != null ? home : System.getProperty("user.home")).toAbsolutePath().normalize();
        List<Path> hidden = new ArrayList<>(config.sandbox().denyRead());
        hidden.addAll(List.of(looop.profile.Secrets.dir(paths), paths.outbox(), paths.data.resolve(".tmux")));
        String bad = looop.sandbox.ReadGrants.refusal(config.sandbox().read(), hidden, config.sandbox().write());
        if (bad != null) out.add(Check.fail("sandbox.read", bad, "remove it from sandbox.read in " + paths.config));
        for (Path script : looop.io.Fs.listFiles(paths.sensors(), ".sh")) {
            String shown = "sensors/" + script.getFileName();
            for (looop.sense.SensorSight.Blind b : looop.sense.SensorSight.of(paths, config.sandbox(), h, hidden, script, shown)) {
                out.add(Check.fail("sensor " + script.getFileName(), b.line(), b.why().substring(b.why().lastIndexOf("; ") + 2)));
            }
        }
        return out;
    }

    /** Fails only in mode required without a working sandbox: then every AI command would be refused. */
    private Check sandbox(Config config) {
        looop.sandbox.Sandbox box;
        try {
            box = looop.profile.Confinement.probing(paths, config).sandbox();
        } catch (UserError e) {
            return Check.fail("sandbox", e.getMessage(), "unset " + looop.profile.Confinement.MODE_ENV);
        }
        boolean refused = box.policy().mode() == looop.sandbox.Mode.REQUIRED && !box.active();
        if (refused) return Check.fail("sandbox", box.describe(), "install bubblewrap (apt-get install bubblewrap)");
        if (box.warning() != null) {
            return new Check("sandbox", false, false, box.describe(), box.active() ? box.warning().substring(box.warning().lastIndexOf("; ") + 2)
                    : "install bubblewrap, or set sandbox.mode to \"off\"");
        }
        return Check.ok("sandbox", box.describe());
    }

    /** The channels load (secrets.json included); looop.json holding a secret is said, not failed: it still works. */
    private Check notifyChannels(Config config) {
        List<looop.notify.Channel> channels;
        try {
            channels = looop.notify.Channels.load(paths, config);
        } catch (UserError e) {
            return Check.fail("notify", e.getMessage(), "edit " + looop.profile.Secrets.file(paths));
        }
        String exposed = looop.notify.Channels.warning(paths, config);
        if (exposed != null) return new Check("notify", false, false, exposed, "then remove from looop.json every channel but desktop");
        return Check.ok("notify", channels.isEmpty() ? "no channels" : String.join(", ", channels.stream().map(looop.notify.Channel::describe).toList()));
    }

    private String describe(Config config) {
        String file = Files.exists(paths.config) ? paths.config.toString() : paths.config + " (absent: built-in defaults)";
        return file + ": default runner " + config.defaultRunner() + "; runners " + String.join(", ", config.runners().keySet());
    }

    /** Its binary, then, when found, the runner as looop will run it (RunnerProbe). */
    private List<Check> runnerChecks(Config config, Config.RunnerDef def, boolean isDefault) {
        Check found = runner(def, isDefault);
        List<Check> out = new ArrayList<>(List.of(found));
        if (found.ok() && RunnerCommand.binary(def.tick(), env).checkable()) out.addAll(new RunnerProbe(paths, config, def, isDefault, env).run());
        return out;
    }

    private Check runner(Config.RunnerDef def, boolean isDefault) {
        String name = "runner " + def.name() + (isDefault ? " (default)" : "");
        RunnerCommand.Binary b = RunnerCommand.binary(def.tick(), env);
        if (!b.checkable() && b.found()) {
            return new Check(name, true, isDefault, "`" + b.name() + "` is shell syntax; bash resolves it when the runner runs", null);
        }
        if (b.found()) return new Check(name, true, isDefault, "`" + b.name() + "` → " + b.path(), null);
        return new Check(name, false, isDefault, "`" + b.name() + "` " + b.problem(), b.fix());
    }

    // -- output ------------------------------------------------------------

    /** ok / FAIL / info, one line each, every FAIL followed by its fix; a summary at the end. */
    public static String text(List<Check> checks) {
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        List<String> failed = new ArrayList<>();
        for (Check c : checks) {
            String mark = c.ok() ? "ok  " : c.required() ? "FAIL" : "info";
            out.append(mark).append("  ").append(pad(c.name(), width)).append("  ").append(c.detail()).append('\n');
            if (!c.ok() && c.fix() != null) out.append(" ".repeat(6 + width + 2)).append("fix: ").append(c.fix()).append('\n');
            if (!c.ok() && c.required()) failed.add(c.name());
        }
        out.append(failed.isEmpty() ? "all checks passed\n" : failed.size() + " check(s) failed: " + String.join(", ", failed) + "\n");
        return out.toString();
    }

    public static ObjectNode json(List<Check> checks) {
        ObjectNode root = Json.object();
        ArrayNode list = root.putArray("checks");
        for (Check c : checks) {
            ObjectNode n = list.addObject();
            n.put("name", c.name());
            n.put("ok", c.ok());
            n.put("required", c.required());
            n.put("detail", c.detail());
            if (c.fix() == null) n.putNull("fix");
            else n.put("fix", c.fix());
        }
        root.put("ok", ok(checks));
        return root;
    }

    private static String pad(String s, int width) {
        return width == 0 ? s : String.format("%-" + width + "s", s);
    }
}
