package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import looop.io.ExitCode;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Proc;
import looop.io.Resources;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.CostParser;
import looop.profile.Paths;
import looop.profile.Presets;
import looop.profile.RunnerCommand;
import looop.profile.Seed;

/**
 * `looop init`: pick the runner that decides each beat, write looop.json for
 * it, seed the profile. The choices are the preset CLIs (Presets), an
 * OpenAI-compatible server through runners/OpenAiHttp.java, and the offline
 * runner. A looop.json of the person's own is never replaced without --force;
 * the stock one a first `looop tick` seeded is not theirs, and is.
 */
public final class Init {
    public static final String OPENAI = "openai";
    public static final String OFFLINE = "offline";
    public static final String DEFAULT_BASE_URL = "http://127.0.0.1:11434";
    public static final String DEFAULT_MODEL = "llama3.2";
    /** claude as root: it refuses --dangerously-skip-permissions unless told it runs sandboxed. */
    static final String IS_SANDBOX = "IS_SANDBOX=1 ";

    private final Paths paths;
    private final PrintStream out;

    public Init(Paths paths, PrintStream out) {
        this.paths = paths;
        this.out = out;
    }

    /** One runner on offer: found is where its binary is, null when it is not installed. */
    public record Choice(String name, String label, Path found, String install) {
        boolean available() {
            return install == null || found != null;
        }
    }

    /** Every choice in menu order: the preset CLIs, then the HTTP server, then the offline runner. */
    public List<Choice> choices() {
        Map<String, String> env = RunnerCommand.childEnv(paths);
        List<Choice> list = new ArrayList<>();
        for (Presets.Preset p : Presets.all()) {
            list.add(new Choice(p.name(), p.name() + " CLI", RunnerCommand.which(p.binary(), env), p.install()));
        }
        list.add(new Choice(OPENAI, "an OpenAI-compatible server (Ollama by default)", null, null));
        list.add(new Choice(OFFLINE, "the offline demo runner (scripted decisions, no AI, no network)", null, null));
        return list;
    }

    /** What the person chose: a runner name, and for the HTTP server where it is and which model. */
    public record Pick(String runner, String baseUrl, String model) {}

    /** Asks on the terminal; ask shows a prompt and returns the line typed (null at end of input). */
    public Pick ask(UnaryOperator<String> ask) {
        refuseExisting(false);
        List<Choice> offered = choices().stream().filter(Choice::available).toList();
        out.println("looop init · which runner decides each beat?");
        for (int i = 0; i < offered.size(); i++) {
            Choice c = offered.get(i);
            out.printf("  %d) %-9s %s%s%n", i + 1, c.name(), c.label(), c.found() == null ? "" : " (" + c.found() + ")");
        }
        List<Choice> missing = choices().stream().filter(c -> !c.available()).toList();
        if (!missing.isEmpty()) {
            out.println("  not found on PATH: " + String.join(", ", missing.stream().map(Choice::name).toList())
                    + " (install one and run `looop init` again)");
        }
        Choice chosen = null;
        // a typo asks again, as a person would expect; only the end of input gives up
        for (int tries = 0; chosen == null; tries++) {
            String answer = ask.apply("Runner [1]: ");
            chosen = pick(offered, answer);
            if (chosen == null && (answer == null || tries >= 10)) {
                throw new UserError("no runner chosen; run `looop init` again, or `looop init --runner NAME`", ExitCode.USAGE);
            }
            if (chosen == null) out.println("no runner '" + answer.strip() + "' on offer; type a number from 1 to " + offered.size() + " or a name");
        }
        if (!chosen.name().equals(OPENAI)) return new Pick(chosen.name(), null, null);
        String url = orDefault(ask.apply("Server URL [" + DEFAULT_BASE_URL + "]: "), DEFAULT_BASE_URL);
        String model = orDefault(ask.apply("Model [" + DEFAULT_MODEL + "]: "), DEFAULT_MODEL);
        return new Pick(OPENAI, url, model);
    }

    /** The choice answer names (Enter: the first), or null when it names none. */
    private static Choice pick(List<Choice> offered, String answer) {
        if (answer == null) return null;
        String a = answer.strip();
        if (a.isEmpty()) return offered.get(0);
        for (int i = 0; i < offered.size(); i++) {
            if (a.equals(String.valueOf(i + 1)) || a.equals(offered.get(i).name())) return offered.get(i);
        }
        return null;
    }

