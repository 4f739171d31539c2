package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import looop.cli.Doctor.Check;
import looop.io.Json;
import looop.io.Proc;
import looop.profile.Config;
import looop.profile.Confinement;
import looop.profile.Paths;
import looop.profile.RunnerCli;
import looop.sandbox.RunnerState;

/**
 * `looop doctor`'s look at one runner whose binary is there, the way looop
 * will run it: its version from inside the sandbox (the tick's grant), its
 * state dirs writable from inside (a temp file made and removed there), the
 * first-run answers Claude Code needs, and its API reachable when the
 * sandbox lets the network through. It makes nothing: a state dir still to
 * be made is judged by its parent, as looop makes it before the first run.
 */
final class RunnerProbe {
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
    private static final int CONNECT_TIMEOUT_MS = 3000;

    private final Paths paths;
    private final Config config;
    private final Config.RunnerDef def;
    private final boolean required;
    private final Map<String, String> env;
    private final RunnerCli cli;
    private final Confinement confinement;

    RunnerProbe(Paths paths, Config config, Config.RunnerDef def, boolean required, Map<String, String> env) {
        this.paths = paths;
        this.config = config;
        this.def = def;
        this.required = required;
        this.env = env;
        this.cli = RunnerCli.of(def, false);
        this.confinement = Confinement.probing(paths, config);
    }

    /** The checks for a runner of a CLI looop knows; none for another command (its --version means nothing known). */
    List<Check> run() {
        if (cli.cli() == null) return List.of();
        List<Check> out = new ArrayList<>();
        out.add(version());
        out.add(state());
        if (cli.cli().equals("claude")) out.addAll(claude());
        out.add(api());
        return out;
    }

    private String name(String what) {
        return "runner " + def.name() + " " + what;
    }

    private Check ok(String what, String detail) {
        return new Check(name(what), true, required, detail, null);
    }

    private Check fail(String what, String detail, String fix) {
        return new Check(name(what), false, required, detail, fix);
    }

    // -- version, from inside ------------------------------------------------------

    /**
     * Some CLIs (opencode) make their state dirs even for --version: while
     * one is still to be made (looop makes it before the first run; the
     * doctor makes nothing), the version is asked outside the sandbox.
     */
    private Check version() {
        boolean unmade = cli.state(paths, confinement.home()).dirs().stream().anyMatch(d -> !Files.exists(d));
        String command = prefix() + Proc.shellQuote(Config.RunnerDef.firstWord(def.tick())) + " --version";
        Proc.Result r = unmade ? outside(command) : inside(command);
        String first = firstLine(r.stdoutText());
        if (first.isEmpty() && r.stderrTail() != null) first = firstLine(r.stderrTail()); // pi prints it on stderr
        String where = unmade ? " (outside the sandbox: its state dirs are made at its first run)" : " (run in the sandbox)";
        if (r.exitCode() == 0 && !first.isEmpty()) return ok("version", first + where);
        String why = r.timedOut() ? "did not answer in " + VERSION_TIMEOUT.toSeconds() + " s"
                : "exited " + r.exitCode() + lastWords(r);
        return fail("version", "`" + cli.cli() + " --version`" + (unmade ? "" : " in the sandbox") + " " + why,
                "run `" + cli.cli() + " --version` yourself to see why; reinstall it if it fails there too");
    }

    // -- state dirs ------------------------------------------------------------------

