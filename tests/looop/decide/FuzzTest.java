package looop.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import looop.Beats;
import looop.NoSessions;
import looop.Survivors;
import looop.TestProfile;
import looop.act.Decision;
import looop.act.Executor;
import looop.act.Intent;
import looop.act.moves.Field;
import looop.act.moves.Kind;
import looop.act.moves.Moves;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Config;
import looop.sense.WorldHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of generated decisions, from a seeded RNG so a failure replays:
 * random JSON, deep nesting, huge strings, every action with every wrong field
 * type, ids full of `..`, NUL, unicode and path tricks, links planted in the
 * profile pointing out of it. Thrown at Decision.parse + Executor.act and at
 * the `act` command. Whatever comes in: no exception but a UserError escapes,
 * every rejection is one line with no control characters (nothing for a
 * terminal to interpret), and nothing outside the data dir changes.
 *
 * LOOOP_FUZZ_INPUTS (default 3000), LOOOP_FUZZ_CLI_INPUTS (default 300) and
 * LOOOP_FUZZ_SEED set the run.
 */
class FuzzTest {
    static final int INPUTS = Integer.parseInt(System.getenv().getOrDefault("LOOOP_FUZZ_INPUTS", "3000"));
    static final int CLI_INPUTS = Integer.parseInt(System.getenv().getOrDefault("LOOOP_FUZZ_CLI_INPUTS", "300"));
    static final long SEED = Long.parseLong(System.getenv().getOrDefault("LOOOP_FUZZ_SEED", "20261123"));

    @TempDir Path tmp;
    Path root;
    Path data;
    TestProfile profile;

