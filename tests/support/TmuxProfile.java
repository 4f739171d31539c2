package looop;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import looop.cli.Context;
import looop.io.Fs;
import looop.io.Json;
import looop.workers.SessionFiles;
import looop.workers.Sessions;
import looop.workers.Tmux;
import looop.workers.TmuxSessions;

/**
 * A throwaway profile with the real tmux engine: its own data dir, so its own
 * tmux server, which close() kills so no test leaks a terminal. Runners are
 * small shell programs; waits poll with short sleeps up to a deadline.
 */
public final class TmuxProfile implements AutoCloseable {
    /** Generous: a busy machine may take long, and a wait that holds is only as long as it takes. */
    private static final long DEADLINE_MS = 120_000;

    public final TestProfile profile;
    public final TmuxSessions sessions;

    public TmuxProfile(Path dir) {
        this(dir, Map.of());
    }

    /** Skipped without tmux, unless extraEnv sets a PATH of its own (a test of what happens with no tmux). */
    public TmuxProfile(Path dir, Map<String, String> extraEnv) {
        if (!extraEnv.containsKey("PATH")) Needs.tmux();
        this.profile = new TestProfile(dir, extraEnv);
        this.sessions = new TmuxSessions(profile.paths, () -> looop.profile.Config.load(profile.paths));
    }

    /** Makes `t` the default runner, whose worker command is interactive (with {{prompt_file}} if it wants the brief). */
    public TmuxProfile runner(String interactive) {
        profile.write("looop.json", "{\"default\":\"t\",\"runners\":{\"t\":{\"tick\":\"true\",\"interactive\":"
                + Json.quote(interactive) + "}}}");
        return this;
    }

    public Sessions.Info info(String id) {
        return sessions.list().stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
    }

    /** Polls list() until worker id matches; fails with what it last saw. */
    public Sessions.Info await(String id, Predicate<Sessions.Info> want, String what) {
        Sessions.Info[] last = new Sessions.Info[1];
        awaitTrue(() -> {
            last[0] = info(id);
            return last[0] != null && want.test(last[0]);
        }, () -> id + " to be " + what + ", last seen " + last[0] + ", output: " + output(id));
        return last[0];
    }

    public Sessions.Info awaitState(String id, String state) {
        return await(id, i -> i.state().word().equals(state), state);
    }

    /** Polls output.log until it holds text; returns all of it. */
    public String awaitOutput(String id, String text) {
        awaitTrue(() -> output(id).contains(text), () -> id + "'s output to show '" + text + "', got: " + output(id));
        return output(id);
    }

    public String output(String id) {
        return Fs.readOr(SessionFiles.of(profile.paths, id).output(), "");
    }

    public static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> failure) {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + failure.get());
            sleep(50);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs tmux on this profile's server, as a person poking at it from outside would. */
    public Tmux.Result tmux(String... args) {
        return sessions.tmux().run(args);
    }

    /** Runs a looop command in this JVM, as a user would type it, with this engine. */
    public Beats.Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context ctx = new Context(profile.paths, profile.clock, sessions, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = looop.cli.Main.run(ctx, args);
        return new Beats.Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Kills this profile's tmux server and waits until every process its
     * panes ran is gone: one that outlives the server for a moment could
     * still write into the temp dir while JUnit deletes it.
     */
    @Override
    public void close() {
        if (!java.nio.file.Files.exists(sessions.tmux().socket())) return;
        List<ProcessHandle> procs = new ArrayList<>();
        for (String pid : tmux("list-panes", "-a", "-F", "#{pane_pid}").out().split("\\s+")) {
            if (pid.isEmpty()) continue;
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
                procs.add(h);
                h.descendants().forEach(procs::add);
            });
        }
        tmux("kill-server");
        long deadline = System.currentTimeMillis() + 2000;
        while (procs.stream().anyMatch(TmuxProfile::running) && System.currentTimeMillis() < deadline) sleep(10);
        procs.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Alive and not a zombie: an orphan that died waits for init to reap it,
     * which some container inits do late, but it can no longer write anything.
     */
    private static boolean running(ProcessHandle h) {
        if (!h.isAlive()) return false;
        String stat;
        try {
            stat = Fs.readOrNull(Path.of("/proc", String.valueOf(h.pid()), "stat"));
        } catch (java.io.UncheckedIOException e) {
            return h.isAlive();
        }
        if (stat == null) return h.isAlive();
        String afterName = stat.substring(stat.lastIndexOf(')') + 1).strip();
        return !afterName.startsWith("Z");
    }
}
