package looop.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import looop.Beats;
import looop.Browser;
import looop.NoSessions;
import looop.TestProfile;
import looop.TmuxProfile;
import looop.io.Fs;
import looop.profile.Config;
import looop.profile.Confinement;
import looop.sandbox.Grant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a hostile decider, run_shell, sensor or worker can read of the
 * person's secrets in the default sandbox (real bubblewrap): not the
 * notification channels (ntfy topic and token, webhook URLs, a command's
 * line), which live in the data dir's private/secrets.json, and not any
 * browser's profile (history, session files, cookies: where a page's sign-in
 * URL or cookie would be). The fixture lives under $HOME, not /tmp, whose
 * private copy inside the sandbox would hide it for the wrong reason.
 */
class SecretsTest {
    static final String MARK = "SECRET-MARK-7f3k9q2x";
    static final List<String> BROWSER_PROFILES = List.of(
            ".config/chromium/Default/History", ".config/google-chrome/Default/Cookies",
            ".config/BraveSoftware/Brave-Browser/Default/History", ".mozilla/firefox/abc.default/places.sqlite",
            "snap/firefox/common/.mozilla/firefox/abc.default/sessionstore.jsonlz4", "snap/chromium/common/chromium/Default/History",
            ".var/app/org.mozilla.firefox/.mozilla/firefox/abc.default/places.sqlite",
            ".var/app/org.chromium.Chromium/config/chromium/Default/History",
            ".var/app/com.google.Chrome/config/google-chrome/Default/History");

    final NotifyTest.Endpoint endpoint = new NotifyTest.Endpoint();
    Path base, home;
    TestProfile profile;

    @BeforeEach
    void fixture() throws Exception {
        base = Files.createTempDirectory(Path.of(System.getProperty("user.home")), "looop-secrets-test-").toRealPath();
        home = Files.createDirectories(base.resolve("home"));
        profile = new TestProfile(base.resolve("data"), Map.of("LOOOP_SANDBOX", "auto", "HOME", home.toString()));
        endpoint.start();
        for (String p : BROWSER_PROFILES) profileFile(p, "http://127.0.0.1:8765/?token=" + MARK + "\n");
        profileFile("notes/visible.txt", "the person's own notes, readable: " + MARK + "\n");
    }

    @AfterEach
    void cleanup() {
        endpoint.stop();
        if (base != null) Fs.deleteTree(base);
    }

