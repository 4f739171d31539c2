package looop.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import looop.fast.Text;
import looop.io.Json;
import looop.io.UserError;
import looop.sandbox.SandboxConfigError;
import looop.sandbox.SandboxPolicy;

/**
 * The profile's looop.json: the runner table, the cost specs, the cadence
 * knobs and the run_shell gate (ShellGate). Built-in runners (claude, pi) are
 * always there; the file's own runners add to them or replace them by name.
 */
public record Config(String defaultRunner, Map<String, RunnerDef> runners, long interval, long busyInterval,
        long activeInterval, long sessionTtl, Double maxDailyUsd, long tickTimeout, ShellGate shellGate,
        int sensorConcurrency, SandboxPolicy sandbox, Map<String, List<Path>> sandboxWrite, Guards guards, long stuckAfter,
        List<String> warnings, java.util.Set<String> mcpAllow, JsonNode notifyList) {

    public static final long DEFAULT_INTERVAL = 60;
    public static final long DEFAULT_BUSY_INTERVAL = 15;
    public static final long DEFAULT_ACTIVE_INTERVAL = 30;
    public static final long DEFAULT_SESSION_TTL = 3 * 24 * 3600;
    public static final long DEFAULT_TICK_TIMEOUT = 600;
    /** A live worker whose screen has not changed for this long is stuck (looop.workers.Health). */
    public static final long DEFAULT_STUCK_AFTER = 15 * 60;
    /** Sensors mostly wait (on the network, on git), so several per core keep a beat as short as its slowest sensor. */
    public static final int DEFAULT_SENSOR_CONCURRENCY = Math.max(4, Runtime.getRuntime().availableProcessors() * 4);

    /**
     * How a runner's stream reports spend: events of `type` carry either
     * dollars at `pointer`, or token counts at the `tokens` pointers (name →
     * pointer) that `usdPerMtok` prices (name → USD per million tokens). sum:
     * add every matching event; else the last one is the run's total.
     */
    public record CostSpec(String type, String pointer, boolean sum, Map<String, String> tokens,
            Map<String, BigDecimal> usdPerMtok) {
        /** Dollars at pointer. */
        public CostSpec(String type, String pointer, boolean sum) {
            this(type, pointer, sum, null, null);
        }

        public static CostSpec dollars(String type, String pointer, boolean sum) {
            return new CostSpec(type, pointer, sum);
        }

        /** Token counts, priced per million tokens (prices null: not priced yet). */
        public static CostSpec tokens(String type, boolean sum, Map<String, String> tokens, Map<String, BigDecimal> usdPerMtok) {
            return new CostSpec(type, null, sum, tokens, usdPerMtok);
        }

        /** Dollars, or tokens with a price for every count. */
        public boolean priced() {
            return pointer != null || (usdPerMtok != null && usdPerMtok.keySet().containsAll(tokens.keySet()));
        }

        public String signature() {
            String what = pointer != null ? pointer : tokens + "@" + usdPerMtok;
            return type + "|" + what + "|" + (sum ? "sum" : "total");
        }
    }

    /** One runner: its per-beat command, its worker command, and optionally its cost spec. */
    public record RunnerDef(String name, String tick, String interactive, String resume, CostSpec cost) {
        /** Whether it has an "interactive" command for workers to run on. */
        public boolean runsWorkers() {
            return interactive != null && !interactive.isBlank();
        }

        /** The binary a command starts with, for the PATH check. */
        public static String firstWord(String command) {
            String trimmed = command == null ? "" : command.strip();
            // skip leading VAR=value assignments, as a shell would; by hand, as a regex compiles cold in every beat
            int i = 0;
            while (i < trimmed.length()) {
                int end = i;
                while (end < trimmed.length() && !Text.isSpace(trimmed.charAt(end))) end++;
                String word = trimmed.substring(i, end);
                if (!isAssignment(word)) return word;
                i = end;
                while (i < trimmed.length() && Text.isSpace(trimmed.charAt(i))) i++;
            }
            return "";
        }

        /** NAME=…, NAME a shell variable's name. */
        private static boolean isAssignment(String word) {
            int eq = word.indexOf('=');
            if (eq < 1) return false;
            for (int i = 0; i < eq; i++) {
                char c = word.charAt(i);
                boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
                if (!letter && (i == 0 || c < '0' || c > '9')) return false;
            }
            return true;
        }
    }

    public static final String CLAUDE_TICK = Presets.named("claude").orElseThrow().def().tick();
    public static final String PI_TICK = Presets.named("pi").orElseThrow().def().tick();

    /**
     * Every preset of Presets, as a runner. One that reports only tokens has
     * no cost until looop.json prices them: an unpriced spec meters nothing,
     * and the budget's unmetered breaker must see it as no spec at all.
     */
    static Map<String, RunnerDef> builtins() {
        Map<String, RunnerDef> m = new LinkedHashMap<>();
        for (Presets.Preset p : Presets.all()) {
            RunnerDef d = p.def();
            m.put(p.name(), new RunnerDef(d.name(), d.tick(), d.interactive(), d.resume(), d.cost().priced() ? d.cost() : null));
        }
        return m;
    }

    /** The text a new profile's looop.json starts with. */
    public static String defaultText() {
        Map<String, ObjectNode> entries = new LinkedHashMap<>();
        for (String name : new String[] {"claude", "pi"}) entries.put(name, entry(builtins().get(name)));
        return starterText("claude", entries);
    }

    /** A runner's entry as looop.json spells it: its commands (its cost lives in CostParser's shape). */
    public static ObjectNode entry(RunnerDef r) {
        ObjectNode n = Json.object();
        n.put("tick", r.tick());
        if (r.interactive() != null) n.put("interactive", r.interactive());
        if (r.resume() != null) n.put("resume", r.resume());
        return n;
    }

    /** A whole starter looop.json: the default runner, these runner entries, and every cadence knob at its default. */
    public static String starterText(String defaultRunner, Map<String, ObjectNode> runnerEntries) {
        ObjectNode root = Json.object();
        root.put("default", defaultRunner);
        ObjectNode runners = root.putObject("runners");
        runnerEntries.forEach(runners::set);
        root.put("interval", DEFAULT_INTERVAL);
        root.put("busy_interval", DEFAULT_BUSY_INTERVAL);
        root.put("active_interval", DEFAULT_ACTIVE_INTERVAL);
        root.put("session_ttl", DEFAULT_SESSION_TTL);
        root.putNull("max_daily_usd");
        return Json.pretty(root) + "\n";
    }

    /** Loads the profile's config; the built-in default when the file is absent. */
    public static Config load(Paths paths) {
        String text = read(paths.config);
        return parse(text == null ? defaultText() : text, paths.config, home(paths));
    }

    /** Whose "~" the sandbox paths mean: the profile's HOME, as its commands see it. */
    private static Path home(Paths paths) {
        String home = paths.env("HOME");
        return Path.of(home != null ? home : System.getProperty("user.home")).toAbsolutePath().normalize();
    }

    /**
     * The config is the person's own file and may be a link of theirs (into a
     * dotfiles repo, say), so it is read through links, unlike the rest of the
     * data dir. A link to nothing is refused: running on defaults would let
     * the first move that creates its target write looop's config.
     */
    private static String read(Path config) {
        if (java.nio.file.Files.isSymbolicLink(config) && !java.nio.file.Files.exists(config)) {
            throw new UserError(config + " is a link to a file that does not exist; point it at your config, or remove it to use the defaults");
        }
        try {
            return java.nio.file.Files.readString(config);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A cap no one means to reach, so sums of it stay exact in a double. */
    static final double MAX_DAILY_USD = 1_000_000;

    public static Config parse(String text, Path file) {
        return parse(text, file, Path.of(System.getProperty("user.home")));
    }

    /** home: what "~" means in the sandbox paths. */
    public static Config parse(String text, Path file, Path home) {
        String where = file.getFileName().toString();
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new UserError(file + ": not valid JSON at " + Json.describe(e) + "; fix it, or move it away to get the default back");
        }
        if (!root.isObject()) throw new UserError(file + ": must hold one JSON object, found " + root.getNodeType().toString().toLowerCase());
        Map<String, RunnerDef> runners = builtins();
        JsonNode table = root.get("runners");
        if (table != null && !table.isNull()) {
            if (!table.isObject()) throw new UserError(where + ": \"runners\" must be an object of name → {tick, interactive, cost}");
            for (Map.Entry<String, JsonNode> e : table.properties()) {
                runners.put(e.getKey(), runner(where, e.getKey(), e.getValue(), runners.get(e.getKey())));
            }
        }
        String def = root.hasNonNull("default") ? root.get("default").asText() : "claude";
        if (!runners.containsKey(def)) {
            throw new UserError(where + ": unknown runner '" + def + "' in \"default\"; known runners: "
                    + String.join(", ", new TreeSet<>(runners.keySet())) + " (add it under \"runners\" or pick one of these)");
        }
        NotifySection.parse(root.get("notify"), where);
        return new Config(def, runners,
                Knob.INTERVAL.fromConfig(root, DEFAULT_INTERVAL, where),
                Knob.BUSY_INTERVAL.fromConfig(root, DEFAULT_BUSY_INTERVAL, where),
                Knob.ACTIVE_INTERVAL.fromConfig(root, DEFAULT_ACTIVE_INTERVAL, where),
                Knob.SESSION_TTL.fromConfig(root, DEFAULT_SESSION_TTL, where),
                money(root, "max_daily_usd", where),
                Knob.TICK_TIMEOUT.fromConfig(root, DEFAULT_TICK_TIMEOUT, where),
                ShellGate.parse(root.get("run_shell"), where),
                (int) Knob.SENSOR_CONCURRENCY.fromConfig(root, DEFAULT_SENSOR_CONCURRENCY, where),
                sandbox(root, where, home), sandboxWrites(table, where, home),
                Guards.parse(root, where),
                Knob.STUCK_AFTER.fromConfig(root, DEFAULT_STUCK_AFTER, where),
                ConfigKeys.unknown(root, where),
                McpSection.allow(root.get("mcp"), where),
                root.get("notify"));
    }

    private static SandboxPolicy sandbox(JsonNode root, String where, Path home) {
        try {
            return SandboxPolicy.parse(root.get("sandbox"), home);
        } catch (SandboxConfigError e) {
            throw new UserError(where + ": " + e.getMessage());
        }
    }

    /**
     * Each runner's "sandbox_write": the state dirs its CLI writes, replacing
     * the built-in defaults (RunnerState) for that name. Parsed as a sandbox
     * write list, so it takes the same spellings and gives the same errors.
     */
    private static Map<String, List<Path>> sandboxWrites(JsonNode table, String where, Path home) {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        if (table == null || !table.isObject()) return out;
        for (Map.Entry<String, JsonNode> e : table.properties()) {
            JsonNode list = e.getValue().get("sandbox_write");
            if (list == null || list.isNull()) continue;
            com.fasterxml.jackson.databind.node.ObjectNode wrapped = Json.object();
            wrapped.set("write", list);
            try {
                out.put(e.getKey(), new ArrayList<>(SandboxPolicy.parse(wrapped, home).write()));
            } catch (SandboxConfigError bad) {
                throw new UserError(where + ": runners." + e.getKey() + "." + bad.getMessage().replace("sandbox.write", "sandbox_write")
                        .replace("sandbox paths", "sandbox_write paths"));
            }
        }
        return out;
    }

    /** runner's own state dirs to keep writable in the sandbox, or null for the built-in defaults. */
    public List<Path> sandboxWrite(String runner) {
        return sandboxWrite.get(runner);
    }

    private static RunnerDef runner(String where, String name, JsonNode n, RunnerDef base) {
        if (!n.isObject()) throw new UserError(where + ": runner '" + name + "' must be an object with a \"tick\" command");
        String tick = str(n, "tick", base == null ? null : base.tick());
        if (tick == null || tick.isBlank()) throw new UserError(where + ": runner '" + name + "' has no \"tick\" command; add one (the prompt arrives on stdin)");
        // no "cost" key: the built-in's spec stands; "cost": null drops it
        String interactive = str(n, "interactive", base == null ? null : base.interactive());
        // the CLI's meter by the command it runs (RunnerCli), so a runner "work" running claude is metered as claude;
        // by the runner's name only when its command is no known CLI's (a wrapper script). No lambda: every beat parses this
        String byCommand = RunnerCli.of(new RunnerDef(name, tick, interactive, null, null), false).cli();
        Presets.Preset cli = Presets.named(byCommand != null ? byCommand : name).orElse(null);
        CostSpec preset = cli == null ? null : cli.def().cost();
        CostSpec cost = n.has("cost") ? CostParser.parse(where, name, n.get("cost"), preset)
                : base != null ? base.cost() : preset != null && preset.priced() ? preset : null;
        return new RunnerDef(name, tick, interactive, str(n, "resume", base == null ? null : base.resume()), cost);
    }

    private static String str(JsonNode n, String field, String fallback) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static Double money(JsonNode root, String field, String where) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber() || !(v.asDouble() >= 0) || v.asDouble() > MAX_DAILY_USD) {
            throw new UserError(where + ": \"" + field + "\" must be a dollar amount from 0 to " + (long) MAX_DAILY_USD + ", or null, got " + v);
        }
        return v.asDouble();
    }

    public RunnerDef runner(String name) {
        RunnerDef r = runners.get(name);
        if (r == null) {
            throw new UserError("unknown runner '" + name + "'; known runners: " + String.join(", ", new TreeSet<>(runners.keySet()))
                    + " (define it under \"runners\" in looop.json)");
        }
        return r;
    }

    public RunnerDef defaultRunnerDef() {
        return runner(defaultRunner);
    }
}