    private static String orDefault(String answer, String fallback) {
        return answer == null || answer.isBlank() ? fallback : answer.strip();
    }

    /** Writes looop.json for the pick and seeds the profile; every refusal comes before the first write. */
    public void apply(Pick pick, boolean force) {
        Seed.requireWritable(paths.data);
        refuseExisting(force);
        ObjectNode entry = entry(pick);
        FirstRun firstRun = FirstRun.plan(paths, pick.runner());
        Fs.writeAtomic(paths.config, configText(pick.runner(), entry));
        if (pick.runner().equals(OPENAI)) bundle("runners/OpenAiHttp.java", false);
        if (pick.runner().equals(OFFLINE)) {
            bundle("runners/offline.sh", true);
            Path script = paths.data.resolve("runners/decisions.jsonl");
            if (!Files.exists(script)) Fs.writeAtomic(script, OFFLINE_SCRIPT);
        }
        Seed.ensure(paths, Config.load(paths));
        out.println("wrote " + paths.config + " (runner " + pick.runner() + ") and seeded " + paths.data);
        if (entry.path("tick").asText().startsWith(IS_SANDBOX)) {
            out.println(pick.runner() + ": its commands start with " + IS_SANDBOX.strip() + " (as root it refuses to skip permission prompts"
                    + " otherwise; looop's sandbox is the boundary)");
        }
        firstRun.apply(out);
        hints(pick);
    }

    /**
     * The chosen runner's entry. A preset gets its commands; one whose CLI
     * reports only tokens also gets its cost with the prices left null, for
     * the person to fill in.
     */
    ObjectNode entry(Pick pick) {
        if (pick.runner().equals(OPENAI)) {
            ObjectNode n = Json.object();
            n.put("tick", "LOOOP_OPENAI_BASE_URL=" + Proc.shellQuote(pick.baseUrl()) + " LOOOP_OPENAI_MODEL=" + Proc.shellQuote(pick.model())
                    + " \"$LOOOP_BIN\" _ openai"); // java and jars found at each call: no path here goes stale
            n.putObject("cost").put("type", "usage").put("pointer", "/cost_usd").put("mode", "sum");
            return n;
        }
        if (pick.runner().equals(OFFLINE)) {
            // it keeps its place in the script in .offline-runner/, which a sandboxed decider must be able to write (as the demo's)
            Path place = paths.data.resolve(".offline-runner");
            Fs.mkdirs(place);
            ObjectNode n = Json.object().put("tick", "bash runners/offline.sh runners/decisions.jsonl --repeat-last --cost 0");
            n.putArray("sandbox_write").add(place.toString());
            return n;
        }
        Presets.Preset preset = Presets.named(pick.runner()).orElseThrow(() -> unknown(pick.runner()));
        Path found = RunnerCommand.which(preset.binary(), RunnerCommand.childEnv(paths));
        if (found == null) {
            throw new UserError(preset.binary() + " is not on PATH; install it with: " + preset.install()
                    + ", then run `looop init --runner " + preset.name() + "` again");
        }
        ObjectNode n = Config.entry(preset.def());
        if (preset.name().equals("claude") && FirstRun.root()) {
            for (String k : List.of("tick", "interactive", "resume")) {
                if (n.hasNonNull(k)) n.put(k, IS_SANDBOX + n.get(k).asText());
            }
        }
        if (preset.needsPrices()) n.set("cost", CostParser.unpricedJson(preset.def().cost()));
        return n;
    }

    private UserError unknown(String name) {
        return new UserError("unknown runner '" + name + "'; pick one of: "
                + String.join(", ", choices().stream().map(Choice::name).toList()), ExitCode.USAGE);
    }

    /** A new file, or the person's own with default and this runner's entry set and everything else kept. */
    private String configText(String runner, ObjectNode entry) {
        String text = Fs.readOrNull(paths.config);
        JsonNode existing = text == null ? null : Json.parseOrNull(text);
        if (existing instanceof ObjectNode root && !isStock(paths)) {
            root.put("default", runner);
            JsonNode runners = root.get("runners");
            (runners instanceof ObjectNode r ? r : root.putObject("runners")).set(runner, entry);
            return Json.pretty(root) + "\n";
        }
        Map<String, ObjectNode> entries = new LinkedHashMap<>();
        entries.put(runner, entry);
        return Config.starterText(runner, entries);
    }

