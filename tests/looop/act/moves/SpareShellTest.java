package looop.act.moves;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import looop.Needs;
import looop.NoSessions;
import looop.ProcessGroups;
import looop.TestProfile;
import looop.act.Decision;
import looop.act.Executor;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Confinement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run_shell's sandbox made while the runner decides, under real bubblewrap: a command finds it
 * ready, and a spare that is no longer what a sandbox started now would be
 * (a mounted dir replaced, a hidden path that appeared, a new config) is
 * never used. Secrets and outside dirs live under /var/tmp: the sandbox's
 * private /tmp would hide them whatever the spare did.
 */
class SpareShellTest {
    /** The sandbox's age when the command starts, in 1/100 s: now less its pid 1's start (clock ticks; 100 a second on Linux). */
    private static final String AGE = "read -a s </proc/1/stat; read up _ </proc/uptime; echo $(( ${up/./} - ${s[21]} )) > reports/age";

    @TempDir Path data;
    Path outside;
    TestProfile profile;
    final SpareShell spare = new SpareShell();

    @BeforeEach
    void setUp() throws IOException {
        outside = Files.createTempDirectory(Path.of("/var/tmp"), "looop-spare-");
        profile = new TestProfile(data, Map.of("LOOOP_SANDBOX", "auto", "LOOOP_SHELL_TIMEOUT", "2"));
        config("");
        Needs.bwrap(Confinement.of(profile.paths, Config.load(profile.paths)).sandbox());
    }

    @AfterEach
    void tearDown() {
        spare.close();
        Fs.deleteTree(outside);
    }

    /** looop.json with the run_shell gate off: what stops these commands must be the sandbox alone. */
    private void config(String sandbox) {
        profile.write("looop.json", "{\"run_shell\":{\"replace_defaults\":true}" + (sandbox.isEmpty() ? "" : ",\"sandbox\":" + sandbox) + "}");
    }

    private Executor.Done run(String cmd) {
        String json = "{\"action\":\"run_shell\",\"cmd\":" + Json.quote(cmd) + "}";
        return new Executor(profile.paths, NoSessions.none(), profile.clock, Config.load(profile.paths), spare).act(Decision.parse(json));
    }

    /** A spare made and ready, as a beat makes it while its runner decides. */
    private void spareReady() {
        spare.prepare(profile.paths, Confinement.of(profile.paths, Config.load(profile.paths)));
        spare.awaitSpare();
        assertFalse(spares().isEmpty(), "no spare sandbox was made");
    }

    @Test
    void theNextCommandRunsInTheSandboxMadeAheadWhichIsASandboxLikeAnyOther() throws Exception {
        spareReady();
        Thread.sleep(1500);
        run(AGE + "; echo made > reports/made; (echo x >> journal.md) 2>/dev/null && echo wrote > reports/breach; exit 0");
        assertEquals(1, spare.handedOver());
        assertTrue(Integer.parseInt(profile.read("reports/age").strip()) >= 100, "the command's sandbox was made with it: " + profile.read("reports/age"));
        assertEquals("made\n", profile.read("reports/made"));
        assertFalse(Files.exists(data.resolve("reports/breach")), "wrote looop's journal from the spare");
        assertTrue(spares().isEmpty(), "a used spare is not kept: " + spares());
        // its exit status and its words come back as from any command
        spareReady();
        UserError e = assertThrows(UserError.class, () -> run("echo oops >&2; exit 3"));
        assertEquals("run_shell: `echo oops >&2; exit 3` exited 3: oops", e.getMessage());
        assertEquals(2, spare.handedOver());
    }

    @Test
    void aSpareWhoseMountedDirWasReplacedIsNotUsed() throws Exception {
        spareReady();
        // a command's rm -rf reports && mkdir reports: the spare's bind holds the old, deleted dir
        Fs.deleteTree(data.resolve("reports"));
        Files.createDirectories(data.resolve("reports"));
        // private/ swapped for one holding a secret: the spare's tmpfs covered the old one
        Fs.deleteTree(data.resolve("private"));
        Files.writeString(Files.createDirectories(data.resolve("private")).resolve("token"), "s3cret\n");
        run("echo two > reports/two; cat private/token > reports/leak 2>&1; exit 0");
        assertEquals(0, spare.handedOver());
        assertEquals("two\n", profile.read("reports/two"));
        assertFalse(profile.read("reports/leak").contains("s3cret"), profile.read("reports/leak"));
    }

