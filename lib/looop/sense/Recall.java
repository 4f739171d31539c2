package looop.sense;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import looop.io.Ansi;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.Paths;

/**
 * What the decider is reminded of, kept in .recall.json: the world the last
 * decided beat committed (digests of the playbook and goals, each reading's
 * wake signal, small ones verbatim), the last failure until a beat succeeds,
 * the last run_shell's exit code and output until a decide that saw it
 * commits, each sensor's run of beats with a changed signal, and the times of
 * the runner calls of the last hour. Bookkeeping, not memory of intent: every
 * part is re-derivable or harmless to lose (a lost file only means one beat
 * with less hindsight). Written under the profile's lock, by the beat only.
 */
public final class Recall {
    /** A signal this long or shorter is kept verbatim and shown old → new; a longer one by digest only. */
    public static final int INLINE_CHARS = 120;
    /** The trimmed output of a run_shell: its last this many characters. */
    public static final int SHELL_OUTPUT_CHARS = 2000;
    private static final long HOUR = 3600;

    /** The last failed beat: its reason code and message. */
    public record Failure(long at, String reason, String message) {}

    /** The last run_shell: the command, how it ended, the end of what it printed. */
    public record Shell(long at, String cmd, int exitCode, boolean timedOut, String output, boolean shown) {}

    private final Paths paths;
    private final Clock clock;

    public Recall(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    // -- what changed since the last decided beat ----------------------------

    /**
     * What differs from the committed world, one line each ("PLAYBOOK.md
     * changed", "goals/x.md new", "snapshots/sensor-ci.json: {…} → {…}"); null
     * when no beat has been decided yet.
     */
    public List<String> changes(List<Sensors.Reading> readings) {
        JsonNode world = read().get("world");
        if (world == null || !world.isObject()) return null;
        List<String> out = new ArrayList<>();
        diff(world.path("files"), files(), "", false, out);
        diff(world.path("signals"), signals(readings), "snapshots/", true, out);
        return out;
    }

    private static void diff(JsonNode before, Map<String, String> now, String prefix, boolean inline, List<String> out) {
        TreeSet<String> names = new TreeSet<>(now.keySet());
        before.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            String was = before.path(name).asText(null);
            String is = now.get(name);
            if (is != null && is.equals(was)) continue;
            String shown = prefix + name;
            if (was == null) out.add(shown + " new" + (inline && !digest(is) ? ": " + is : ""));
            else if (is == null) out.add(shown + " gone");
            else if (inline && !digest(was) && !digest(is)) out.add(shown + ": " + was + " → " + is);
            else out.add(shown + " changed");
        }
    }

    /** Commits the world a decided beat acted on: what the next beats are compared with. Clears the failure, and a shown shell output. */
    public void committed(List<Sensors.Reading> readings, String action) {
        ObjectNode root = read();
        ObjectNode world = root.putObject("world");
        world.put("at", now());
        world.put("action", action);
        ObjectNode files = world.putObject("files");
        files().forEach(files::put);
        ObjectNode signals = world.putObject("signals");
        signals(readings).forEach(signals::put);
        root.remove("failure");
        if (root.path("shell").path("shown").asBoolean()) root.remove("shell");
        write(root);
    }

    /** When the last decided beat committed its world (unix seconds), or null. */
    public Long committedAt() {
        JsonNode at = read().path("world").get("at");
        return at == null || !at.canConvertToLong() ? null : at.asLong();
    }

    /** PLAYBOOK.md and goals/*.md by path relative to the data dir, each with a digest of its bytes. */
    private Map<String, String> files() {
        Map<String, String> out = new TreeMap<>();
        for (Path p : WorldHash.policyFiles(paths.data)) {
            byte[] bytes = Fs.readOr(p, "").getBytes(StandardCharsets.UTF_8);
            out.put(paths.data.relativize(p).toString(), WorldHash.of(bytes));
        }
        return out;
    }

    /** Each reading's wake signal: verbatim when short, else "#" and its digest. */
    private static Map<String, String> signals(List<Sensors.Reading> readings) {
        Map<String, String> out = new TreeMap<>();
        for (Sensors.Reading r : readings) {
            byte[] signal = WorldHash.wakeSignal(r.text().getBytes(StandardCharsets.UTF_8));
            String text = new String(signal, StandardCharsets.UTF_8);
            out.put(r.file(), text.length() <= INLINE_CHARS && !text.startsWith("#") ? text : "#" + WorldHash.of(signal));
        }
        return out;
    }

    private static boolean digest(String stored) {
        return stored.startsWith("#");
    }

    // -- the last failure ------------------------------------------------------

    public void failed(String reason, String message) {
        ObjectNode root = read();
        root.putObject("failure").put("at", now()).put("reason", reason).put("message", message);
        write(root);
    }

    public Failure failure() {
        JsonNode f = read().get("failure");
        if (f == null || !f.isObject()) return null;
        return new Failure(f.path("at").asLong(), f.path("reason").asText(""), f.path("message").asText(""));
    }

    // -- the last run_shell ------------------------------------------------------

    /** A run_shell ended (any way): its output waits for the next decide. */
    public void shellRan(String cmd, int exitCode, boolean timedOut, String stdout, String stderr) {
        ObjectNode root = read();
        root.putObject("shell").put("at", now()).put("cmd", cmd).put("exit_code", exitCode).put("timed_out", timedOut)
                .put("output", trimmed(stdout, stderr)).put("shown", false);
        write(root);
    }

