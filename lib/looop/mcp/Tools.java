package looop.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tools `looop mcp` offers: a person's verbs, each a name, what it does,
 * its arguments as a JSON schema, and the `looop` command line it runs. The
 * table is data; {@link Server} turns each row into an MCP tool whose call
 * runs that command line through {@link Verbs}. merge and discard, which a
 * person approves in person, are rows only when looop.json's "mcp".allow
 * names them.
 */
public final class Tools {
    private Tools() {}

    /** One tool: its name, one line for the agent, its arguments, and the command line a call runs. */
    public record Tool(String name, String description, Map<String, Object> schema, CommandLine line) {}

    /** A call's arguments → the `looop` command line that does it. */
    public interface CommandLine {
        List<String> of(Args args);
    }

    /** A call's arguments as the client sent them (already checked against the schema by the SDK). */
    public record Args(Map<String, Object> values) {
        public Args {
            values = values == null ? Map.of() : values;
        }

        String str(String name) {
            Object v = values.get(name);
            return v == null ? null : v.toString();
        }

        boolean flag(String name) {
            return Boolean.TRUE.equals(values.get(name)) || "true".equals(str(name));
        }
    }

    /** The state document (docs/state.md), as `looop state --json` prints it. */
    static List<String> stateCommand() {
        return List.of("state", "--json");
    }

    /** Every tool the person's config allows, in the order a client lists them. */
    public static List<Tool> all(Set<String> allowed) {
        List<Tool> out = new ArrayList<>(List.of(
                tool("state", "looop's state as one JSON document: the pulse, the last beat, workers, asks, schedules, budget, sensors, conflicts.",
                        schema(), a -> stateCommand()),
                tool("asks", "The questions waiting for the person's answer (JSON: id, question, options, age).",
                        schema(), a -> List.of("asks", "--json")),
                tool("answer", "Answer a pending ask, exactly once (force: replace an answer the asker has not read yet).",
                        schema("id", "the ask's id (from asks)", "text", "the answer", "?force", "boolean:replace an unread answer"),
                        a -> withFlag(a, "force", "answer", a.str("id"), a.str("text"))),
                tool("tell", "Queue a message for a live worker, delivered exactly once.",
                        schema("id", "the worker's id (from workers)", "text", "the message"),
                        a -> line(List.of("tell"), a.str("id"), a.str("text"))),
                tool("goals", "The goals, each with its text (JSON: id, body).",
                        schema(), a -> List.of("goal", "ls", "--json")),
                tool("write_goal", "Create or replace goals/<id>.md: what should be true, in prose.",
                        schema("id", "the goal's id (its file name without .md)", "body", "the goal, as Markdown"),
                        a -> line(List.of("goal", "write"), a.str("id"), a.str("body"))),
                tool("archive_goal", "Move goals/<id>.md to goals/archive/ (done or dropped).",
                        schema("id", "the goal's id"), a -> line(List.of("goal", "archive"), a.str("id"))),
                tool("schedules", "The schedules that wake the loop, with their state and next time (JSON).",
                        schema(), a -> List.of("schedule", "ls", "--json")),
                tool("add_schedule", "Wake the loop at a time: exactly one of in (30m), every (1d) or at (14:00); note says what to do then.",
                        schema("name", "the schedule's name", "?in", "from now, e.g. 30m", "?every", "recurring, e.g. 1d",
                                "?at", "14:00, 2026-11-23T14:00 or an ISO instant", "?note", "what to do then: the decider reads it"),
                        Tools::addSchedule),
                tool("remove_schedule", "Remove a schedule.", schema("name", "the schedule's name"),
                        a -> line(List.of("schedule", "rm"), a.str("name"))),
                tool("journal", "The journal: one line per move (tail: only the last N lines).",
                        schema("?tail", "integer:only the last N lines"), Tools::journal),
                tool("workers", "Every worker: state, health (busy, idle, asking, blocked, stuck), exit code, flag note (JSON).",
                        schema(), a -> List.of("ls", "--json")),
                tool("screen", "A worker's visible screen right now, as text.",
                        schema("id", "the worker's id (from workers)"), a -> line(List.of("shot", "--trim"), a.str("id")))));
        if (allowed.contains("merge")) {
            out.add(tool("merge", "Bring worker <id>'s branch into the checkout's current branch, only when that is clean.",
                    schema("id", "a worker started with a repo"), a -> line(List.of("merge"), a.str("id"))));
        }
        if (allowed.contains("discard")) {
            out.add(tool("discard", "Remove worker <id>'s worktree and its branch, merged or not.",
                    schema("id", "a worker started with a repo"), a -> line(List.of("discard"), a.str("id"))));
        }
        return List.copyOf(out);
    }

    private static Tool tool(String name, String description, Map<String, Object> schema, CommandLine line) {
        return new Tool(name, description, schema, line);
    }

    /** The verb's words, then "--" so no value a call gave is read as an option, then those values (a missing one left out). */
    private static List<String> line(List<String> verb, String... values) {
        List<String> out = new ArrayList<>(verb);
        out.add("--");
        for (String v : values) if (v != null) out.add(v);
        return out;
    }

    private static List<String> withFlag(Args a, String flag, String verb, String... values) {
        return line(a.flag(flag) ? List.of(verb, "--" + flag) : List.of(verb), values);
    }

    private static List<String> addSchedule(Args a) {
        List<String> out = new ArrayList<>(List.of("schedule", "add"));
        for (String when : List.of("in", "every", "at", "note")) {
            if (a.str(when) != null) {
                out.add("--" + when);
                out.add(a.str(when));
            }
        }
        return line(out, a.str("name"));
    }

    private static List<String> journal(Args a) {
        List<String> out = new ArrayList<>(List.of("journal"));
        if (a.str("tail") != null) {
            out.add("--tail");
            out.add(a.str("tail"));
        }
        return out;
    }

    /**
     * An object schema from (name, description) pairs: a name starting with
     * "?" is optional; a description "integer:…" or "boolean:…" types it
     * (else it is a string).
     */
    static Map<String, Object> schema(String... pairs) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            String name = pairs[i];
            String description = pairs[i + 1];
            boolean optional = name.startsWith("?");
            if (optional) name = name.substring(1);
            else required.add(name);
            String type = "string";
            int colon = description.indexOf(':');
            if (description.startsWith("integer:") || description.startsWith("boolean:")) {
                type = description.substring(0, colon);
                description = description.substring(colon + 1);
            }
            properties.put(name, Map.of("type", type, "description", description));
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) schema.put("required", required);
        schema.put("additionalProperties", false);
        return schema;
    }
}
