package looop;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Checks many test classes share: an error is one line; a file tree as data, to compare before and after. */
public final class Checks {
    private Checks() {}

    public static void assertOneLine(String message) {
        assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
    }

    /** Every entry under root (links not followed) with its kind, mode and bytes, except the names given. */
    public static Map<String, String> tree(Path root, String... except) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String rel = root.relativize(p).toString();
                if (List.of(except).contains(rel)) continue;
                out.put(rel, describe(p));
            }
        }
        return out;
    }

    private static String describe(Path p) throws IOException {
        if (Files.isSymbolicLink(p)) return "link " + Files.readSymbolicLink(p);
        String mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).toString();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) return "dir " + mode;
        return "file " + mode + " " + Base64.getEncoder().encodeToString(Files.readAllBytes(p));
    }
}
