package looop.beat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import looop.act.Executor;
import looop.io.ExitCode;
import looop.act.Decision;
import looop.gate.Gate;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Paths;
import looop.sense.Sensors;

/**
 * The JSON each stage command passes to the next on stdout/stdin. Every stage
 * copies along what later stages need, so `looop sense | looop hash | looop
 * gate | looop decide | looop act` does exactly what `looop tick` does (and
 * so does the same pipe without the gate: decide then gates itself).
 */
public final class Stages {
    private Stages() {}

    // -- sense -> hash ------------------------------------------------------

    public static ObjectNode sensed(Paths paths, Tick.Sensed s) {
        ObjectNode out = Json.object();
        out.put("data_dir", paths.data.toString());
        ObjectNode snaps = out.putObject("snapshots");
        for (Sensors.Reading r : s.readings()) {
            JsonNode v = Json.parseOrNull(r.text());
            if (v == null) snaps.put(r.file(), r.text());
            else snaps.set(r.file(), v);
        }
        return out;
    }

    public static Tick.Sensed readSensed(Paths paths, JsonNode in) {
        checkProfile(paths, in);
        JsonNode snaps = in.get("snapshots");
        if (snaps == null || !snaps.isObject()) throw usage("expected the output of `looop sense` (an object with \"snapshots\")");
        List<Sensors.Reading> readings = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : snaps.properties()) {
            JsonNode v = e.getValue();
            readings.add(new Sensors.Reading(e.getKey(), v.isTextual() ? v.textValue() : Json.canonical(v)));
        }
        readings.sort((a, b) -> a.file().compareTo(b.file()));
        return new Tick.Sensed(readings);
    }

    // -- hash -> gate -> decide ------------------------------------------------

    public static ObjectNode hashed(Paths paths, Tick.Hashed h) {
        ObjectNode out = sensed(paths, new Tick.Sensed(h.readings()));
        out.put("hash", h.hash());
        out.put("last_hash", h.lastHash());
        out.put("changed", h.changed());
        return out;
    }

    public static Tick.Hashed readHashed(Paths paths, JsonNode in) {
        if (!in.hasNonNull("hash")) throw usage("expected the output of `looop hash` (an object with \"hash\")");
        Tick.Sensed s = readSensed(paths, in);
        return new Tick.Hashed(s.readings(), hash(in, "hash"), in.path("last_hash").asText(""));
    }

    /** The gate's output: its input, plus "gate": {"open": bool, "reason"?, "message"?, "retry_in_s"?}. */
    public static ObjectNode gated(ObjectNode hashed, Gate.Result g) {
        ObjectNode out = hashed.deepCopy();
        ObjectNode gate = out.putObject("gate");
        gate.put("open", g instanceof Gate.Open);
        if (g instanceof Gate.Closed c) {
            gate.put("reason", c.reason());
            gate.put("message", c.message());
            if (c.retryInS() != null) gate.put("retry_in_s", c.retryInS());
        }
        return out;
    }

    /** What a gate stage said about this world, or null when no gate ran (hash's output piped straight to decide). */
    public static Gate.Result readGate(JsonNode in) {
        JsonNode g = in.get("gate");
        if (g == null || g.isNull()) return null;
        if (!g.isObject() || !g.path("open").isBoolean()) {
            throw usage("\"gate\" must be an object like {\"open\": true} (the output of `looop gate`), got " + Json.canonical(g));
        }
        if (g.get("open").booleanValue()) return new Gate.Open();
        JsonNode retry = g.get("retry_in_s");
        return new Gate.Closed(g.path("reason").asText("gate_closed"), g.path("message").asText("the gate is closed"),
                retry != null && retry.canConvertToLong() ? retry.asLong() : null);
    }

    // -- decide -> act --------------------------------------------------------

    public static ObjectNode decided(Paths paths, Tick.Verdict v) {
        ObjectNode out = Json.object();
        out.put("data_dir", paths.data.toString());
        out.put("hash", v.hash());
        if (v instanceof Tick.Decided d) {
            out.put("outcome", "decided");
            if (d.runId() != null) out.put("run_id", d.runId());
            out.set("decision", d.decision().raw());
            return out;
        }
        Tick.Ended e = (Tick.Ended) v;
        out.put("outcome", e.result().name().toLowerCase());
        if (e.reason() != null) out.put("reason", e.reason());
        if (e.runId() != null) out.put("run_id", e.runId());
        if (e.message() != null) out.put("message", e.message());
        return out;
    }

    /**
     * decide's output as a verdict. Its decision was validated by decide, so one
     * that no longer parses was edited on the way: a usage error, nothing changed.
     */
    public static Tick.Verdict readDecided(Paths paths, JsonNode in) {
        checkProfile(paths, in);
        String outcome = in.path("outcome").asText();
        String hash = in.hasNonNull("hash") ? hash(in, "hash") : null;
        String runId = runId(in);
        if (outcome.equals("decided")) {
            if (!in.hasNonNull("decision")) throw usage("a \"decided\" input needs its \"decision\"");
            try {
                return new Tick.Decided(hash, runId, Decision.parse(Json.canonical(in.get("decision"))));
            } catch (UserError e) {
                throw usage("the \"decision\" on stdin is not a valid move (" + e.getMessage() + "); pipe in `looop decide`'s output as it is");
            }
        }
        Tick.Outcome.Result result = switch (outcome) {
            case "skipped" -> Tick.Outcome.Result.SKIPPED;
            case "failed" -> Tick.Outcome.Result.FAILED;
            default -> throw usage("unknown \"outcome\" '" + outcome + "'; expected the output of `looop decide`");
        };
        return new Tick.Ended(result, in.path("reason").asText(null), hash, runId, in.path("message").asText(null));
    }

    // -- act -> the end -------------------------------------------------------

    public static ObjectNode outcome(Tick.Outcome o) {
        ObjectNode out = Json.object();
        out.put("outcome", o.result().name().toLowerCase());
        if (o.reason() != null) out.put("reason", o.reason());
        if (o.runId() != null) out.put("run_id", o.runId());
        if (o.message() != null) out.put("message", o.message());
        if (o instanceof Tick.Acted a) out.set("move", move(a.move()));
        return out;
    }

    public static ObjectNode move(Executor.Done m) {
        ObjectNode out = Json.object();
        out.put("action", m.action());
        out.put("summary", m.summary());
        out.put("journal", m.journalLine());
        if (m.nextIntervalS() != null) out.put("next_interval_s", m.nextIntervalS());
        return out;
    }

    // -- reading stdin --------------------------------------------------------

    /** Far more than a stage's JSON (100 sensors at their 8 KiB cap are under 1 MiB); more is a runaway pipe. */
    private static final int MAX_INPUT_BYTES = 64 << 20;

    /** The JSON object on stdin, or null when stdin is empty. */
    public static JsonNode readInput(InputStream in, String stage) {
        String text;
        try {
            byte[] bytes = in.readNBytes(MAX_INPUT_BYTES + 1);
            if (bytes.length > MAX_INPUT_BYTES) throw usage("`looop " + stage + "`: stdin is over " + (MAX_INPUT_BYTES >> 20) + " MiB; pipe in the previous stage's output");
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (text.isBlank()) return null;
        try {
            JsonNode node = Json.parse(text);
            if (!node.isObject()) throw usage("`looop " + stage + "` reads one JSON object on stdin, got " + node.getNodeType().toString().toLowerCase());
            return node;
        } catch (JsonProcessingException e) {
            throw new UserError("`looop " + stage + "`: stdin is not JSON (" + Json.describe(e) + "); pipe in the previous stage's output", ExitCode.USAGE);
        }
    }

    /**
     * A world hash from stdin is committed as the world this beat acted on,
     * so it must be one: 32 lowercase hex digits, as `looop hash` prints.
     */
    private static String hash(JsonNode in, String field) {
        String h = in.path(field).asText("");
        if (!h.matches("[0-9a-f]{32}")) throw usage("\"" + field + "\" must be a world hash (32 lowercase hex digits, as `looop hash` prints)");
        return h;
    }

    /** A run id names a directory under runs/: a plain name, never a path that climbs out of it. */
    private static String runId(JsonNode in) {
        if (!in.hasNonNull("run_id")) return null;
        String id = in.get("run_id").asText();
        if (!Tick.isRunName(id)) {
            throw usage("\"run_id\" must name a run as `looop decide` prints it (tick-YYYYMMDD-HHMMSS), got " + Json.canonical(in.get("run_id")));
        }
        return id;
    }

    /** A stage must not mix profiles: input made for one data dir is refused by another (a trailing slash is the same dir). */
    private static void checkProfile(Paths paths, JsonNode in) {
        String from = in.path("data_dir").asText(null);
        if (from != null && !sameDir(from, paths)) {
            throw usage("input is from data dir " + from + " but this looop uses " + paths.data + "; set LOOOP_DATA_DIR to match");
        }
    }

    private static boolean sameDir(String from, Paths paths) {
        try {
            return java.nio.file.Path.of(from).toAbsolutePath().normalize().equals(paths.data);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static UserError usage(String message) {
        return new UserError(message, ExitCode.USAGE);
    }
}
