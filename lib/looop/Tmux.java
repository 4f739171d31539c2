package looop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The terminal engine's one door to tmux: a private tmux server per profile
 * (its socket inside the data dir, so two profiles never see each other and
 * the user's own tmux is never touched), no user tmux.conf, one tmux session
 * per worker named `looop-<id>`.
 */
public final class Tmux {
    /** Unix socket paths are limited to about 108 bytes; past this a socket in /tmp stands in. */
    private static final int MAX_SOCKET_PATH = 100;

    private final Paths paths;

    public Tmux(Paths paths) {
        this.paths = paths;
    }

    /** What one tmux command answered. */
    public record Result(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Fails with one line when tmux is not installed. */
    public static void requireInstalled(Paths paths) {
        String path = paths.env("PATH");
        for (String dir : (path == null ? System.getenv().getOrDefault("PATH", "") : path).split(":")) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, "tmux"))) return;
        }
        throw new UserError("workers need tmux, which is not on PATH; install it (apt-get install tmux, or brew install tmux)");
    }

    public static String sessionName(String id) {
        return "looop-" + id;
    }

    /** The profile's tmux socket: inside the data dir, or a stand-in under /tmp when that path is too long. */
    public Path socket() {
        Path inside = paths.sessions().resolve(".tmux.sock");
        if (inside.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) return inside;
        String tmp = paths.env("TMPDIR") != null ? paths.env("TMPDIR") : "/tmp";
        return Path.of(tmp, "looop-" + WorldHash.of(paths.data.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12) + ".sock");
    }

    /** The argv prefix every tmux call uses: this profile's server, no user config. */
    public List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket().toString(), "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs one tmux command and waits (at most 10 s) for its answer. */
    public Result run(String... args) {
        Fs.mkdirs(paths.sessions());
        ProcessBuilder pb = new ProcessBuilder(command(args));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                Proc.killTree(p);
                return new Result(Proc.TIMED_OUT, "", "tmux did not answer within 10 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for tmux"));
        }
    }

    /** Whether the worker's tmux session exists right now. */
    public boolean has(String id) {
        return run("has-session", "-t", "=" + sessionName(id)).ok();
    }
}
