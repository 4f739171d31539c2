package looop.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import looop.TestProfile;
import looop.io.Fs;
import looop.profile.Config;
import looop.profile.Confinement;
import looop.workers.Tmux;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a sandboxed command can reach beyond the file system, attacked with
 * real bubblewrap and tmux in the default mode: the person's Unix sockets
 * (path and abstract), the profile's tmux server when it starts after the
 * sandbox did, and the machine's processes and memory (a fork bomb, a hog).
 * The profile lives under $HOME, where a socket of the person's would be.
 */
class SandboxReachTest {
    Path base, home;
    TestProfile profile;

    @BeforeEach
    void fixture() throws IOException {
        base = Files.createTempDirectory(Path.of(System.getProperty("user.home")), "looop-reach-test-").toRealPath();
        home = Files.createDirectories(base.resolve("home"));
    }

    @AfterEach
    void cleanup() {
        if (profile != null) new Tmux(profile.paths).run("kill-server");
        Fs.deleteTree(base);
    }

    /** A profile whose looop.json has this sandbox section ("" for none), sandbox required. */
    Confinement confinement(String sandbox) {
        profile = new TestProfile(base, Map.of("LOOOP_SANDBOX", "required"));
        profile.write("looop.json", "{\"default\":\"t\",\"runners\":{\"t\":{\"tick\":\"true\"}}"
                + (sandbox.isEmpty() ? "" : ",\"sandbox\":" + sandbox) + "}");
        Confinement c = Confinement.of(profile.paths, Config.load(profile.paths));
        assumeTrue(c.sandbox().active(), "bubblewrap cannot confine commands here, reach tests skipped: " + c.sandbox().describe());
        return c;
    }

    record Run(int code, String out, String err) {}