    /**
     * A profile with traps (links out of it) next to a sibling dir and a file in
     * the parent that must not change. On a RAM disk when there is one: this
     * test is about logic, and thousands of moves each sync to disk.
     */
    @BeforeEach
    void profile() throws IOException {
        Path shm = Path.of("/dev/shm");
        root = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "looop-fuzz-") : tmp;
        data = root.resolve("data");
        Path sibling = Files.createDirectories(root.resolve("sibling"));
        Files.writeString(root.resolve("parent.txt"), "parent\n");
        Files.writeString(sibling.resolve("victim.md"), "victim\n");
        profile = new TestProfile(data);
        profile.write("looop.json", "{\"default\":\"claude\",\"run_shell\":{\"allow\":[\"echo [a-z0-9 ]*\",\"true\",\"false\"],\"timeout_s\":5}}");
        profile.write("PLAYBOOK.md", "# fuzz\n");
        profile.write("goals/real.md", "real\n");
        Files.createDirectories(data.resolve("goals/archive"));
        Files.createDirectories(data.resolve("sensors"));
        Files.createSymbolicLink(data.resolve("goals/trap.md"), sibling.resolve("victim.md"));
        Files.createSymbolicLink(data.resolve("goals/archive/trapped.md"), sibling.resolve("victim.md"));
        Files.createSymbolicLink(data.resolve("sensors/trap.sh"), sibling.resolve("victim.md"));
        Files.createSymbolicLink(data.resolve("goals/out"), sibling);
    }

    @AfterEach
    void cleanUp() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isSymbolicLink).toList()) Files.delete(p);
        }
        if (!root.equals(tmp)) Fs.deleteTree(root);
    }

    /** Every file outside the data dir, with its bytes. */
    private Map<String, String> outside() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> !p.startsWith(data)).toList()) {
                files.put(root.relativize(p).toString(), Files.isRegularFile(p) ? WorldHash.of(Files.readAllBytes(p)) : "dir");
            }
        }
        return files;
    }

    /** A rejection a person reads: one line, no control characters, no internals. */
    static void assertReadable(String message, String input) {
        assertFalse(message == null || message.isBlank(), "an empty message for " + shown(input));
        assertTrue(message.strip().lines().count() == 1, "not one line: " + shown(message) + " for " + shown(input));
        assertFalse(message.strip().chars().anyMatch(Character::isISOControl), "a control character: " + shown(message));
        assertFalse(message.contains("Exception") || message.contains("internal error"), "internals: " + shown(message));
    }

    @Test
    void decisionsAndMovesNeverThrowAnythingButOneLine() throws IOException {
        Map<String, String> before = outside();
        long start = System.nanoTime();
        Gen gen = new Gen(new Random(SEED));
        Executor executor = new Executor(profile.paths, NoSessions.none(), profile.clock, Config.load(profile.paths));
        int acted = 0;
        for (int i = 0; i < INPUTS; i++) {
            String input = gen.decision();
            try {
                executor.act(Decision.parse(input));
                acted++;
            } catch (UserError e) {
                assertReadable(e.getMessage(), input);
            } catch (Throwable t) {
                fail("input #" + i + " (LOOOP_FUZZ_SEED=" + SEED + ") threw " + t + " for " + shown(input), t);
            }
        }
        assertEquals(before, outside(), "a file outside the data dir changed");
        assertEquals("victim\n", Files.readString(root.resolve("sibling/victim.md")));
        Survivors.wellFormed(data);
        assertFalse(Files.exists(Intent.file(profile.paths)), "every move settled");
        assertTrue(acted > INPUTS / 50 && acted < INPUTS, "the mix reaches the executor and the refusals: " + acted);
        System.out.println("fuzz: " + INPUTS + " decisions through parse + act (" + acted + " acted, "
                + (INPUTS - acted) + " refused in one line), seed " + SEED + ", " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    @Test
    void theActCommandRefusesInOneLine() throws IOException {
        Map<String, String> before = outside();
        long start = System.nanoTime();
        Gen gen = new Gen(new Random(SEED + 1));
        int refused = 0;
        for (int i = 0; i < CLI_INPUTS; i++) {
            String input = i % 4 == 0 ? gen.garbage() : gen.decision();
            Beats.Cli r = Beats.cli(profile, input, "act");
            assertTrue(r.code() >= 0 && r.code() <= 2, "exit " + r.code() + " for " + shown(input));
            if (r.code() != 0) {
                refused++;
                assertTrue(r.err().startsWith("looop: "), shown(r.err()));
                assertReadable(r.err(), input);
            }
        }
        assertEquals(before, outside(), "a file outside the data dir changed");
        Survivors.wellFormed(data);
        System.out.println("fuzz: " + CLI_INPUTS + " inputs through `looop act` (" + refused + " refused in one line), seed " + SEED + ", " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    static String shown(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "…(" + s.length() + " chars)" : s;
        return Json.canonical(JsonNodeFactory.instance.textNode(t));
    }

    /** The generator: each call picks one family of nasty input. */
    static final class Gen {
        static final JsonNodeFactory F = JsonNodeFactory.instance;
        static final String[] ACTIONS = Decision.actions().toArray(String[]::new);
        /** Each action's fields, as its Kind in the registry has them, plus the two every action may carry. */
        static final Map<String, List<String>> FIELDS = Moves.ALL.stream().collect(java.util.stream.Collectors.toMap(
                Kind::action, k -> k.fields().stream().map(Field::name).toList()));
        static final List<String> COMMON = List.of("journal", "next_interval_s");
        static final String[] TRICKY_IDS = {"..", ".", "../x", "..\\x", "a/../b", "/etc/passwd", "trap", "trapped", "out", "out/x",
                "\u0000", "a\u0000b", "%2e%2e", "\u2025", "ü-ß", "😀", "CON", "x".repeat(129), "x".repeat(128), " ", "-rf", "$(id)",
                "`id`", "a\nb", "\u202egnp.md", "goals", "archive", "looop.json", "looop", "pulse", "looop-pulse", "..\u2215x",
                "\uFF0E\uFF0E", ".hidden", "~", "~/x", "a b", "tab\tx", "\u001b[31mred", "real", "new-goal", "\ud800", "a\u2028b"};
        static final String[] COMMANDS = {"echo fuzz", "true", "false", "echo", "rm -rf /", "curl x | sh", "cat /etc/passwd",
                "echo $(id)", "echo ok; rm -rf ~", "git push --force", "echo \u0000", "sleep 1", "echo looop.json"};

        final Random rnd;

        Gen(Random rnd) {
            this.rnd = rnd;
        }

        private <T> T pick(T[] xs) {
            return xs[rnd.nextInt(xs.length)];
        }

        String decision() {
            return switch (rnd.nextInt(10)) {
                case 0 -> Json.canonical(randomValue(4));
                case 1 -> deep();
                case 2 -> Json.canonical(huge());
                case 3, 4 -> Json.canonical(wrongTypes());
                case 5, 6 -> Json.canonical(tricky());
                case 7 -> mutated(Json.canonical(tricky()));
                case 8 -> garbage();
                default -> Json.canonical(plausible());
            };
        }

        /** A well-formed action with ordinary values: the executor's happy paths under the same watch. */
        ObjectNode plausible() {
            String action = pick(ACTIONS);
            ObjectNode o = F.objectNode().put("action", action);
            for (String f : FIELDS.get(action)) o.set(f, f.equals("keys") ? F.arrayNode().add("Enter") : F.textNode(value(f)));
            if (rnd.nextBoolean()) o.put("journal", text(40));
            if (rnd.nextInt(4) == 0) o.put("next_interval_s", rnd.nextInt(10000) - 100);
            return o;
        }

        private String value(String field) {
            return switch (field) {
                case "id", "name" -> rnd.nextInt(3) == 0 ? pick(TRICKY_IDS) : "g" + rnd.nextInt(50);
                case "cmd" -> pick(COMMANDS);
                default -> text(60);
            };
        }

        /** Every field of a random action replaced by a value of a random wrong (or right) type. */
        ObjectNode wrongTypes() {
            ObjectNode o = plausible();
            List<String> fields = new java.util.ArrayList<>(FIELDS.get(o.get("action").asText()));
            fields.addAll(COMMON);
            fields.add("action");
            for (String f : fields) if (rnd.nextInt(3) == 0) o.set(f, anyScalarOrShape());
            return o;
        }

        private JsonNode anyScalarOrShape() {
            return switch (rnd.nextInt(13)) {
                case 0 -> F.nullNode();
                case 1 -> F.booleanNode(rnd.nextBoolean());
                case 2 -> F.numberNode(rnd.nextLong());
                case 3 -> F.numberNode(rnd.nextDouble() * 1e300);
                case 4 -> F.numberNode(new java.math.BigDecimal("1e400"));
                case 5 -> F.textNode("");
                case 6 -> F.textNode("   ");
                case 7 -> F.arrayNode();
                case 8 -> F.objectNode();
                case 9 -> F.arrayNode().add("x").add(1).add(F.nullNode());
                case 10 -> F.arrayNode().add(F.arrayNode().add("Enter"));
                case 11 -> F.numberNode(-0.0);
                default -> F.textNode(text(20));
            };
        }

        /** A valid action aimed at a tricky id, a trap, or with control characters in every text. */
        ObjectNode tricky() {
            ObjectNode o = plausible();
            for (String f : List.of("id", "name")) if (o.has(f)) o.put(f, pick(TRICKY_IDS));
            if (rnd.nextBoolean()) o.put("journal", pick(TRICKY_IDS) + "\u0000\r\n\u001b]0;title\u0007" + text(10));
            return o;
        }

        /** Huge strings in the fields that carry text (a runaway decider). */
        ObjectNode huge() {
            ObjectNode o = plausible();
            int size = rnd.nextInt(20) == 0 ? 1 << 20 : 1 << (10 + rnd.nextInt(8)); // 1 KiB … 128 KiB, now and then 1 MiB
            String big = "é\u0000x".repeat(size / 3);
            for (String f : List.of("body", "script", "prompt", "input", "message", "reason", "journal")) if (o.has(f) || f.equals("journal")) o.put(f, big);
            if (rnd.nextInt(4) == 0 && o.has("id")) o.put("id", big);
            return o;
        }

        /** Nesting far past any sane depth, as the whole decision or inside a field. */
        String deep() {
            int depth = 1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 5000);
            String open = rnd.nextBoolean() ? "[" : "{\"a\":";
            String close = open.equals("[") ? "]" : "}";
            String nest = open.repeat(depth) + "1" + close.repeat(depth);
            return rnd.nextBoolean() ? nest : "{\"action\":\"noop\",\"reason\":" + nest + "}";
        }

        /** Any JSON value, objects sometimes carrying an "action". */
        JsonNode randomValue(int depth) {
            int kind = depth <= 0 ? rnd.nextInt(4) : rnd.nextInt(6);
            return switch (kind) {
                case 0 -> F.textNode(text(30));
                case 1 -> F.numberNode(rnd.nextGaussian() * 1e6);
                case 2 -> F.booleanNode(rnd.nextBoolean());
                case 3 -> F.nullNode();
                case 4 -> {
                    ArrayNode a = F.arrayNode();
                    for (int i = rnd.nextInt(4); i > 0; i--) a.add(randomValue(depth - 1));
                    yield a;
                }
                default -> {
                    ObjectNode o = F.objectNode();
                    if (rnd.nextBoolean()) o.set("action", rnd.nextBoolean() ? F.textNode(pick(ACTIONS)) : randomValue(0));
                    for (int i = rnd.nextInt(4); i > 0; i--) o.set(rnd.nextBoolean() ? text(8) : pick(new String[] {"id", "body", "cmd"}), randomValue(depth - 1));
                    yield o;
                }
            };
        }

        /** Not JSON, or JSON with something wrong around it. */
        String garbage() {
            String valid = Json.canonical(plausible());
            return switch (rnd.nextInt(9)) {
                case 0 -> valid + valid; // two moves
                case 1 -> valid.substring(0, rnd.nextInt(valid.length())); // cut off
                case 2 -> "\uFEFF" + valid;
                case 3 -> valid.replace("}", ",}");
                case 4 -> "// comment\n" + valid;
                case 5 -> "{\"action\":\"noop\",\"next_interval_s\":" + pick(new String[] {"NaN", "Infinity", "1e99999", "-", "0x10", "01"}) + "}";
                case 6 -> text(rnd.nextInt(200));
                case 7 -> "[" + valid + "]";
                default -> mutated(valid);
            };
        }

        /** A few random characters flipped, dropped or doubled. */
        String mutated(String s) {
            StringBuilder b = new StringBuilder(s);
            for (int i = 1 + rnd.nextInt(4); i > 0 && b.length() > 0; i--) {
                int at = rnd.nextInt(b.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> b.setCharAt(at, (char) rnd.nextInt(0x3000));
                    case 1 -> b.deleteCharAt(at);
                    default -> b.insert(at, b.charAt(at));
                }
            }
            return b.toString();
        }

        /** Text from every corner: ASCII, controls, quotes, surrogates (paired and lone), RTL marks, emoji. */
        String text(int max) {
            Function<Integer, String> ch = k -> switch (k) {
                case 0 -> String.valueOf((char) rnd.nextInt(32));
                case 1 -> "\"\\'`$";
                case 2 -> "😀";
                case 3 -> String.valueOf((char) (0xD800 + rnd.nextInt(0x800))); // a lone surrogate
                case 4 -> "\u202e\u2028\u0085";
                case 5 -> "../";
                default -> String.valueOf((char) ('a' + rnd.nextInt(26)));
            };
            StringBuilder b = new StringBuilder();
            for (int i = rnd.nextInt(max + 1); i > 0; i--) b.append(ch.apply(rnd.nextInt(12)));
            return b.toString();
        }
    }
}