    private void refuseExisting(boolean force) {
        if (force || !Files.exists(paths.config, LinkOption.NOFOLLOW_LINKS) || isStock(paths)) return;
        throw new UserError(paths.config + " already exists; edit it, or run `looop init --force` to set its runner");
    }

    /** The stock looop.json a first beat seeded: nobody's choice yet. */
    static boolean isStock(Paths paths) {
        return Config.defaultText().equals(Fs.readOrNull(paths.config));
    }

    private void bundle(String resource, boolean script) {
        Path p = paths.data.resolve(resource);
        String text = Resources.text(resource);
        if (script) Fs.writeAtomic(p, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), Fs.PRIVATE_SCRIPT);
        else Fs.writeAtomic(p, text);
    }

    private void hints(Pick pick) {
        Presets.named(pick.runner()).filter(Presets.Preset::needsPrices).ifPresent(p -> out.println(
                p.name() + " reports tokens, not dollars: set runners." + p.name() + ".cost.usd_per_mtok in looop.json to your model's"
                        + " prices (USD per million tokens); until then its beats count as unmetered"));
        if (pick.runner().equals(OPENAI)) {
            out.println("the server must be up at " + pick.baseUrl() + " with model " + pick.model()
                    + " (Ollama: `ollama pull " + pick.model() + "`); workers need an agent CLI, so start_worker stays unavailable");
        }
        if (pick.runner().equals(OFFLINE)) {
            out.println("the offline runner replays runners/decisions.jsonl (the last entry repeats); workers need an agent CLI");
        }
        String looop = command(paths);
        out.println("next: " + looop + " tick   (one beat now), then " + looop + " run   (the loop)");
    }

    /**
     * How this person runs looop, for lines that tell them what to type:
     * `looop` when it is on PATH; else the checkout's wrapper that started
     * this looop (it says which in LOOOP_WRAPPER), `./jbang looop` from the
     * checkout itself; else JBang's alias.
     */
    static String command(Paths paths) {
        if (RunnerCommand.which("looop", RunnerCommand.childEnv(paths)) != null) return "looop";
        String wrapper = paths.env("LOOOP_WRAPPER");
        if (wrapper == null || wrapper.isBlank()) return "jbang looop";
        Path w = Path.of(wrapper).toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath().normalize();
        return (w.getParent() != null && w.getParent().equals(cwd) ? "./jbang" : Proc.shellQuote(w.toString())) + " looop";
    }

    static final String OFFLINE_SCRIPT = """
            # The offline runner's decisions, one JSON object per line, played in order; the last repeats.
            {"action":"noop","reason":"the offline runner decides nothing; run `looop init --force` to pick an AI CLI"}
            """;

    /**
     * A first `looop tick` with no looop.json and no default runner installed:
     * seed the profile anyway (the files are the start of the loop's memory)
     * and end with how to pick a runner. Any other failure is returned as is.
     */
    public static UserError noRunnerYet(Paths paths, UserError failure) {
        if (Files.exists(paths.config, LinkOption.NOFOLLOW_LINKS) || !Seed.isNew(paths)) return failure;
        Config config = Config.load(paths);
        Config.RunnerDef def = config.defaultRunnerDef();
        RunnerCommand.Binary b = RunnerCommand.binary(def.tick(), RunnerCommand.childEnv(paths));
        if (b.found()) return failure;
        Seed.ensure(paths, config);
        return new UserError("seeded " + paths.data + ", but no runner can decide yet (`" + b.name() + "` " + b.problem()
                + "); pick one with `looop init`" + found(paths));
    }

    private static String found(Paths paths) {
        List<String> names = new Init(paths, System.out).choices().stream()
                .filter(c -> c.found() != null).map(Choice::name).toList();
        return names.isEmpty() ? " (no AI CLI found on PATH; it offers the offline runner and an OpenAI-compatible server)"
                : " (found on PATH: " + String.join(", ", names) + ")";
    }
}