    @Test
    void aPathTheSandboxHidesThatAppearedSinceIsHidden() throws Exception {
        Path secrets = outside.resolve("secrets");
        config("{\"deny_read\":[" + Json.quote(secrets.toString()) + "]}");
        spareReady();
        Files.writeString(Files.createDirectories(secrets).resolve("key"), "s3cret\n");
        run("cat " + secrets.resolve("key") + " > reports/leak 2>&1; exit 0");
        assertEquals(0, spare.handedOver());
        assertFalse(profile.read("reports/leak").contains("s3cret"), profile.read("reports/leak"));
    }

    @Test
    void aConfigChangedSinceGetsASandboxOfItsOwn() throws Exception {
        Path open = Files.createDirectories(outside.resolve("open"));
        spareReady();
        config("{\"write\":[" + Json.quote(open.toString()) + "]}");
        run("echo granted > " + open.resolve("f"));
        assertEquals(0, spare.handedOver());
        assertEquals("granted\n", Files.readString(open.resolve("f")));
    }

    @Test
    void aTimeoutInTheSpareEndsItsWholeTree() throws Exception {
        spareReady();
        String marker = "looopspare" + Long.toHexString(System.nanoTime());
        UserError e = assertThrows(UserError.class, () -> run("(exec -a " + marker + " sleep 600) & setsid bash -c 'exec -a "
                + marker + " sleep 600' & exec -a " + marker + " sleep 600"));
        assertTrue(e.getMessage().contains("timed out after 2 s"), e.getMessage());
        assertEquals(1, spare.handedOver());
        assertTrue(waitFor(() -> processesWith(marker).isEmpty()), "outlived the timeout: " + processesWith(marker));
    }

    @Test
    void closingStopsTheSpareAndMakesNoMore() throws Exception {
        spareReady();
        spare.close();
        assertTrue(waitFor(() -> spares().isEmpty()), "the spare outlived close: " + spares());
        spare.prepare(profile.paths, Confinement.of(profile.paths, Config.load(profile.paths)));
        spare.awaitSpare();
        run("echo after > reports/after");
        assertEquals("after\n", profile.read("reports/after"));
        assertEquals(0, spare.handedOver());
        assertTrue(spares().isEmpty(), "a spare was made after close: " + spares());
    }

    @Test
    void aSpareThatNeverGetsReadyHoldsNothingAndTheCommandRunsInItsOwn() throws Exception {
        String marker = "looopstuck" + Long.toHexString(System.nanoTime());
        Path fake = outside.resolve("bwrap");
        // a bwrap that hangs starting the spare's launcher, and is the real one for everything else
        Files.writeString(fake, "#!/bin/bash\ncase \"$*\" in *'printf R;'*) exec -a " + marker + " sleep 600;; esac\nexec "
                + looop.sandbox.Bwrap.onPath() + " \"$@\"\n");
        assertTrue(fake.toFile().setExecutable(true));
        profile = new TestProfile(data, Map.of("LOOOP_SANDBOX", "auto", "LOOOP_BWRAP", fake.toString()));
        config("");
        Confinement c = Confinement.of(profile.paths, Config.load(profile.paths));
        Needs.bwrap(c.sandbox());
        spare.prepare(profile.paths, c);
        assertTrue(waitFor(() -> !processesWith(marker).isEmpty()), "the stuck start never began");
        run("echo own > reports/own"); // waits a while for the spare, then starts its own sandbox
        assertEquals("own\n", profile.read("reports/own"));
        assertEquals(0, spare.handedOver());
        spare.close();
        assertTrue(waitFor(() -> processesWith(marker).isEmpty()), "a start that hung outlived close: " + processesWith(marker));
    }

    private List<Long> spares() {
        return ProcessGroups.spareShells(data);
    }

    private static List<Long> processesWith(String text) {
        return ProcessGroups.withCommandLine(text);
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(100);
        }
        return false;
    }
}
