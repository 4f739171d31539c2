package looop.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import looop.Beats;
import looop.ChildJvm;
import looop.GitFixture;
import looop.TmuxProfile;
import looop.TmuxTestBase;
import looop.io.Proc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * `looop watch` with no id, for real: looop runs in a pane of a tmux server
 * of the test's own (a person's terminal, not the profile's server), beside
 * two real workers; keys go in with send-keys and what it draws is read back
 * with capture-pane. The table lists both workers, the selected one's screen
 * is shown at its prompt, moving the selection changes the screen, PgUp
 * scrolls it, and q (or Ctrl-C) gives the shell back with its terminal
 * settings as they were. Without a terminal it is one line and no file changes.
 */
class WatchFleetTest extends TmuxTestBase {
    /** Prints a heading, enough lines to need scrolling in a 30-row view, then waits at a prompt. */
    static final String WORKER = "bash -c 'echo \"$LOOOP_SESSION_ID top-of-screen\"; for i in $(seq 1 34); do echo \"$LOOOP_SESSION_ID line $i\"; done;"
            + " printf \"%s-prompt> \" \"$LOOOP_SESSION_ID\"; read x; sleep 600'";

    Path socket;

    @AfterEach
    void killTerminal() {
        if (socket != null) term("kill-server");
    }

    /** tmux on the test's terminal server. */
    private String term(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        return GitFixture.sh(dir, String.join(" ", cmd.stream().map(Proc::shellQuote).toList()) + " 2>&1 || true");
    }

    private String pane() {
        return term("capture-pane", "-p", "-t", "=term:");
    }

    private void awaitPane(String what, java.util.function.Predicate<String> want) {
        TmuxProfile.awaitTrue(() -> want.test(pane()), () -> what + "; the pane shows:\n" + pane());
    }

    /** A person's terminal: a shell with a known prompt whose `lw` runs this build's looop on the profile. */
    private void openTerminal() throws IOException {
        Path lw = dir.resolve("lw");
        Files.writeString(lw, "#!/bin/sh\nexec " + String.join(" ", ChildJvm.looop().stream().map(Proc::shellQuote).toList()) + " \"$@\"\n");
        lw.toFile().setExecutable(true);
        socket = dir.resolve("term.sock");
        String env = "env -i PATH=" + Proc.shellQuote(System.getenv("PATH")) + " HOME=" + Proc.shellQuote(dir.resolve("home").toString())
                + " LOOOP_DATA_DIR=" + Proc.shellQuote(dir.toString()) + " LOOOP_CDS=0 TERM=xterm-256color PS1='term$ '"
                + " bash --norc --noprofile";
        term("new-session", "-d", "-s", "term", "-x", "100", "-y", "30", "-c", dir.toString(), env);
        awaitPane("the shell's prompt", p -> p.contains("term$"));
    }

    private void type(String text) {
        term("send-keys", "-t", "=term:", "-l", text);
        term("send-keys", "-t", "=term:", "Enter");
    }

    private void key(String key) {
        term("send-keys", "-t", "=term:", key);
    }

    /** The pane's rows that mention the worker: its row in the table. */
    private static boolean row(String pane, String id) {
        return pane.lines().anyMatch(l -> l.matches(".*\\b" + id + "\\s+running\\s+\\w+.*"));
    }

    private String sttyNow(String name) throws IOException {
        Path file = dir.resolve(name);
        type("stty -g > " + name);
        TmuxProfile.awaitTrue(() -> Files.exists(file) && !looop.io.Fs.readOr(file, "").isBlank(), () -> name);
        return Files.readString(file).strip();
    }

