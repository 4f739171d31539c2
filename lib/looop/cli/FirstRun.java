package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Paths;
import looop.sandbox.RunnerState;
import looop.workers.WorkerRepos;

/**
 * What `looop init` answers ahead for the CLI it configures, so a first beat
 * or worker does not stop at a screen nobody is there to answer, and what the
 * person must still do once. Claude Code (2.1.332) asks, on a fresh config:
 * onboarding, folder trust, the bypass-permissions warning and "use this API
 * key?"; the first two and the last live in its global config (.claude.json),
 * the warning's acceptance in its settings.json. gemini needs its auth type
 * chosen in settings.json before it runs at all. Every file is the CLI's own:
 * merged into, never replaced (the person's keys stay), written atomically,
 * and each edit said in one line. Everything is read and checked before the
 * first write, so a broken file refuses the init and changes nothing.
 */
final class FirstRun {
    /** One file's new content and the line that says what changed. */
    private record Edit(Path file, ObjectNode content, String line) {}

    private final List<Edit> edits = new ArrayList<>();
    private final List<String> todo = new ArrayList<>();

    private FirstRun() {}

    /** The plan for cli (a preset's name; anything else has nothing to prepare); env: looop's environment. */
    static FirstRun plan(Paths paths, String cli) {
        FirstRun f = new FirstRun();
        UnaryOperator<String> env = paths::env;
        Path home = home(paths);
        switch (cli) {
            case "claude" -> f.claude(paths, home, env);
            case "gemini" -> f.gemini(home, env);
            default -> { }
        }
        f.todo(cli, home, env);
        return f;
    }

    void apply(PrintStream out) {
        for (Edit e : edits) {
            Fs.writeAtomic(target(e.file()), Json.pretty(e.content()) + "\n");
            out.println(e.line());
        }
        for (String t : todo) out.println(t);
    }

    /** True when the process runs as root, where claude refuses --dangerously-skip-permissions unless IS_SANDBOX=1. */
    static boolean root() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    // -- claude ---------------------------------------------------------------

    private void claude(Paths paths, Path home, UnaryOperator<String> env) {
        Path global = RunnerState.claudeGlobalConfig(home, env);
        ObjectNode g = read(global);
        List<String> did = new ArrayList<>();
        if (!g.path("hasCompletedOnboarding").asBoolean(false)) {
            g.put("hasCompletedOnboarding", true);
            did.add("onboarding done");
        }
        List<String> trusted = new ArrayList<>();
        for (Path dir : List.of(paths.data, WorkerRepos.root(paths))) {
            ObjectNode projects = g.get("projects") instanceof ObjectNode o ? o : g.putObject("projects");
            String key = dir.toAbsolutePath().normalize().toString();
            ObjectNode p = projects.get(key) instanceof ObjectNode o ? o : projects.putObject(key);
            if (!p.path("hasTrustDialogAccepted").asBoolean(false)) {
                p.put("hasTrustDialogAccepted", true);
                trusted.add(key);
            }
        }
        if (!trusted.isEmpty()) did.add("trusted " + String.join(" and ", trusted));
        // after its first answer claude offers its fullscreen renderer until it has shown the offer 3 times:
        // a dialog that would swallow the next line looop types into a worker
        if (g.path("fullscreenUpsellSeenCount").asInt(0) < 3) {
            g.put("fullscreenUpsellSeenCount", 3);
            did.add("fullscreen-renderer offer dismissed");
        }
        String key = env.apply("ANTHROPIC_API_KEY");
        if (key != null && approveKey(g, key)) did.add("ANTHROPIC_API_KEY approved (…" + last(key, 4) + ")");
        if (!did.isEmpty()) edits.add(new Edit(global, g, "claude: " + String.join(", ", did) + " in " + global));
        Path settings = RunnerState.claudeConfigDir(home, env).resolve("settings.json");
        ObjectNode s = read(settings);
        if (!s.path("skipDangerousModePermissionPrompt").asBoolean(false)) {
            s.put("skipDangerousModePermissionPrompt", true);
            edits.add(new Edit(settings, s, "claude: bypass-permissions warning accepted in " + settings
                    + " (looop runs claude in its sandbox)"));
        }
    }

