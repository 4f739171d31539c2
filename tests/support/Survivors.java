package looop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import looop.act.Intent;
import looop.io.Json;
import looop.profile.Config;
import looop.profile.Paths;

/**
 * What must hold of a profile after any crash or fault: every policy and
 * bookkeeping file parses, and the journal and the ledgers hold only whole,
 * valid lines. Shared by the crash, fault and torture tests.
 */
public final class Survivors {
    private Survivors() {}

    private static final Pattern JOURNAL_LINE = Pattern.compile("- \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} .*");
    private static final Pattern HASH_FILE = Pattern.compile("[0-9a-f]{32}\n");
    private static final List<String> APPEND_ONLY = List.of("journal.md", "cost.jsonl", "events.jsonl");

    /** Every file looop keeps in dir is well formed; absent files are fine. */
    public static void wellFormed(Path dir) {
        String config = read(dir, "looop.json");
        if (config != null) Config.parse(config, dir.resolve("looop.json"));
        for (String json : List.of(".tick-backoff", ".goal-activity.json", ".cost-unmetered")) {
            String text = read(dir, json);
            if (text != null) assertNotNull(Json.parseOrNull(text), json + " does not parse: " + text);
        }
        String hash = read(dir, ".last-tick-hash");
        if (hash != null) assertTrue(HASH_FILE.matcher(hash).matches(), ".last-tick-hash is not 32 hex: " + hash);
        Intent.read(Paths.at(dir, java.util.Map.of())); // throws when unreadable
        lines(dir, "journal.md", l -> JOURNAL_LINE.matcher(l).matches());
        lines(dir, "cost.jsonl", l -> Json.parseOrNull(l) != null && Json.parseOrNull(l).isObject());
        lines(dir, "events.jsonl", l -> Json.parseOrNull(l) != null && Json.parseOrNull(l).has("event"));
    }

    /** out, after a fault, against src before it: well formed, every policy file as it was, logs only grown. */
    public static void check(Path src, Path out) {
        wellFormed(out);
        for (Path f : policyFiles(src)) {
            String rel = src.relativize(f).toString();
            assertEquals(read(src, rel), read(out, rel), rel + " changed or vanished");
        }
        for (String log : APPEND_ONLY) {
            String before = read(src, log);
            String after = read(out, log);
            if (before != null) assertTrue(after != null && after.startsWith(before), log + " lost lines it had");
        }
    }

    private static List<Path> policyFiles(Path src) {
        try (Stream<Path> s = Files.walk(src)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String rel = src.relativize(p).toString();
                return rel.equals("PLAYBOOK.md") || rel.equals("looop.json") || rel.startsWith("goals/")
                        || rel.startsWith("sensors/") || rel.startsWith("reports/");
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each line of a log ends with a newline and passes valid. */
    private static void lines(Path dir, String name, java.util.function.Predicate<String> valid) {
        String text = read(dir, name);
        if (text == null || text.isEmpty()) return;
        if (!text.endsWith("\n")) fail(name + " ends in a torn line: " + tail(text));
        for (String line : text.split("\n")) {
            if (!valid.test(line)) fail(name + " has a bad line: " + tail(line));
        }
    }

    private static String tail(String s) {
        return s.length() > 120 ? "…" + s.substring(s.length() - 120) : s;
    }

    private static String read(Path dir, String rel) {
        Path p = dir.resolve(rel);
        try {
            return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
