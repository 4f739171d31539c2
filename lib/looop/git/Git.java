package looop.git;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import looop.io.UserError;

/**
 * Runs git for looop: always an argv array (never a shell string, so no path,
 * id or branch name can become shell syntax), never an interactive prompt or
 * editor, and never anything the repository could make git execute.
 *
 * <p>Hooks are off ({@code core.hooksPath=/dev/null}): what looop merges is a
 * worker's content, and a hooks path inside the tree (husky's .husky/,
 * lefthook) would run code the worker wrote, outside its sandbox, on the
 * person's checkout. A hook that fails halfway would also break the promise
 * that a refused merge leaves the checkout as it was. The person runs their
 * checks on the worktree before `looop merge` (or in CI after it). fsmonitor
 * is off for the same reason: it is a command git runs.
 *
 * <p>GIT_OPTIONAL_LOCKS=0 keeps read-only commands (status) from rewriting an
 * index to refresh its stat cache, so looking at the person's checkout leaves
 * its .git/index byte for byte as it was.
 */
public final class Git {
    private Git() {}

    private static final long TIMEOUT_MINUTES = 10;
    private static final List<String> SAFE_CONFIG = List.of(
            "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "core.pager=cat",
            "-c", "color.ui=false", "-c", "advice.detachedHead=false");
    // Inherited from a hook or a shell inside another repo, these would point git elsewhere.
    private static final List<String> DROPPED_ENV = List.of(
            "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_PREFIX", "GIT_CONFIG_PARAMETERS",
            "GIT_CONFIG_COUNT", "GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_SEQUENCE_EDITOR");

    /** What one git command did. */
    public record Result(int code, String out, String err) {
        public boolean ok() {
            return code == 0;
        }

        /** stdout without its trailing newline. */
        public String line() {
            return out.strip();
        }

        /** git's own complaint, first line, for a one-line error. */
        public String why() {
            String e = err.strip();
            if (e.isEmpty()) e = out.strip();
            String first = e.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + code);
            return first.replaceFirst("^(fatal|error): ", "");
        }
    }

    /** git -C dir args… */
    public static Result in(Path dir, String... args) {
        return run(dir, Map.of(), List.of(args));
    }

    /** git with extra environment (GIT_INDEX_FILE for a scratch index) and explicit global options in args. */
    public static Result run(Path dir, Map<String, String> env, List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add("git");
        argv.addAll(SAFE_CONFIG);
        argv.addAll(args);
        return exec(argv, dir, env);
    }

    /**
     * git on a repository's objects and refs alone, for everything looop runs
     * outside the sandbox on a worker's branch: GIT_DIR is the repo's common
     * dir (named by looop, never found through a worktree's .git file or its
     * commondir), the work tree an empty directory of looop's and the index a
     * file that does not exist. So git reads no .gitattributes from any tree
     * or index (git 2.39 has no --attr-source; with a work tree that is empty
     * there is nothing to read), no per-worktree config, and no attributes
     * file of the system or the person's global one: what a review shows and
     * a merge computes depends on the commits alone (and .git/info/attributes,
     * which only the person writes). Callers name revisions outright.
     */
    public static Result onObjects(Path commonDir, String... args) {
        return onObjects(commonDir, Map.of(), args);
    }

    /** The same with extra environment (an author for commit-tree). */
    public static Result onObjects(Path commonDir, Map<String, String> extraEnv, String... args) {
        Path neutral = neutralDir();
        try {
            List<String> argv = new ArrayList<>(List.of("git"));
            argv.addAll(SAFE_CONFIG);
            argv.addAll(List.of("-c", "core.attributesFile=/dev/null"));
            argv.addAll(List.of(args));
            Map<String, String> env = new java.util.HashMap<>(extraEnv);
            env.putAll(Map.of("GIT_DIR", commonDir.toString(), "GIT_WORK_TREE", neutral.toString(),
                    "GIT_INDEX_FILE", neutral.resolve("no-index").toString(), "GIT_ATTR_NOSYSTEM", "1"));
            return exec(argv, neutral, env);
        } finally {
            looop.io.Fs.deleteTree(neutral);
        }
    }

    /** The same, that must succeed; otherwise a one-line UserError starting with what looop was doing. */
    public static Result mustOnObjects(String doing, Path commonDir, String... args) {
        Result r = onObjects(commonDir, args);
        if (!r.ok()) throw new UserError(doing + ": " + r.why());
        return r;
    }

    private static Path neutralDir() {
        try {
            return java.nio.file.Files.createTempDirectory("looop-git-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Any argv (git, or git wrapped in the sandbox) with git's environment cleaned as above. */
    public static Result exec(List<String> argv, Path dir, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        DROPPED_ENV.forEach(e::remove);
        e.put("GIT_TERMINAL_PROMPT", "0");
        e.put("GIT_EDITOR", "true");
        e.put("GIT_OPTIONAL_LOCKS", "0");
        e.put("LC_ALL", "C");
        e.putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return finish(start(pb), String.join(" ", argv.subList(Math.min(argv.size(), 1 + SAFE_CONFIG.size()), argv.size())));
    }

    /** git … that must succeed; otherwise a one-line UserError starting with what looop was doing. */
    public static Result must(String doing, Path dir, String... args) {
        Result r = in(dir, args);
        if (!r.ok()) throw new UserError(doing + ": " + r.why());
        return r;
    }

    private static Process start(ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UserError("cannot run git (" + e.getMessage() + "); install git to give workers a repository");
        }
    }

    private static Result finish(Process p, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = pump(p.getInputStream(), out);
        Thread r = pump(p.getErrorStream(), err);
        try {
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new UserError("git " + what + " took longer than " + TIMEOUT_MINUTES + " minutes and was stopped");
            }
            o.join();
            r.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new UncheckedIOException(new IOException("interrupted while running git " + what));
        }
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // the stream closed when git ended
            }
        }, "looop-git");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