    /** The last run_shell not yet seen by a decide that went on to commit, or null. */
    public Shell shell() {
        JsonNode s = read().get("shell");
        if (s == null || !s.isObject()) return null;
        return new Shell(s.path("at").asLong(), s.path("cmd").asText(""), s.path("exit_code").asInt(), s.path("timed_out").asBoolean(),
                s.path("output").asText(""), s.path("shown").asBoolean());
    }

    /** A prompt now shows the shell output: the beat that commits after it clears it. */
    public void shellShown() {
        ObjectNode root = read();
        if (!(root.get("shell") instanceof ObjectNode s) || s.path("shown").asBoolean()) return;
        s.put("shown", true);
        write(root);
    }

    /** stdout's end, then stderr's, escapes dropped; "(no output)" when both are empty. */
    static String trimmed(String stdout, String stderr) {
        String out = Ansi.strip(stdout == null ? "" : stdout).strip();
        String err = Ansi.strip(stderr == null ? "" : stderr).strip();
        String both = out + (err.isEmpty() ? "" : (out.isEmpty() ? "" : "\n") + "stderr: " + err);
        if (both.isEmpty()) return "(no output)";
        return both.length() <= SHELL_OUTPUT_CHARS ? both : "…" + both.substring(both.length() - SHELL_OUTPUT_CHARS);
    }

    // -- flapping sensors --------------------------------------------------------

    /**
     * Counts, per reading, the beats in a row on which its wake signal changed
     * (against the previous beat, decided or not); returns those at flapBeats
     * or more. Writes only when a count or a signal moved, so a quiet skip beat
     * writes nothing.
     */
    public List<String> observe(List<Sensors.Reading> readings, int flapBeats) {
        ObjectNode root = read();
        JsonNode last = root.path("beat").path("signals");
        JsonNode streaks = root.path("beat").path("streaks");
        ObjectNode beat = Json.object();
        ObjectNode nowSignals = beat.putObject("signals");
        ObjectNode nowStreaks = beat.putObject("streaks");
        for (Map.Entry<String, String> e : signals(readings).entrySet()) {
            nowSignals.put(e.getKey(), WorldHash.of(e.getValue().getBytes(StandardCharsets.UTF_8)));
            String was = last.path(e.getKey()).asText(null);
            // a first reading is not a change: a new sensor must not count as flapping
            boolean changed = was != null && !was.equals(nowSignals.get(e.getKey()).asText());
            if (changed) nowStreaks.put(e.getKey(), streaks.path(e.getKey()).asInt(0) + 1);
        }
        if (!beat.equals(root.get("beat"))) {
            root.set("beat", beat);
            write(root);
        }
        return flappers(nowStreaks, flapBeats);
    }

    /** The readings whose signal changed on flapBeats or more beats in a row, as of the last beat. */
    public List<String> flapping(int flapBeats) {
        return flappers(read().path("beat").path("streaks"), flapBeats);
    }

    /** Each flapping reading with its count, e.g. "sensor-clock.json (7 beats)". */
    public Map<String, Integer> streaks() {
        Map<String, Integer> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : read().path("beat").path("streaks").properties()) out.put(e.getKey(), e.getValue().asInt());
        return out;
    }

    private static List<String> flappers(JsonNode streaks, int flapBeats) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : streaks.properties()) {
            if (e.getValue().asInt() >= flapBeats) out.add(e.getKey());
        }
        return out;
    }

    // -- runner calls in the last hour ------------------------------------------

    /** A runner call starts now. */
    public void decideStarted() {
        ObjectNode root = read();
        ArrayNode kept = Json.array();
        for (long t : decidesSince(root, now() - HOUR)) kept.add(t);
        kept.add(now());
        root.set("decides", kept);
        write(root);
    }

    /** How many runner calls started in the rolling hour up to now. */
    public int decidesInLastHour() {
        return decidesSince(read(), now() - HOUR).size();
    }

    /** When the oldest call of the last hour leaves it (unix seconds), or null when there is none. */
    public Long oldestDecideInLastHour() {
        List<Long> in = decidesSince(read(), now() - HOUR);
        return in.isEmpty() ? null : in.get(0);
    }

    private static List<Long> decidesSince(JsonNode root, long since) {
        List<Long> out = new ArrayList<>();
        for (JsonNode t : root.path("decides")) {
            if (t.canConvertToLong() && t.asLong() > since) out.add(t.asLong());
        }
        out.sort(null);
        return out;
    }

    // -- the file -----------------------------------------------------------------

    /** The file's object; an absent, torn or foreign file reads as empty (bookkeeping heals). */
    private ObjectNode read() {
        String text;
        try {
            text = Fs.readOrNull(paths.recall());
        } catch (java.io.UncheckedIOException e) {
            text = null;
        }
        JsonNode n = text == null ? null : Json.parseOrNull(text);
        return n instanceof ObjectNode o ? o : Json.object();
    }

    /**
     * Best effort: hindsight must never be why a beat fails. A full disk or a
     * link planted in its place costs the next prompt some hindsight, and the
     * beat's own files (the hash, the backoff, the journal) report the disk.
     */
    private void write(ObjectNode root) {
        try {
            Fs.writeAtomic(paths.recall(), Json.canonical(root) + "\n");
        } catch (java.io.UncheckedIOException e) {
            // see above
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }
}
