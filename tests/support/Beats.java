package looop;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import looop.beat.Tick;
import looop.cli.Context;
import looop.io.Fs;
import looop.io.Json;
import looop.io.Log;
import looop.sense.WorldHash;

/**
 * A profile wired to the real offline runner (runners/offline.sh from this
 * checkout) replaying a script of decisions, for end-to-end beats.
 */
public final class Beats {
    public final TestProfile profile;
    public final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    public final Log log;

    public Beats(Path dir, Map<String, String> env, String runnerArgs, String... decisions) {
        this.profile = new TestProfile(dir, env);
        this.log = new Log(new PrintStream(logBytes, true, StandardCharsets.UTF_8), profile.clock, false, false);
        profile.write("runners/offline.sh", Fs.readOrNull(Path.of("runners/offline.sh").toAbsolutePath()));
        script(decisions);
        config("{\"default\":\"offline\",\"runners\":{\"offline\":{\"tick\":\"bash runners/offline.sh runners/script.jsonl "
                + runnerArgs + "\"" + offlineGrant() + "}}}");
        profile.write("PLAYBOOK.md", "# test playbook\n");
        profile.write("goals/alpha.md", "alpha goal\n");
    }

    public Beats(Path dir, String... decisions) {
        this(dir, Map.of(), "--shape pi --cost 0.002", decisions);
    }

    /**
     * The offline runner's grant, as `looop init` writes it: the runner keeps
     * its place in the script in .offline-runner/, which a sandboxed decider
     * may write only when granted (the dir must exist: a grant opens only
     * what exists). To append inside a runner's entry: `,"sandbox_write":[…]`.
     */
    public String offlineGrant() {
        return offlineGrant(profile);
    }

    public static String offlineGrant(TestProfile p) {
        Fs.mkdirs(p.dir.resolve(".offline-runner"));
        return ",\"sandbox_write\":[" + Json.quote(p.dir.resolve(".offline-runner").toString()) + "]";
    }

    public void script(String... decisions) {
        profile.write("runners/script.jsonl", String.join("\n", decisions) + "\n");
        Fs.delete(profile.dir.resolve(".offline-runner/cursor"));
    }

    public void config(String json) {
        profile.write("looop.json", json);
    }

    public Tick tick() {
        return new Tick(profile.paths, profile.clock, NoSessions.none(), log);
    }

    public Tick.Outcome beat() {
        return tick().beat(false);
    }

    /** How many times the runner was started (the offline runner logs each call). */
    public int runnerCalls() {
        String calls = profile.read(".offline-runner/calls.log");
        return calls == null ? 0 : (int) calls.lines().filter(l -> !l.isBlank()).count();
    }

    public List<String> events() {
        String text = profile.read("events.jsonl");
        return text == null ? List.of() : text.lines().map(l -> Json.parseOrNull(l).get("event").asText()).toList();
    }

    public String journal() {
        String j = profile.read("journal.md");
        return j == null ? "" : j;
    }

    /** Runs a looop command in this JVM, as a user would type it, with stdin text. */
    public Cli cli(String stdin, String... args) {
        return cli(profile, stdin, args);
    }

    /** The same for any profile, even one whose data dir cannot exist. */
    public static Cli cli(TestProfile profile, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context ctx = new Context(profile.paths, profile.clock, NoSessions.none(),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = looop.cli.Main.run(ctx, args);
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public record Cli(int code, String out, String err) {}

    /** Every file under the profile with a hash of its bytes, to prove an error changed nothing. */
    public static Map<String, String> tree(Path dir) throws java.io.IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        try (var s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), WorldHash.of(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    /** The prompt of the newest run. */
    public static String lastPrompt(Beats b) {
        Path newest = Fs.listDirs(b.profile.paths.runs()).stream().max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        return Fs.readOr(newest.resolve("prompt.md"), "");
    }
}
