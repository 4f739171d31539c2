package looop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import looop.io.Proc;
import looop.profile.Presets;
import looop.sandbox.Sandbox;

/**
 * What a test needs from the machine beyond a JDK. A test that needs a tool
 * that is missing is skipped (a JUnit assumption), and the skip reason is one
 * line naming what to install; tests/run.java prints it. Programs are looked
 * up on the test JVM's PATH, as looop looks them up (Proc.onPath).
 */
public final class Needs {
    private Needs() {}

    /** Workers, the pulse's session, the human's view: a real tmux server. */
    public static void tmux() {
        command("tmux", "apt-get install tmux");
    }

    /** Worktrees, review, merges and the git attacks. */
    public static void git() {
        command("git", "apt-get install git");
    }

    /** A sandbox that really confines: bubblewrap that works here (not merely installed). */
    public static void bwrap(Sandbox sandbox) {
        assumeTrue(sandbox.active(), "needs bubblewrap that works here (apt-get install bubblewrap): " + sandbox.describe());
    }

    /** The browser tests drive headless Chromium (tests/support/Browser.java). */
    public static void chromium() {
        assumeTrue(Files.isExecutable(Browser.CHROMIUM), "needs " + Browser.CHROMIUM + " (apt-get install chromium)");
    }

    /** A real AI CLI, one of looop's presets; .ci/run pins the versions tests/fixtures/PRESETS.md was checked with. */
    public static void cli(String name) {
        Presets.Preset p = Presets.named(name).orElseThrow(() -> new IllegalArgumentException("no preset " + name));
        command(p.binary(), p.install() + ", at the version .ci/run pins");
    }

    /** Any other program, by name on PATH, with how to get it. */
    public static void command(String name, String install) {
        assumeTrue(Proc.onPath(name) != null, "needs " + name + " on PATH (" + install + ")");
    }

    /** A program that must not merely exist but work: argv must exit 0 (what: the line's name for it). */
    public static void works(String what, String install, String... argv) {
        boolean ok;
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            ok = p.waitFor() == 0;
        } catch (java.io.IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assumeTrue(ok, "needs " + what + " (" + install + ")");
    }
}
