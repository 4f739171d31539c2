package looop;

import java.nio.file.Files;
import java.util.List;
import looop.io.Fs;
import looop.io.Proc;
import looop.profile.Paths;
import looop.workers.SessionFiles;
import looop.workers.Tmux;

/**
 * TEST FIXTURE, not the engine. Starts a session with the layout the terminal
 * engine keeps (SessionFiles): tmux session `looop-<id>` on the profile's
 * server, running a small bash program in a wrapper that records state and
 * exit_code, with everything the terminal prints appended to output.log by
 * pipe-pane before the program starts. It lets the viewing verbs be tested
 * against real terminals without depending on the engine's own start code.
 */
public final class FakeWorker {
    private FakeWorker() {}

    /** Starts `bash -c script` as session id in an 80x24 terminal; returns once output capture is on. */
    public static void start(Paths paths, String id, String script) {
        start(paths, id, script, 80, 24);
    }

    public static void start(Paths paths, String id, String script, int cols, int rows) {
        Needs.tmux();
        SessionFiles f = SessionFiles.of(paths, id);
        Fs.deleteTree(f.dir());
        Fs.writeAtomic(f.state(), "starting\n");
        Fs.writeAtomic(f.wrapper(), wrapper(paths, f, script));
        Tmux tmux = new Tmux(paths);
        check(tmux.run("new-session", "-d", "-s", Tmux.sessionName(id), "-x", String.valueOf(cols), "-y", String.valueOf(rows),
                "exec bash " + Proc.shellQuote(f.wrapper().toString())));
        check(tmux.run("pipe-pane", "-o", "-t", "=" + Tmux.sessionName(id) + ":", "cat >> " + Proc.shellQuote(f.output().toString())));
        long deadline = System.currentTimeMillis() + 120_000;
        while (Fs.readOr(f.state(), "").strip().equals("starting")) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("fake worker " + id + " did not start");
            sleep(10);
        }
    }

    private static String wrapper(Paths paths, SessionFiles f, String script) {
        String out = Proc.shellQuote(f.output().toString());
        return "#!/usr/bin/env bash\n"
                + "cd " + Proc.shellQuote(paths.data.toString()) + "\n"
                + "until [ -e " + out + " ]; do sleep 0.01; done\n" // start() turns capture on, however long that takes
                + "echo running > " + Proc.shellQuote(f.state().toString()) + "\n"
                + "bash -c " + Proc.shellQuote(script) + "\n"
                + "code=$?\n"
                + "echo $code > " + Proc.shellQuote(f.exitCode().toString()) + "\n"
                + "echo exited > " + Proc.shellQuote(f.state().toString()) + "\n";
    }

    /** Whether tmux session looop-<id> exists on the profile's server. */
    public static boolean alive(Paths paths, String id) {
        return new Tmux(paths).has(id);
    }

    /** Every tmux session on the profile's server. */
    public static List<String> tmuxSessions(Paths paths) {
        Tmux.Result r = new Tmux(paths).run("list-sessions", "-F", "#{session_name}");
        return r.ok() ? r.out().lines().sorted().toList() : List.of();
    }

    /** Ends the profile's tmux server and every session on it: each test's own server, in @AfterEach. */
    public static void killServer(Paths paths) {
        if (Files.exists(new Tmux(paths).socket())) new Tmux(paths).run("kill-server");
    }

    private static void check(Tmux.Result r) {
        if (!r.ok()) throw new AssertionError("tmux: " + r.err());
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