    /** cmd through run_shell's wrapper (reports/ writable), as the executor starts it. */
    static Process start(Confinement c, String cmd, Path out, Path err) throws IOException {
        List<String> argv = c.runShell().apply(List.of("setsid", "--wait", "bash", "-c", cmd));
        return new ProcessBuilder(argv).directory(new File(System.getProperty("user.home")))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    Run boxed(Confinement c, String cmd) throws Exception {
        Path out = base.resolve("out-" + UUID.randomUUID()), err = base.resolve("err-" + UUID.randomUUID());
        return finish(start(c, cmd, out, err), out, err);
    }

    static Run finish(Process p, Path out, Path err) throws Exception {
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sandboxed command still running after 180 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Connects to the Unix socket at argv[1] ("@name": abstract) and prints what it answers. */
    static final String CONNECT = "python3 -c 'import socket,sys\n"
            + "a=sys.argv[1]\n"
            + "s=socket.socket(socket.AF_UNIX)\n"
            + "s.connect(\"\\0\"+a[1:] if a.startswith(\"@\") else a)\n"
            + "print(s.recv(16).decode())' ";

    /** A listener of the person's at a path under HOME that answers "pong" to each connection. */
    static ServerSocketChannel pathListener(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            while (server.isOpen()) {
                try (SocketChannel ch = server.accept()) {
                    ch.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    /** An abstract socket (no file: X11's kind), in the host's network namespace; python, as Java cannot bind one. */
    Process abstractListener(String name) throws Exception {
        Path ready = base.resolve("abstract-ready");
        Process p = new ProcessBuilder("python3", "-c", "import socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX)\n"
                + "s.bind(\"\\0\"+sys.argv[1])\n"
                + "s.listen(8)\n"
                + "open(sys.argv[2],\"w\").close()\n"
                + "while True:\n"
                + "  c,_=s.accept()\n"
                + "  c.sendall(b\"pong\")\n"
                + "  c.close()\n", name, ready.toString()).redirectErrorStream(true).start();
        assertTrue(SandboxTest.waitFor(() -> Files.exists(ready)), "the abstract listener never started");
        return p;
    }

    // --- attack 5: the person's Unix sockets ------------------------------------------

    @Test
    void aUnixSocketOfThePersonsUnderHomeIsUnreachable() throws Exception {
        Confinement c = confinement("");
        Path sock = home.resolve("agent.sock");
        try (ServerSocketChannel server = pathListener(sock)) {
            assertEquals("pong", connectFromHost(sock), "fixture: the host reaches its own socket");
            Run r = boxed(c, CONNECT + sock);
            assertNotEquals(0, r.code(), "a sandboxed command reached " + sock + ": " + r.out());
            assertFalse(r.out().contains("pong"), r.out());
            assertTrue(r.err().contains("Operation not permitted"), r.err());
        }
    }

    /** A FIFO swapped into a worker's outbox would block looop's read of it: a sandboxed command makes none. */
    @Test
    void noSandboxedCommandMakesAFifo() throws Exception {
        Confinement c = confinement("");
        Run r = boxed(c, "cd /tmp && mkfifo f; echo mkfifo=$?; python3 -c 'import os; os.mkfifo(\"g\")' 2>&1; echo py=$?; touch plain; echo touch=$?");
        assertTrue(r.out().contains("mkfifo=1") && r.out().contains("touch=0"), r.out() + r.err());
        assertFalse(r.out().contains("py=0"), r.out());
    }

    @Test
    void anAbstractSocketIsUnreachableWithTheNetworkOn() throws Exception {
        Confinement c = confinement("{\"network\": true}");
        String name = "looop-reach-" + UUID.randomUUID();
        Process listener = abstractListener(name);
        try {
            Run r = boxed(c, CONNECT + "@" + name);
            assertNotEquals(0, r.code(), "a sandboxed command reached the abstract socket @" + name + ": " + r.out());
            assertFalse(r.out().contains("pong"), r.out());
        } finally {
            listener.destroyForcibly();
        }
    }

    @Test
    void socketpairAndChildStdioStillWork() throws Exception {
        Confinement c = confinement("");
        Run py = boxed(c, "python3 -c 'import socket; a,b=socket.socketpair(); a.send(b\"sp\"); print(b.recv(2).decode())'");
        assertEquals(0, py.code(), py.err());
        assertEquals("sp\n", py.out());
        // libuv gives a child's piped stdio a socketpair
        Run node = boxed(c, "command -v node >/dev/null || { echo kid; exit 0; }; "
                + "node -e 'process.stdout.write(require(\"child_process\").execFileSync(\"echo\", [\"kid\"]))'");
        assertEquals(0, node.code(), node.err());
        assertEquals("kid\n", node.out());
    }

    @Test
    void allowUnixSocketsOpensThemAll() throws Exception {
        Confinement c = confinement("{\"allow_unix_sockets\": true}");
        Path sock = home.resolve("agent.sock");
        String name = "looop-reach-" + UUID.randomUUID();
        Process listener = abstractListener(name);
        try (ServerSocketChannel server = pathListener(sock)) {
            Run path = boxed(c, CONNECT + sock);
            assertEquals("pong\n", path.out(), path.err());
            Run abs = boxed(c, CONNECT + "@" + name);
            assertEquals("pong\n", abs.out(), abs.err());
        } finally {
            listener.destroyForcibly();
        }
    }

    @Test
    void ioUringAndTheX32AbiAreRefused() throws Exception {
        Confinement c = confinement("");
        // io_uring_setup(1, NULL): EFAULT where allowed, EPERM under the filter
        String call = "python3 -c 'import ctypes,sys; l=ctypes.CDLL(None,use_errno=True); r=l.syscall(int(sys.argv[1]),1,1,0); "
                + "print(r, ctypes.get_errno())' ";
        Run ring = boxed(c, call + 425);
        assertEquals("-1 1\n", ring.out(), ring.err());
        // socket(AF_UNIX) by its x32 number: the process is killed (SIGSYS) before the kernel looks
        Run x32 = boxed(c, call + (41 | 0x40000000) + "; echo exit $?");
        assertEquals("exit " + (128 + 31) + "\n", x32.out(), x32.err());
    }

    /** The filter, run by a small cBPF interpreter over made-up calls of each ABI. */
    @Test
    void theFilterDecidesEachAbiAndCall() {
        int x86 = 0xC000003E, arm = 0xC00000B7, i386 = 0x40000003, arm32 = 0x40000028;
        int allow = 0x7fff0000, eperm = 0x00050001, kill = 0x80000000;
        byte[] blocked = looop.sandbox.SocketFilter.bytes(false), open = looop.sandbox.SocketFilter.bytes(true);
        assertEquals(eperm, run(blocked, x86, 41, 1), "x86_64 socket(AF_UNIX)");
        assertEquals(allow, run(blocked, x86, 41, 2), "x86_64 socket(AF_INET)");
        assertEquals(allow, run(blocked, x86, 53, 1), "x86_64 socketpair(AF_UNIX)");
        assertEquals(eperm, run(blocked, x86, 425, 0), "x86_64 io_uring_setup");
        assertEquals(kill, run(blocked, x86, 41 | 0x40000000, 1), "x32 socket");
        assertEquals(eperm, run(blocked, arm, 198, 1), "aarch64 socket(AF_UNIX)");
        assertEquals(allow, run(blocked, arm, 199, 1), "aarch64 socketpair");
        assertEquals(allow, run(blocked, arm, 198, 10), "aarch64 socket(AF_INET6)");
        assertEquals(eperm, run(blocked, arm, 427, 0), "aarch64 io_uring_register");
        assertEquals(kill, run(blocked, i386, 102, 1), "i386 socketcall");
        assertEquals(kill, run(blocked, arm32, 281, 1), "arm32 socket");
        assertEquals(allow, run(open, x86, 41, 1), "allowed: x86_64 socket(AF_UNIX)");
        assertEquals(allow, run(open, arm, 198, 1), "allowed: aarch64 socket(AF_UNIX)");
        assertEquals(eperm, run(open, x86, 426, 0), "allowed sockets still refuse io_uring_enter");
        assertEquals(kill, run(open, i386, 359, 1), "allowed sockets still kill i386");
        assertEquals(eperm, run(blocked, x86, 133, 0, 0010644, 0), "x86_64 mknod of a FIFO");
        assertEquals(allow, run(blocked, x86, 133, 0, 0100644, 0), "x86_64 mknod of a regular file");
        assertEquals(eperm, run(blocked, x86, 259, 0, 0, 0010600), "x86_64 mknodat of a FIFO");
        assertEquals(allow, run(blocked, x86, 259, 0, 0, 0020600), "x86_64 mknodat of a char device (refused by the kernel anyway)");
        assertEquals(eperm, run(blocked, arm, 33, 0, 0, 0010644), "aarch64 mknodat of a FIFO");
        assertEquals(eperm, run(open, arm, 33, 0, 0, 0010644), "allowed sockets still refuse FIFOs");
    }

    private static int run(byte[] prog, int arch, int nr, int arg0) {
        return run(prog, arch, nr, arg0, 0, 0);
    }

    /** Evaluates a program of LD|W|ABS, ALU|AND|K, JEQ|K, JGE|K and RET|K over struct seccomp_data {nr, arch, ip, args[0..2]}. */
    private static int run(byte[] prog, int arch, int nr, int arg0, int arg1, int arg2) {
        ByteBuffer p = ByteBuffer.wrap(prog).order(java.nio.ByteOrder.nativeOrder());
        ByteBuffer data = ByteBuffer.allocate(64).order(java.nio.ByteOrder.nativeOrder()).putInt(0, nr).putInt(4, arch).putInt(16, arg0)
                .putInt(24, arg1).putInt(32, arg2);
        int acc = 0;
        for (int pc = 0; pc < prog.length / 8; pc++) {
            int code = p.getShort(pc * 8) & 0xffff, jt = p.get(pc * 8 + 2) & 0xff, jf = p.get(pc * 8 + 3) & 0xff, k = p.getInt(pc * 8 + 4);
            switch (code) {
                case 0x20: acc = data.getInt(k); break;
                case 0x54: acc &= k; break;
                case 0x15: pc += acc == k ? jt : jf; break;
                case 0x35: pc += Integer.compareUnsigned(acc, k) >= 0 ? jt : jf; break;
                case 0x06: return k;
                default: throw new AssertionError("unexpected opcode " + code);
            }
        }
        throw new AssertionError("ran off the end");
    }

    @Test
    void theNewKeysParseAndBadValuesNameTheKeyInOneLine() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        looop.sandbox.SandboxPolicy d = looop.sandbox.SandboxPolicy.parse(json.readTree("{}"), home);
        assertFalse(d.allowUnixSockets());
        assertEquals(1024, d.maxProcesses());
        assertEquals(8192, d.maxMemoryMb());
        looop.sandbox.SandboxPolicy p = looop.sandbox.SandboxPolicy.parse(
                json.readTree("{\"allow_unix_sockets\":true,\"max_processes\":0,\"max_memory_mb\":512}"), home);
        assertTrue(p.allowUnixSockets());
        assertEquals(0, p.maxProcesses());
        assertEquals(512, p.maxMemoryMb());
        assertEquals(p, p.withMode(looop.sandbox.Mode.REQUIRED).withMode(p.mode()));
        for (String[] bad : new String[][] {
                {"{\"allow_unix_sockets\":\"yes\"}", "sandbox.allow_unix_sockets must be true or false"},
                {"{\"max_processes\":-1}", "sandbox.max_processes must be a whole number from 0 to 1000000"},
                {"{\"max_processes\":9223372036854775807}", "sandbox.max_processes must be a whole number"},
                {"{\"max_memory_mb\":1.5}", "sandbox.max_memory_mb must be a whole number"},
                {"{\"max_memory\":1}", "sandbox.max_memory is not a sandbox key"}}) {
            looop.sandbox.SandboxConfigError e = org.junit.jupiter.api.Assertions.assertThrows(looop.sandbox.SandboxConfigError.class,
                    () -> looop.sandbox.SandboxPolicy.parse(json.readTree(bad[0]), home));
            assertTrue(e.getMessage().startsWith(bad[1]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void statusSaysWhatBoundsACommand() {
        Confinement c = confinement("{\"max_processes\": 300}");
        String d = c.sandbox().describe();
        assertTrue(d.contains("unix sockets blocked") && d.contains("limits 300 processes (") && d.contains("8192 MiB ("), d);
        // where nothing can bound them (root without a writable cgroup) the sandbox says so, once, as its own warning does
        boolean bound = d.matches(".*limits 300 processes \\((cgroup v[12]|rlimit)\\).*");
        String w = c.sandbox().warning();
        assertTrue(bound ? w == null || !w.contains("process") : w != null && w.contains("no process limit"), d + " / " + w);
    }

    static String connectFromHost(Path sock) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ByteBuffer b = ByteBuffer.allocate(16);
            ch.read(b);
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        }
    }

    // --- attack 4: the tmux server that starts after the sandbox ------------------------

    @Test
    void aTmuxServerStartedAfterTheSandboxIsUnreachable() throws Exception {
        tmuxServerAfterTheSandbox("");
    }

    @Test
    void theTmuxServerStaysUnreachableWithUnixSocketsAllowed() throws Exception {
        tmuxServerAfterTheSandbox("{\"allow_unix_sockets\": true}");
    }

    private void tmuxServerAfterTheSandbox(String sandbox) throws Exception {
        Confinement c = confinement(sandbox);
        Tmux tmux = new Tmux(profile.paths);
        Path socket = tmux.socket();
        Path go = profile.paths.reports().resolve("go"), waiting = profile.paths.reports().resolve("waiting");
        Path out = base.resolve("tmux-out"), err = base.resolve("tmux-err");
        // the decider that waits for a server to appear: then it drives the person's tmux, unconfined
        Process p = start(c, "touch " + waiting + "; for i in $(seq 1 1200); do [ -e " + go + " ] && break; sleep 0.1; done; "
                + "ls -la " + socket.getParent() + "; tmux -S " + socket + " -f /dev/null list-sessions "
                + "&& tmux -S " + socket + " -f /dev/null new-session -d -s escaped 'touch " + base.resolve("escaped") + "'", out, err);
        assertTrue(SandboxTest.waitFor(() -> Files.exists(waiting)), "the sandboxed command never started");
        assertFalse(Files.exists(socket), "fixture: no server yet");
        assertTrue(tmux.run("new-session", "-d", "-s", "looop-w1", "sleep 600").ok(), "the profile's server did not start");
        assertTrue(Files.exists(socket));
        Files.writeString(go, "");
        Run r = finish(p, out, err);
        assertNotEquals(0, r.code(), "a sandboxed command drove the profile's tmux server: " + r.out());
        assertFalse(r.out().contains("looop-w1"), r.out());
        assertFalse(tmux.run("has-session", "-t", "=escaped").ok(), "a session was started from inside");
        assertFalse(Files.exists(base.resolve("escaped")));
    }

    @Test
    void theLongPathStandInIsAPrivateDirOfItsOwn() throws Exception {
        Path tmp = Files.createDirectories(base.resolve("tmp"));
        Path deep = Files.createDirectories(base.resolve("d".repeat(60)).resolve("e".repeat(60)));
        looop.profile.Paths paths = new TestProfile(deep, Map.of("TMPDIR", tmp.toString())).paths;
        Path socket = new Tmux(paths).socket();
        assertEquals(tmp, socket.getParent().getParent());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        // a dir someone else planted there first (here: a link to one) is refused, not used
        Fs.deleteTree(socket.getParent());
        Files.createSymbolicLink(socket.getParent(), Files.createDirectories(base.resolve("planted")));
        looop.io.UserError e = org.junit.jupiter.api.Assertions.assertThrows(looop.io.UserError.class, () -> new Tmux(paths).socket());
        assertTrue(e.getMessage().contains("is not a directory of yours"), e.getMessage());
    }

    // --- attack 10: processes and memory -------------------------------------------------

    /** Bounded: at most 100 children, twice the limit, so a broken limit cannot take the machine down. */
    static final String BOMB = "python3 -c 'import os,time\n"
            + "n=0\n"
            + "for i in range(100):\n"
            + "  try:\n"
            + "    if os.fork()==0:\n"
            + "      time.sleep(600); os._exit(0)\n"
            + "    n+=1\n"
            + "  except OSError as e:\n"
            + "    print(\"fork failed:\", e.strerror); break\n"
            + "print(\"started\", n)'";

    private static int started(Run r) {
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.size() > 0 && lines.get(lines.size() - 1).startsWith("started "), r.out() + r.err());
        return Integer.parseInt(lines.get(lines.size() - 1).substring("started ".length()));
    }

    @Test
    void aForkBombStopsAtTheLimit() throws Exception {
        Confinement c = confinement("{\"max_processes\": 50}");
        // bounded: at most 100 children, twice the limit, so a broken limit cannot take the machine down
        Run r = boxed(c, BOMB);
        int started = started(r);
        assertTrue(started < 50, "fork bomb not stopped: " + started + " children started (limit 50)");
        assertTrue(started > 10, "the limit left too little to work with: " + started + " children");
        assertTrue(r.out().contains("fork failed"), r.out());
    }

    @Test
    void aWriteListOfSlashCannotLeaveTheLimits() throws Exception {
        Confinement c = confinement("{\"write\": [\"/\"], \"max_processes\": 50}");
        // every cgroup mount's root: a command that joined one would be out of its own cgroup
        Run r = boxed(c, "awk '$9 ~ /^cgroup/ {print $5}' /proc/self/mountinfo | while read m; do echo $$ > \"$m/cgroup.procs\"; done; "
                + BOMB);
        assertTrue(started(r) < 50, "fork bomb not stopped after leaving its cgroup: " + started(r) + " children started (limit 50)");
    }

    @Test
    void aMemoryHogIsStopped() throws Exception {
        Confinement c = confinement("{\"max_memory_mb\": 100}");
        // bounded: 1 GiB at most, written so every page is real
        Run r = boxed(c, "python3 -c 'import sys\n"
                + "held=[]\n"
                + "for i in range(1,103):\n"
                + "  held.append(bytearray(b\"x\"*(10*1024*1024)))\n"
                + "  print(\"held\", i*10, flush=True)\n"
                + "print(\"done\")'");
        assertFalse(r.out().contains("done"), "a memory hog was not stopped: " + last(r.out()) + " MB held (limit 100)");
        assertNotEquals(0, r.code());
        String held = last(r.out());
        assertTrue(held.isEmpty() || Integer.parseInt(held) <= 100, "held " + held + " MB past the limit of 100");
    }

    @Test
    void anAgentCliStillWorksUnderTheDefaults() throws Exception {
        Confinement c = confinement("");
        // node with a few helpers of its own and some threads: what an agent CLI does every turn
        Run r = boxed(c, "command -v node >/dev/null || { echo 8; exit 0; }; node -e '"
                + "const cp=require(\"child_process\"); let n=0;"
                + "for (let i=0;i<8;i++) n+=Number(cp.execFileSync(\"bash\",[\"-c\",\"git --version >/dev/null && echo 1\"]).toString());"
                + "console.log(n)'");
        assertEquals(0, r.code(), r.err());
        assertEquals("8\n", r.out());
    }

    private static String last(String out) {
        List<String> held = out.lines().filter(l -> l.startsWith("held ")).toList();
        return held.isEmpty() ? "" : held.get(held.size() - 1).substring("held ".length());
    }
}