    private void profileFile(String relative, String text) throws Exception {
        Path p = home.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** The notify list where looop keeps it: private/secrets.json, which the person writes (mode 0600). */
    private void secrets() throws Exception {
        Path file = profile.write("private/secrets.json", "{\"notify\": [{\"type\": \"ntfy\", \"url\": \"" + endpoint.url("/topic-" + MARK)
                + "\", \"token\": \"tk-" + MARK + "\"}]}\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** Every kind of sandboxed command, each under the grant looop gives it. */
    private Map<String, UnaryOperator<List<String>>> everyKind(Confinement c) {
        Map<String, UnaryOperator<List<String>>> kinds = new LinkedHashMap<>();
        kinds.put("run_shell", c.runShell());
        kinds.put("sensor", c.sensor());
        kinds.put("tick command", c.decide("claude", profile.paths.runs().resolve("r1/decide")));
        Grant worker = looop.workers.WorkerGrant.of(c, profile.paths, "claude", "w1");
        kinds.put("worker", argv -> c.wrap(argv, worker));
        return kinds;
    }

    private String run(UnaryOperator<List<String>> wrap, String script) throws Exception {
        Path out = Files.createTempFile(base, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(wrap.apply(List.of("bash", "-c", script))).directory(base.toFile());
        pb.environment().putAll(profile.paths.childEnv());
        pb.environment().put("HOME", home.toString());
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 120 s: " + script);
        }
        return Files.readString(out);
    }

    @Test
    void noSandboxedCommandReadsTheNotifySecretsNorABrowserProfileAndNotifyStillSends() throws Exception {
        secrets();
        Confinement c = Confinement.of(profile.paths, Config.load(profile.paths));
        assumeTrue(c.sandbox().active(), "bubblewrap cannot confine commands here, skipped: " + c.sandbox().describe());
        // every file the command can reach that holds the mark, by name; then the secrets file and a profile by path
        String hunt = "grep -rl -s " + MARK + " \"$HOME\" \"$LOOOP_DATA_DIR\" \"$LOOOP_CONFIG\" 2>/dev/null | sort | sed 's/^/found /';"
                + " cat \"$LOOOP_DATA_DIR/private/secrets.json\" 2>&1; ls -A \"$HOME/.mozilla\" \"$HOME/.config/chromium\" 2>&1; true";
        for (Map.Entry<String, UnaryOperator<List<String>>> kind : everyKind(c).entrySet()) {
            String seen = run(kind.getValue(), hunt);
            List<String> found = new ArrayList<>(seen.lines().filter(l -> l.startsWith("found ")).map(l -> l.substring(6)).toList());
            assertTrue(found.remove(home.resolve("notes/visible.txt").toString()), kind.getKey() + " searched and found nothing at all: " + seen);
            assertEquals(List.of(), found, "a sandboxed " + kind.getKey() + " read secrets in: " + found);
            assertFalse(seen.contains(MARK) || seen.contains("abc.default") || seen.contains("Default"),
                    "a sandboxed " + kind.getKey() + " saw a secret or a browser profile: " + seen);
        }
        // the channel still works from there, outside the sandbox
        Outbox out = Outbox.of(profile.paths, looop.profile.Config.load(profile.paths), profile.clock);
        assertTrue(out.record(Notices.notification("hello from the loop", "n1", profile.clock.instant())), "a channel wants it");
        assertEquals(new Outbox.Report(1, 0, 0), out.deliver(Duration.ofSeconds(30)));
        assertEquals("/topic-" + MARK, endpoint.hits.get(0).path());
        // what outbox/ (readable inside) keeps of the channel: a key too short to confirm a guessed topic offline
        String delivered = profile.read("outbox/delivered.jsonl");
        assertTrue(delivered.matches("(?s).*\"channels\":\\[\"ntfy-[0-9a-f]{6}\"\\].*"), delivered);
    }

    private void config(String notify) {
        profile.write("looop.json", "{\"notify\": " + notify + "}\n");
    }

    private String ntfy(String topic) {
        return "{\"type\": \"ntfy\", \"url\": \"" + endpoint.url("/" + topic) + "\"}";
    }

    private int send(String id) {
        Outbox out = Outbox.of(profile.paths, looop.profile.Config.load(profile.paths), profile.clock);
        out.record(Notices.notification("hello", id, profile.clock.instant()));
        out.deliver(Duration.ofSeconds(30));
        return endpoint.hits.size();
    }

    @Test
    void aLooopJsonThatStillHoldsNotifySecretsKeepsWorkingAndDoctorStatusAndThePulseSaySoInOneLine() throws Exception {
        config("[" + ntfy("old-topic") + ", {\"type\": \"desktop\", \"on\": [\"ask\"]}]");
        assertEquals(1, send("n1"), "looop.json's channel still sends");
        String warning = "looop.json holds notify secrets (ntfy) that every sandboxed command can read: move the \"notify\" list into "
                + profile.paths.data.resolve("private/secrets.json") + " as {\"notify\": [...]}, which no sandbox sees";
        Beats.Cli doctor = Beats.cli(profile, "", "doctor");
        assertTrue(doctor.out().lines().anyMatch(l -> l.matches("info +notify +\\Q" + warning + "\\E")), doctor.out());
        Beats.Cli status = Beats.cli(profile, "", "status");
        assertTrue(status.out().lines().anyMatch(l -> l.matches("notify: +warning: \\Q" + warning + "\\E")), status.out());
        assertEquals(warning, pulseWarning(), "the pulse says it once as it starts");

        // copied into secrets.json and not yet removed from looop.json: sent once, not twice
        profile.write("private/secrets.json", "{\"notify\": [" + ntfy("old-topic") + "]}");
        assertEquals(2, send("n2"));
        // moved: nothing to say
        config("[{\"type\": \"desktop\", \"on\": [\"ask\"]}]");
        assertEquals(3, send("n3"), "secrets.json's channel sends");
        assertFalse(Beats.cli(profile, "", "doctor").out().contains("notify secrets"));
        assertFalse(Beats.cli(profile, "", "status").out().contains("warning"));
    }

    /** Starts a pulse (runner `true`: its beats decide nothing), takes its notify warning line, stops it. */
    private String pulseWarning() throws Exception {
        String before = profile.read("looop.json");
        profile.write("looop.json", before.replaceFirst("\\{", "{\"default\": \"t\", \"runners\": {\"t\": {\"tick\": \"true\"}}, \"interval\": 3600,"));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        looop.io.Log log = new looop.io.Log(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8), profile.clock, true, false);
        looop.beat.Pulse pulse = new looop.beat.Pulse(profile.paths, profile.clock, NoSessions.none(), log);
        Thread t = new Thread(pulse::run, "pulse");
        t.start();
        try {
            TmuxProfile.awaitTrue(() -> bytes.toString(java.nio.charset.StandardCharsets.UTF_8).contains("pulse.notify_secrets"), bytes::toString);
        } finally {
            pulse.stop();
            t.join(60_000);
            profile.write("looop.json", before);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> l.contains("pulse.notify_secrets"))
                .map(l -> looop.io.Json.parseOrNull(l).path("msg").asText()).findFirst().orElseThrow();
    }

    @Test
    void aBrokenSecretsFileIsOneLineThatNamesIt() throws Exception {
        profile.write("private/secrets.json", "{\"notify\": [{\"type\": \"ntfy\"}]}");
        Beats.Cli doctor = Beats.cli(profile, "", "doctor");
        assertTrue(doctor.out().lines().anyMatch(l -> l.matches("FAIL +notify +private/secrets.json: \"notify\"\\[0\\]: missing \"url\"")), doctor.out());
        profile.write("private/secrets.json", "{\"notfy\": []}");
        assertTrue(Beats.cli(profile, "", "doctor").out().contains("private/secrets.json: unknown key \"notfy\"; it holds only \"notify\""));
        profile.write("private/secrets.json", "{\"notify\": [");
        assertTrue(Beats.cli(profile, "", "doctor").out().contains("private/secrets.json: not valid JSON at"));
    }
}