    @Test
    void showsTheFleetAndTheSelectedScreenMovesScrollsAndLeavesTheTerminalAsItWas() throws IOException {
        profile(WORKER);
        t.sessions.start("w1", "brief", null);
        t.sessions.start("w2", "brief", null);
        t.awaitOutput("w1", "w1-prompt> ");
        t.awaitOutput("w2", "w2-prompt> ");
        openTerminal();
        String before = sttyNow("stty.before");

        type("./lw watch");
        awaitPane("both workers in the table and w1's screen at its prompt",
                p -> row(p, "w1") && row(p, "w2") && p.contains("w1-prompt>") && p.contains("w1 line 34"));
        String first = pane();
        assertTrue(first.contains("IDLE") && first.contains("ASKING") && first.contains("COST"), first);
        assertFalse(first.contains("w1 top-of-screen"), "the view follows the bottom of the screen:\n" + first);

        t.cli("send", "w1", "typed-while-watched");
        awaitPane("the view redrawn with what w1's screen shows now", p -> p.contains("w1-prompt> typed-while-watched"));

        t.profile.write("looop.json", "{ broken");
        awaitPane("a looop.json that cannot be read said in the title, the view kept", p -> p.contains("the table is as it was") && row(p, "w1"));
        t.runner(WORKER);
        awaitPane("the title back once it can be read", p -> p.contains("2 workers"));

        key("j");
        awaitPane("w2's screen once w2 is selected", p -> p.contains("w2-prompt>") && !p.contains("w1-prompt>"));
        key("k");
        awaitPane("w1's screen again", p -> p.contains("w1-prompt>") && !p.contains("w2-prompt>"));
        key("Tab");
        awaitPane("Tab moves to w2", p -> p.contains("w2-prompt>") && !p.contains("w1-prompt>"));
        key("Up");
        awaitPane("Up moves back to w1", p -> p.contains("w1-prompt>"));

        key("PPage");
        awaitPane("PgUp scrolls w1's screen to its top", p -> p.contains("w1 top-of-screen") && !p.contains("w1-prompt>"));
        key("NPage");
        awaitPane("PgDn scrolls back to its prompt", p -> p.contains("w1-prompt>"));

        key("q");
        awaitPane("the shell's prompt back, the view gone", p -> !row(p, "w1") && p.strip().endsWith("term$"));
        assertEquals(before, sttyNow("stty.after"), "the terminal's settings are restored");

        type("./lw watch");
        awaitPane("the view again", p -> row(p, "w1"));
        key("C-c");
        awaitPane("Ctrl-C leaves too", p -> !row(p, "w1") && p.strip().endsWith("term$"));
        assertEquals(before, sttyNow("stty.ctrlc"), "the terminal's settings are restored after Ctrl-C");
    }

    @Test
    void anEndedWorkerShowsItsRenderedLog() throws IOException {
        profile("bash -c 'printf \"\\033[2J\\033[Hdrawn-in-place\\r\\n\"; for i in 1 2 3; do printf \"\\rprogress %s\" $i; done; printf \"\\r\\n%s finished\\n\" \"$LOOOP_SESSION_ID\"'");
        t.sessions.start("done1", "brief", null);
        t.awaitState("done1", "exited");
        t.awaitOutput("done1", "done1 finished");
        openTerminal();
        type("./lw watch");
        awaitPane("the ended worker's rendered log", p -> p.contains("done1 finished") && p.contains("progress 3") && p.contains("drawn-in-place"));
        assertFalse(pane().contains("progress 1"), "rendered: the \\r redraws resolved\n" + pane());
        key("q");
        awaitPane("the shell back", p -> p.strip().endsWith("term$"));
    }

    @Test
    void withoutATerminalItIsOneLineAndNoFileChanges() throws IOException {
        profile(WORKER);
        t.sessions.start("w1", "brief", null);
        t.awaitOutput("w1", "w1-prompt> ");
        Map<String, Long> before = files();
        Beats.Cli r = t.cli("watch");
        assertNotEquals(0, r.code());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("needs a terminal") && r.err().contains("looop ls"), r.err());
        assertEquals(before, files(), "no file changed");
    }

    /** Every file of the profile (not tmux's socket dir) with its last change. */
    private Map<String, Long> files() throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (p.toString().contains("/.tmux/") || p.toString().endsWith("output.log")) continue;
                out.put(dir.relativize(p).toString(), Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }
}