    /** claude keeps a key's last 20 characters in customApiKeyResponses; one the person rejected stays rejected. */
    private static boolean approveKey(ObjectNode g, String key) {
        String tail = last(key, 20);
        ObjectNode r = g.get("customApiKeyResponses") instanceof ObjectNode o ? o : g.putObject("customApiKeyResponses");
        ArrayNode approved = r.get("approved") instanceof ArrayNode a ? a : r.putArray("approved");
        ArrayNode rejected = r.get("rejected") instanceof ArrayNode a ? a : r.putArray("rejected");
        for (JsonNode n : rejected) if (n.asText().equals(tail)) return false;
        for (JsonNode n : approved) if (n.asText().equals(tail)) return false;
        approved.add(tail);
        return true;
    }

    // -- gemini ---------------------------------------------------------------

    /** Without an auth type gemini exits 41 "Invalid auth method selected"; with GEMINI_API_KEY set, that key is the one. */
    private void gemini(Path home, UnaryOperator<String> env) {
        if (env.apply("GEMINI_API_KEY") == null) return;
        Path settings = RunnerState.of("gemini", home, env).dirs().get(0).resolve("settings.json");
        ObjectNode s = read(settings);
        if (!s.path("security").path("auth").path("selectedType").isMissingNode()) return;
        ObjectNode security = s.get("security") instanceof ObjectNode o ? o : s.putObject("security");
        ObjectNode auth = security.get("auth") instanceof ObjectNode o ? o : security.putObject("auth");
        auth.put("selectedType", "gemini-api-key");
        edits.add(new Edit(settings, s, "gemini: sign-in set to your GEMINI_API_KEY in " + settings));
    }

    // -- what is left ---------------------------------------------------------

    /** What the person must do once, in plain words, unless it looks done (a key in the environment, a login on file). */
    private void todo(String cli, Path home, UnaryOperator<String> env) {
        RunnerState.State st = RunnerState.of(cli, home, env);
        if (st.dirs().isEmpty()) return;
        Path dir = st.dirs().get(0);
        String line = switch (cli) {
            case "claude" -> env.apply("ANTHROPIC_API_KEY") != null || env.apply("CLAUDE_CODE_OAUTH_TOKEN") != null
                    || Files.exists(dir.resolve(".credentials.json")) ? null
                    : "still to do once: log claude in (run `claude`, then /login), or export ANTHROPIC_API_KEY where looop runs";
            case "codex" -> env.apply("OPENAI_API_KEY") != null || Files.exists(dir.resolve("auth.json")) ? null
                    : "still to do once: log codex in (`codex login`), or export OPENAI_API_KEY where looop runs";
            case "opencode" -> Files.exists(dir.resolve("auth.json")) ? null
                    : "still to do once: log opencode in to your provider (`opencode auth login`), or export its API key where looop runs";
            case "pi" -> Files.exists(agentDir(home, env).resolve("auth.json")) ? null
                    : "still to do once: log pi in (run `pi`, then /login), or export your provider's API key (e.g. ANTHROPIC_API_KEY) where looop runs";
            case "gemini" -> env.apply("GEMINI_API_KEY") != null || Files.exists(dir.resolve("oauth_creds.json")) ? null
                    : "still to do once: sign gemini in (run `gemini` and pick a sign-in), or export GEMINI_API_KEY and run `looop init` again";
            default -> null;
        };
        if (line != null) todo.add(line);
    }

    private static Path agentDir(Path home, UnaryOperator<String> env) {
        String moved = env.apply("PI_CODING_AGENT_DIR");
        return moved != null && Path.of(moved).isAbsolute() ? Path.of(moved) : home.resolve(".pi/agent");
    }

    // -- files ----------------------------------------------------------------

    /** The file's object, {} when it is absent or empty; anything else refuses the init, with the way out. */
    private static ObjectNode read(Path file) {
        String text;
        try {
            text = Files.exists(file) ? Files.readString(target(file)) : "";
        } catch (java.io.IOException e) {
            throw new UserError("cannot read " + file + " (" + e.getClass().getSimpleName() + "); make it readable, then run `looop init` again");
        }
        if (text.isBlank()) return Json.object();
        JsonNode n = Json.parseOrNull(text);
        if (n instanceof ObjectNode o) return o;
        throw new UserError(file + " is not a JSON object; fix it or move it away, then run `looop init` again (nothing was changed)");
    }

    /** A file that is a link (a dotfiles repo) is written where it points, so the link stays. */
    private static Path target(Path file) {
        try {
            return Files.isSymbolicLink(file) ? file.toRealPath() : file;
        } catch (java.io.IOException e) {
            return file;
        }
    }

    private static String last(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }

    private static Path home(Paths paths) {
        String h = paths.env("HOME");
        return Path.of(h != null ? h : System.getProperty("user.home")).toAbsolutePath().normalize();
    }
}