    private Check state() {
        RunnerState.State st = cli.state(paths, confinement.home());
        List<Path> override = config.sandboxWrite(def.name());
        List<Path> dirs = override != null ? override.stream().filter(Files::isDirectory).toList() : st.dirs();
        String moveIt = st.vars().isEmpty() ? "point its state elsewhere with its own variable" : "point " + varName(st) + " elsewhere";
        List<String> fine = new ArrayList<>();
        for (Path d : dirs) {
            if (!confinement.grantable(d)) {
                return fail("state", d + " lies among looop's own files, which no sandboxed command may write", moveIt);
            }
            if (Files.exists(d) && !Files.isDirectory(d)) {
                return fail("state", d + " is a file, not a directory: " + cli.cli() + " cannot keep its state there",
                        "move it away, or " + moveIt);
            }
            if (!Files.exists(d)) {
                Path parent = d.getParent();
                while (parent != null && !Files.exists(parent)) parent = parent.getParent();
                if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
                    return fail("state", d + " does not exist and cannot be made (" + parent + " is not a writable directory)",
                            "create it: mkdir -p " + Proc.shellQuote(d.toString()) + ", or " + moveIt);
                }
                fine.add(d + " (made before the first run)");
                continue;
            }
            Proc.Result r = inside("f=$(mktemp " + Proc.shellQuote(d + "/.looop-doctor-XXXXXX") + ") && rm -f \"$f\"");
            if (r.exitCode() != 0) {
                return fail("state", d + " is not writable inside the sandbox" + lastWords(r),
                        "make it yours and writable (chown/chmod), or " + moveIt);
            }
            fine.add(d.toString());
        }
        String vars = st.vars().isEmpty() ? "" : " (" + String.join(", ", st.vars()) + ")";
        return ok("state", (fine.isEmpty() ? "nothing to write" : "writable in the sandbox: " + String.join(", ", fine)) + vars);
    }

    private static String varName(RunnerState.State st) {
        String v = st.vars().get(0);
        return v.substring(0, v.indexOf('='));
    }

    // -- claude's first run ----------------------------------------------------------

    /** As root without IS_SANDBOX claude refuses to skip permissions; a config without the first-run answers stops a worker at a screen. */
    private List<Check> claude() {
        List<Check> out = new ArrayList<>();
        UnaryOperator<String> vars = cli.env(paths);
        String fix = "run `looop init --force --runner " + def.name() + "`";
        boolean skips = def.tick().contains("--dangerously-skip-permissions")
                || (def.interactive() != null && def.interactive().contains("--dangerously-skip-permissions"));
        if (skips && FirstRun.root() && vars.apply("IS_SANDBOX") == null && !def.tick().contains("IS_SANDBOX=")) {
            out.add(fail("as root", "as root claude refuses --dangerously-skip-permissions unless IS_SANDBOX=1 is set",
                    fix + ", or put IS_SANDBOX=1 in front of its commands in looop.json"));
        }
        Path home = confinement.home();
        JsonNode g = Json.parseOrNull(readOr(RunnerState.claudeGlobalConfig(home, vars)));
        JsonNode s = Json.parseOrNull(readOr(RunnerState.claudeConfigDir(home, vars).resolve("settings.json")));
        List<String> missing = new ArrayList<>();
        if (g == null || !g.path("hasCompletedOnboarding").asBoolean(false)) missing.add("onboarding");
        String data = paths.data.toAbsolutePath().normalize().toString();
        if (g == null || !g.path("projects").path(data).path("hasTrustDialogAccepted").asBoolean(false)) missing.add("trust for " + data);
        if (s == null || !s.path("skipDangerousModePermissionPrompt").asBoolean(false)) missing.add("the bypass-permissions warning");
        if (missing.isEmpty()) out.add(ok("first run", "onboarding, folder trust and the bypass warning are answered"));
        else out.add(fail("first run", "a worker would stop at claude's first-run screens: " + String.join(", ", missing), fix));
        return out;
    }

    private static String readOr(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    // -- the API ---------------------------------------------------------------------

    private Check api() {
        if (!confinement.sandbox().policy().network()) {
            return new Check(name("api"), true, false, "not checked: sandbox.network is off, so " + cli.cli()
                    + " reaches no API from the sandbox (only a model on this machine's loopback would not need it)", null);
        }
        URI url = ProviderHost.of(cli.cli(), cli.env(paths), confinement.home());
        if (url == null) return ok("api", "its provider comes from its own config; not checked");
        String proxy = proxy(url);
        URI to = proxy != null ? URI.create(proxy) : url;
        String host = to.getHost();
        int port = to.getPort() > 0 ? to.getPort() : "http".equals(to.getScheme()) ? 80 : 443;
        String shown = host + ":" + port + (proxy != null ? " (the proxy for " + url.getHost() + ")" : "");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            return ok("api", shown + " is reachable");
        } catch (IOException | IllegalArgumentException e) {
            return fail("api", shown + " is not reachable (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
                    "check the network, or the base URL " + cli.cli() + " is given");
        }
    }

    private String proxy(URI url) {
        UnaryOperator<String> vars = cli.env(paths);
        String p = "http".equals(url.getScheme()) ? firstSet(vars, "HTTP_PROXY", "http_proxy") : firstSet(vars, "HTTPS_PROXY", "https_proxy");
        String no = firstSet(vars, "NO_PROXY", "no_proxy");
        if (p == null || url.getHost() == null) return null;
        if (no != null) {
            for (String h : no.split(",")) {
                String n = h.strip();
                if (!n.isEmpty() && (url.getHost().equals(n) || url.getHost().endsWith(n.startsWith(".") ? n : "." + n))) return null;
            }
        }
        return p.contains("://") ? p : "http://" + p;
    }

    private static String firstSet(UnaryOperator<String> vars, String... names) {
        for (String n : names) {
            if (vars.apply(n) != null) return vars.apply(n);
        }
        return null;
    }

    // -- running inside ----------------------------------------------------------------

    /** The command under the tick's grant, in the data dir when there is one, with the env a runner gets. */
    private Proc.Result inside(String command) {
        Path dir = Files.isDirectory(paths.data) ? paths.data : Path.of("/");
        return Proc.capture(new Proc.Spec(command, dir, env, new byte[0], VERSION_TIMEOUT, confinement.runnerCheck(def.name())), 4096);
    }

    private Proc.Result outside(String command) {
        Path dir = Files.isDirectory(paths.data) ? paths.data : Path.of("/");
        return Proc.capture(new Proc.Spec(command, dir, env, new byte[0], VERSION_TIMEOUT), 4096);
    }

    /** The command's own VAR=value words, for the version run. */
    private String prefix() {
        StringBuilder b = new StringBuilder();
        cli.assignments().forEach((k, v) -> {
            if (v != null) b.append(k).append('=').append(Proc.shellQuote(v)).append(' ');
        });
        return b.toString();
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("").strip();
    }

    private static String lastWords(Proc.Result r) {
        String tail = r.stderrTail() == null ? "" : r.stderrTail().strip();
        if (tail.isEmpty()) tail = r.stdoutText().strip();
        if (tail.isEmpty()) return "";
        List<String> lines = tail.lines().toList();
        String last = lines.get(lines.size() - 1).strip();
        return ": " + (last.length() > 200 ? last.substring(0, 200) + "…" : last);
    }
}
