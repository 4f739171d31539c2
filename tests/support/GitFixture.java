package looop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Real git repos in a temp dir for worktree tests: make one, run scripts in it, and fingerprint a checkout. */
public final class GitFixture {
    private GitFixture() {}

    /** A new repo at dir with one commit (f.txt, g.txt) and a committer of its own, on branch main. */
    public static Path repo(Path dir) {
        Needs.git();
        sh(dir.getParent(), "git init -q -b main " + dir.getFileName());
        sh(dir, "git config user.name Person && git config user.email person@example.com"
                + " && printf 'one\\ntwo\\nthree\\n' > f.txt && echo g > g.txt && git add . && git commit -qm init");
        return dir;
    }

    /** Runs a bash script in dir (as a worker would: its cwd, its own shell); fails the test unless it exits 0. */
    public static String sh(Path dir, String script) {
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder("bash", "-ec", script).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("GIT_OPTIONAL_LOCKS", "0");
            pb.environment().remove("GIT_DIR");
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), script + " → " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Everything about a checkout a person would notice changing: every file
     * outside .git (path → sha-256, untracked and ignored included), the
     * index's bytes, `git status --porcelain`, HEAD (commit and branch) and
     * the stash list.
     */
    public static String fingerprint(Path checkout) {
        TreeMap<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(checkout)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = checkout.relativize(p).toString();
                if (rel.startsWith(".git/") && !rel.equals(".git/index")) continue;
                files.put(rel, sha(Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> parts = new ArrayList<>();
        files.forEach((k, v) -> parts.add(k + " " + v));
        parts.add("status:\n" + sh(checkout, "git status --porcelain --untracked-files=all"));
        parts.add("head: " + sh(checkout, "git rev-parse HEAD; git symbolic-ref -q HEAD || echo detached"));
        parts.add("stash:\n" + sh(checkout, "git stash list --format='%H %s'"));
        return String.join("\n", parts);
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
