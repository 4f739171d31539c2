package looop.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import looop.Needs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OS sandbox with real bubblewrap, attacked the way a decider bent on
 * escaping would. Skips (saying why) where bwrap is missing or cannot run.
 * The fixture lives under $HOME, not /tmp: the sandbox's /tmp is private.
 */
class SandboxTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REFUSED = "(Read-only file system|Permission denied|Device or resource busy)";

    Path base, home, data, decoy, repo, worktree;

    @BeforeEach
    void fixture() throws Exception {
        Needs.git(); // the fixture's repo
        base = Files.createTempDirectory(Path.of(System.getProperty("user.home")), "looop-sandbox-test-").toRealPath();
        home = mkdir(base.resolve("home"));
        write(home.resolve(".ssh/id_rsa"), "secret-key\n");
        data = mkdir(base.resolve("data"));
        // every protected path exists, so the data dir itself can be on the write list
        for (Path p : Protected.of(data, data.resolve("looop.json"))) {
            if (p.getFileName().toString().contains(".") && !p.getFileName().toString().equals(".lock")) write(p, "orig a\n");
            else mkdir(p);
        }
        write(data.resolve("goals/g.md"), "goal a\n");
        write(data.resolve("sensors/s.sh"), "#!/bin/sh\necho '{}'\n");
        mkdir(data.resolve("reports"));
        decoy = mkdir(base.resolve("decoy"));
        write(decoy.resolve("a/b/c.txt"), "c\n");
        write(decoy.resolve("d.txt"), "d\n");
        repo = mkdir(base.resolve("repo"));
        write(repo.resolve("README"), "repo readme\n");
        host(repo, "git init -q && git add . && git -c user.name=t -c user.email=t@t commit -qm init");
        worktree = mkdir(base.resolve("worktree"));
    }

    @AfterEach
    void cleanup() throws IOException {
        if (base == null) return;
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // --- fixture helpers -------------------------------------------------------

    static Path mkdir(Path p) throws IOException {
        return Files.createDirectories(p);
    }

    static Path write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    SandboxPolicy policy(String json) throws IOException {
        return SandboxPolicy.parse(JSON.readTree(json), home);
    }

    /** The attacker's favourite: the data dir itself on the write list. */
    SandboxPolicy dataWritable(boolean network) throws IOException {
        return policy("{\"write\": [\"" + data + "\"], \"deny_read\": [\"~/.ssh\"], \"network\": " + network + "}");
    }

    Grant grant() {
        return Grant.none().write(List.of(data.resolve("reports"), worktree))
                .protect(Protected.of(data, data.resolve("looop.json")));
    }

    static Sandbox live(SandboxPolicy policy) {
        Sandbox s = Sandbox.of(policy);
        Needs.bwrap(s);
        return s;
    }

    record Run(int code, String out, String err) {}

    /** Runs argv and waits on its exit (a generous ceiling, never a timing assertion). */
    static Run exec(List<String> argv, Path dir) throws Exception {
        Path out = Files.createTempFile("sbx-out", ".txt");
        Path err = Files.createTempFile("sbx-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
            pb.environment().put("SBX_PROBE", "passed-through");
            Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("command still running after 120 s: " + argv);
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Run host(Path dir, String cmd) throws Exception {
        Run r = exec(List.of("bash", "-c", cmd), dir);
        assertEquals(0, r.code(), "fixture command failed: " + cmd + "\n" + r.err());
        return r;
    }

    Run boxed(Sandbox s, Grant g, Path dir, String cmd) throws Exception {
        return exec(s.wrap(List.of("setsid", "--wait", "bash", "-c", cmd), g), dir);
    }

    /** Every path and byte under root, as one hash. */
    static String hash(Path root) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                md.update(root.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                if (Files.isRegularFile(p)) md.update(Files.readAllBytes(p));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static void assertRefused(Run r, String cmd) {
        assertNotEquals(0, r.code(), cmd + " succeeded inside the sandbox");
        assertTrue(r.err().matches("(?s).*" + REFUSED + ".*"), cmd + ": no refusal in stderr: " + r.err());
    }

    // --- escape attempts -------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "F=-rf; rm $F decoy",
            "rm -r decoy",
            "$(printf '\\x72\\x6d') -rf decoy",
            "printf 'rm -%s %s' rf decoy | sh",
            "B64 | base64 -d | sh",
            "python3 -c 'import shutil; shutil.rmtree(\"decoy\")'",
            "find decoy -exec rm -r {} +",
            "echo x > decoy/d.txt",
            "mv decoy decoy2"})
    void deletingADecoyOutsideTheWriteListFailsVisiblyAndChangesNothing(String spelling) throws Exception {
        if (spelling.startsWith("python3")) Needs.command("python3", "apt-get install python3");
        String cmd = spelling.replace("B64", "echo " + Base64.getEncoder().encodeToString("rm -rf decoy".getBytes()));
        Sandbox s = live(dataWritable(true));
        String before = hash(decoy);
        assertRefused(boxed(s, grant(), base, cmd), cmd);
        assertEquals(before, hash(decoy), cmd + " changed the decoy");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sed -i 's/a/b/' looo[p].js[o]n",
            "echo evil > PLAYBOOK.md",
            "echo evil > goals/g.md",
            "echo evil > goals/new.md",
            "echo evil > sensors/x.sh",
            "echo evil >> journal.md",
            "echo '{}' >> cost.jsonl",
            "rm -rf sessions/*; rmdir sessions",
            "mv goals goals2",
            "mv looop.json old.json",
            "mv " + "DATA DATA2",
            "ln -s /dev/null new-link && mv -T new-link PLAYBOOK.md"})
    void policyFilesStayUnwritableWithTheDataDirOnTheWriteList(String spelling) throws Exception {
        String cmd = spelling.replace("DATA", data.toString());
        Sandbox s = live(dataWritable(true));
        String before = hash(data);
        Run r = boxed(s, grant(), data, cmd);
        assertRefused(r, cmd);
        // the one thing the write list does allow: litter beside the protected files (a symlink, sed's temp file)
        host(data, "rm -f new-link sed*");
        assertEquals(before, hash(data), cmd + " changed the data dir");
    }

    @Test
    void aWriteListOfSlashStillCannotMoveAProtectedPathAway() throws Exception {
        Sandbox s = live(policy("{\"write\": [\"/\"]}"));
        String before = hash(data);
        for (String cmd : List.of("mv " + data + " " + base.resolve("moved"), "mv " + base + " " + base + "-moved",
                "echo evil > " + data.resolve("goals/g.md"), "mv " + data.resolve("goals") + " " + base.resolve("g2"))) {
            assertRefused(boxed(s, grant(), base, cmd), cmd);
        }
        assertEquals(before, hash(data));
        assertTrue(Files.exists(base.resolve("data/looop.json")));
    }

    @Test
    void aMissingProtectedFileCannotBeCreatedEvenWhenItsDirIsOnTheWriteList() throws Exception {
        Files.delete(data.resolve("cost.jsonl"));
        Sandbox s = live(dataWritable(true));
        assertRefused(boxed(s, grant(), data, "echo '{}' > cost.jsonl"), "create cost.jsonl");
        assertFalse(Files.exists(data.resolve("cost.jsonl")));
        // the grant still opens reports/ inside the now read-only data dir
        assertEquals(0, boxed(s, grant(), data, "echo ok > reports/r.md").code());
    }

    @Test
    void aSymlinkOnTheWriteListCannotSmuggleAProtectedDirIn() throws Exception {
        Files.createSymbolicLink(base.resolve("link"), data.resolve("goals"));
        Sandbox s = live(policy("{\"write\": [\"" + base.resolve("link") + "\"]}"));
        assertRefused(boxed(s, grant(), base, "echo evil > link/g.md"), "write through link");
        assertEquals("goal a\n", Files.readString(data.resolve("goals/g.md")));
    }

    @Test
    void aProtectedPathReachedThroughALinkIsProtectedAtItsTarget() throws Exception {
        Path real = write(base.resolve("elsewhere/PLAYBOOK.md"), "real playbook\n");
        Files.delete(data.resolve("PLAYBOOK.md"));
        Files.createSymbolicLink(data.resolve("PLAYBOOK.md"), real);
        Sandbox s = live(policy("{\"write\": [\"" + data + "\", \"" + base.resolve("elsewhere") + "\"]}"));
        for (String cmd : List.of("echo evil > PLAYBOOK.md", "echo evil > " + real, "rm PLAYBOOK.md")) {
            assertRefused(boxed(s, grant(), data, cmd), cmd);
        }
        assertEquals("real playbook\n", Files.readString(real));
        assertTrue(Files.isSymbolicLink(data.resolve("PLAYBOOK.md")));
    }

    @Test
    void noCapabilitiesInsideSoTheReadOnlyBindsCannotBeRemounted() throws Exception {
        Sandbox s = live(dataWritable(true));
        String cmd = "mount -o remount,rw,bind " + data.resolve("goals") + " 2>&1; echo evil > " + data.resolve("goals/g.md");
        assertRefused(boxed(s, grant(), base, cmd), cmd);
        assertRefused(boxed(s, grant(), base, "cat /proc/sys/vm/swappiness > /proc/sys/vm/swappiness"), "sysctl write");
        assertEquals("goal a\n", Files.readString(data.resolve("goals/g.md")));
    }

    // --- what must keep working --------------------------------------------------

    @Test
    void reportsRepoWorktreeAndEnvStillWork() throws Exception {
        Sandbox s = live(dataWritable(true));
        Run r = boxed(s, grant(), data, "echo '# done' > reports/r.md && cat " + repo.resolve("README")
                + " && git -C " + repo + " log --oneline | wc -l && echo edit > " + worktree.resolve("f.txt")
                + " && echo \"$SBX_PROBE\"");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("repo readme", "1", "passed-through"), r.out().lines().toList());
        assertEquals("# done\n", Files.readString(data.resolve("reports/r.md")));
        assertEquals("edit\n", Files.readString(worktree.resolve("f.txt")));
    }

    @Test
    void aWorkerGetsItsOwnSessionDirButNotAnothers() throws Exception {
        mkdir(data.resolve("sessions/me"));
        mkdir(data.resolve("sessions/other"));
        Sandbox s = live(dataWritable(true));
        Grant g = grant().write(List.of(data.resolve("sessions/me"), data.resolve("claims")));
        assertEquals(0, boxed(s, g, data, "echo 1 > sessions/me/state && echo 1 > claims/x.json").code());
        assertRefused(boxed(s, g, data, "echo 1 > sessions/other/state"), "other session");
        assertRefused(boxed(s, g, data, "mv sessions/me sessions/me2"), "rename own session");
    }

    @Test
    void tmpIsWritableAndPrivate() throws Exception {
        Sandbox s = live(SandboxPolicy.defaults(home));
        String name = "looop-sbx-" + UUID.randomUUID();
        Run r = boxed(s, Grant.none(), base, "echo t > /tmp/" + name + " && cat /tmp/" + name + " && ls /tmp | wc -l");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("t", "1"), r.out().lines().toList());
        assertFalse(Files.exists(Path.of("/tmp", name)));
    }

    @Test
    void aDataDirUnderTmpStaysReadableWhenGranted() throws Exception {
        Path tmpData = Files.createTempDirectory("looop-sbx-data");
        try {
            write(tmpData.resolve("PLAYBOOK.md"), "p\n");
            mkdir(tmpData.resolve("reports"));
            Sandbox s = live(SandboxPolicy.defaults(home));
            Grant g = Grant.none().read(List.of(tmpData)).write(List.of(tmpData.resolve("reports")));
            Run r = boxed(s, g, base, "cat " + tmpData.resolve("PLAYBOOK.md") + " && echo r > " + tmpData.resolve("reports/r"));
            assertEquals(0, r.code(), r.err());
            assertRefused(boxed(s, g, base, "echo evil > " + tmpData.resolve("PLAYBOOK.md")), "tmp data playbook");
            assertEquals("r\n", Files.readString(tmpData.resolve("reports/r")));
        } finally {
            host(base, "rm -rf " + tmpData);
        }
    }

    @Test
    void denyReadHidesSecrets() throws Exception {
        Sandbox s = live(policy("{\"deny_read\": [\"~/.ssh\"]}"));
        Run r = boxed(s, Grant.none(), base, "ls -A " + home.resolve(".ssh") + "; cat " + home.resolve(".ssh/id_rsa"));
        assertFalse(r.out().contains("secret") || r.out().contains("id_rsa"), r.out());
        Sandbox file = live(policy("{\"deny_read\": [\"" + home.resolve(".ssh/id_rsa") + "\"]}"));
        Run f = boxed(file, Grant.none(), base, "cat " + home.resolve(".ssh/id_rsa"));
        assertEquals("", f.out());
    }

    @Test
    void networkFalseCutsEvenLoopback() throws Exception {
        Needs.command("curl", "apt-get install curl");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            byte[] body = "pong".getBytes();
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        try {
            String curl = "curl -sS --max-time 20 http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Run on = boxed(live(SandboxPolicy.defaults(home)), Grant.none(), base, curl);
            assertEquals("pong", on.out(), on.err());
            Run off = boxed(live(policy("{\"network\": false}")), Grant.none(), base, curl);
            assertNotEquals(0, off.code());
            assertFalse(off.out().contains("pong"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theTreeDiesWithBwrap() throws Exception {
        Sandbox s = live(SandboxPolicy.defaults(home));
        String marker = "looopsbx" + UUID.randomUUID().toString().replace("-", "");
        // a grandchild that left the group and the session: only the pid namespace reaches it
        Process p = new ProcessBuilder(s.wrap(List.of("bash", "-c", "setsid bash -c 'exec -a " + marker
                + " sleep 600' & wait"), Grant.none())).redirectErrorStream(true).start();
        assertTrue(waitFor(() -> !pidsNamed(marker).isEmpty()), "the sleeper never started");
        p.destroyForcibly();
        assertTrue(waitFor(() -> pidsNamed(marker).isEmpty()), "a sandboxed process outlived bwrap: " + pidsNamed(marker));
    }

    @Test
    void aTimeoutEndsTheWholeSandboxedTreeThoughBwrapLeadsNoGroup() throws Exception {
        Sandbox s = live(SandboxPolicy.defaults(home));
        String marker = "looopsbx" + UUID.randomUUID().toString().replace("-", "");
        // as Proc runs a run_shell: the wrapper drops Proc's setsid, so the kill must go through bwrap
        String cmd = "setsid bash -c 'exec -a " + marker + " sleep 600' & exec -a " + marker + " sleep 600";
        looop.io.Proc.Result r = looop.io.Proc.capture(new looop.io.Proc.Spec(cmd, base, java.util.Map.of(), null,
                java.time.Duration.ofSeconds(2), argv -> s.wrap(argv, Grant.none())), 0);
        assertTrue(r.timedOut());
        assertTrue(waitFor(() -> pidsNamed(marker).isEmpty()), "a sandboxed process outlived its timeout: " + pidsNamed(marker));
    }

    @Test
    void aRunnerKeepsItsStateDirButNotItsHooks() throws Exception {
        write(home.resolve(".claude/settings.json"), "{}\n");
        Sandbox s = live(SandboxPolicy.defaults(home));
        Grant g = Grant.none().write(RunnerState.paths("claude", home, null))
                .protect(RunnerState.protectedPaths("claude", home));
        assertEquals(0, boxed(s, g, base, "echo s > " + home.resolve(".claude/session.jsonl")).code());
        assertRefused(boxed(s, g, base, "echo '{\"hooks\":1}' > " + home.resolve(".claude/settings.json")), "claude hooks");
        assertEquals("{}\n", Files.readString(home.resolve(".claude/settings.json")));
    }

    // --- modes, config, tables -----------------------------------------------------

    @Test
    void requiredWithoutBwrapRefusesInOneLine() {
        Sandbox s = Sandbox.of(new SandboxPolicy(Mode.REQUIRED, List.of(), List.of(), true), Path.of("/nonexistent/bwrap"));
        assertFalse(s.active());
        SandboxUnavailable e = assertThrows(SandboxUnavailable.class, () -> s.wrap(List.of("bash", "-c", "true"), Grant.none()));
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("apt-get install bubblewrap"), e.getMessage());
        assertTrue(s.describe().startsWith("unavailable: "), s.describe());
        assertNull(s.warning());
    }

    @Test
    void autoWithoutBwrapRunsUnwrappedAndSaysSo() {
        Sandbox s = Sandbox.of(SandboxPolicy.defaults(Path.of("/h")), Path.of("/nonexistent/bwrap"));
        assertEquals(List.of("bash", "-c", "true"), s.wrap(List.of("bash", "-c", "true"), Grant.none()));
        assertTrue(s.warning().contains("unsandboxed") && s.warning().contains("apt-get install bubblewrap"), s.warning());
        assertTrue(s.describe().contains("mode auto"), s.describe());
    }

    @Test
    void offNeverWraps() throws Exception {
        Sandbox s = Sandbox.of(policy("{\"mode\": \"off\"}"));
        assertEquals("off (mode off)", s.describe());
        assertEquals(List.of("true"), s.wrap(List.of("true"), grant()));
        assertNull(s.warning());
    }

    @Test
    void wrappingDropsSetsidForACommandWithoutATerminal() {
        Sandbox s = live(SandboxPolicy.defaults(home));
        List<String> argv = s.wrap(List.of("/usr/bin/setsid", "--wait", "bash", "-c", "x"), Grant.none());
        // bwrap's --new-session and pid namespace do setsid's work: one process start fewer per command
        assertEquals(List.of("/bin/sh", "-c"), argv.subList(0, 2));
        assertFalse(argv.contains("/usr/bin/setsid"), argv.toString());
        assertTrue(argv.contains("--new-session"), argv.toString());
        // the fixed script that opens the seccomp filter as fd 3 becomes bwrap: the pid the caller kills
        assertTrue(argv.get(argv.indexOf("--") + 1).endsWith("bwrap"), argv.toString());
        assertEquals("3", argv.get(argv.indexOf("--seccomp") + 1));
        assertEquals(List.of("--", "bash", "-c", "x"), argv.subList(argv.size() - 4, argv.size()));
        assertTrue(s.describe().matches("bubblewrap \\S+: on, unix sockets blocked; limits .*"), s.describe());
        // a terminal's command keeps it in front
        List<String> tty = s.wrap(List.of("/usr/bin/setsid", "--wait", "bash"), Grant.none().interactive(true));
        assertEquals(List.of("/usr/bin/setsid", "--wait", "/bin/sh", "-c"), tty.subList(0, 4));
    }

    @Test
    void policyDefaultsAndExpansion() throws Exception {
        SandboxPolicy d = policy("{}");
        assertEquals(Mode.AUTO, d.mode());
        assertTrue(d.network());
        assertEquals(List.of(home.resolve(".ssh"), home.resolve(".aws"), home.resolve(".gnupg")), d.denyRead().subList(0, 3));
        assertTrue(d.denyRead().containsAll(List.of(home.resolve(".mozilla"), home.resolve(".config/chromium"))), "browser profiles too: " + d.denyRead());
        assertEquals(d, SandboxPolicy.parse(null, home));
        SandboxPolicy p = policy("{\"mode\":\"required\",\"write\":[\"~/code\",\"/srv/x/../y\"],\"deny_read\":[],\"network\":false}");
        assertEquals(new SandboxPolicy(Mode.REQUIRED, List.of(home.resolve("code"), Path.of("/srv/y")), List.of(), false), p);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"mode\":\"strict\"}|sandbox.mode must be \"auto\", \"required\" or \"off\"",
            "{\"mode\":1}|sandbox.mode must be",
            "{\"write\":\"~/code\"}|sandbox.write must be a list of paths",
            "{\"write\":[\"code\"]}|sandbox paths must be absolute or start with ~/",
            "{\"deny_read\":[3]}|sandbox.deny_read must be a list of paths",
            "{\"network\":\"no\"}|sandbox.network must be true or false",
            "{\"deny-read\":[]}|sandbox.deny-read is not a sandbox key",
            "[]|sandbox must be an object"})
    void badConfigNamesTheKeyInOneLine(String c) {
        String[] parts = c.split("\\|");
        SandboxConfigError e = assertThrows(SandboxConfigError.class, () -> policy(parts[0]));
        assertTrue(e.getMessage().startsWith(parts[1]), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void runnerStateDirs() {
        Path h = Path.of("/h");
        assertTrue(RunnerState.paths("claude", h, null).contains(Path.of("/h/.claude")));
        assertEquals(List.of(Path.of("/h/.pi/agent")), RunnerState.paths("pi", h, null));
        assertEquals(List.of(Path.of("/h/.codex")), RunnerState.paths("codex", h, null));
        assertTrue(RunnerState.paths("opencode", h, null).contains(Path.of("/h/.local/share/opencode")));
        assertEquals(List.of(Path.of("/h/.gemini")), RunnerState.paths("gemini", h, null));
        assertEquals(List.of(), RunnerState.paths("mine", h, null));
        assertEquals(List.of(Path.of("/x")), RunnerState.paths("claude", h, List.of(Path.of("/x"))));
    }

    // --- process helpers --------------------------------------------------------------

    static List<Long> pidsNamed(String name) {
        List<Long> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(ph -> {
            try {
                String cmdline = Files.readString(Path.of("/proc", String.valueOf(ph.pid()), "cmdline"));
                if (cmdline.startsWith(name)) out.add(ph.pid());
            } catch (IOException | RuntimeException gone) {
                // exited while we looked
            }
        });
        return out;
    }

    static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(100);
        }
        return false;
    }
}
