package looop.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import looop.io.CloseNames;

/**
 * The keys looop.json may hold, section by section, and a warning for each
 * one it does not know: a typo such as "intervall" would otherwise be
 * ignored in silence, and the person would wonder why the interval never
 * changed. A warning, not an error: the rest of the file still works. (The
 * "sandbox" and "notify" sections refuse unknown keys themselves, as a typo
 * there could leave secrets visible or a channel silent.) Keys that start
 * with "_" or "//" are comments.
 */
final class ConfigKeys {
    private ConfigKeys() {}

    private static final Set<String> TOP = top();
    private static final Set<String> RUNNER = Set.of("tick", "interactive", "resume", "cost", "sandbox_write");
    private static final Set<String> COST = Set.of("type", "pointer", "mode", "tokens", "usd_per_mtok");
    private static final Set<String> RUN_SHELL = section("run_shell", "deny", "allow", "replace_defaults");
    private static final Set<String> RUNNER_RETRY = section("runner_retry", "exit_codes", "patterns");

    /** Every top-level key: the knobs' own and the sections'. */
    private static Set<String> top() {
        Set<String> keys = new TreeSet<>(Set.of("default", "runners", "max_daily_usd", "run_shell", "runner_retry", "sandbox", "notify", "mcp"));
        for (Knob k : Knob.values()) if (k.key != null && !k.key.contains(".")) keys.add(k.key);
        return keys;
    }

    /** A section's keys: these, and its knobs' (run_shell.timeout_s → timeout_s). */
    private static Set<String> section(String name, String... own) {
        Set<String> keys = new TreeSet<>(Set.of(own));
        for (Knob k : Knob.values()) if (k.key != null && k.key.startsWith(name + ".")) keys.add(k.key.substring(name.length() + 1));
        return keys;
    }

    /** One warning per unknown key in root, each naming where it is and the close known key; where names the file. */
    static List<String> unknown(JsonNode root, String where) {
        List<String> out = new ArrayList<>();
        check(root, "", TOP, where, out);
        JsonNode runners = root.get("runners");
        if (runners != null && runners.isObject()) {
            for (var e : runners.properties()) {
                check(e.getValue(), "runners." + e.getKey() + ".", RUNNER, where, out);
                JsonNode cost = e.getValue().get("cost");
                if (cost != null) check(cost, "runners." + e.getKey() + ".cost.", COST, where, out);
            }
        }
        if (root.get("run_shell") != null) check(root.get("run_shell"), "run_shell.", RUN_SHELL, where, out);
        if (root.get("runner_retry") != null) check(root.get("runner_retry"), "runner_retry.", RUNNER_RETRY, where, out);
        return out;
    }

    private static void check(JsonNode node, String prefix, Set<String> known, String where, List<String> out) {
        if (!node.isObject()) return;
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (known.contains(key) || key.startsWith("_") || key.startsWith("//")) continue;
            List<String> close = CloseNames.closeTo(key, known);
            out.add(where + ": unknown key \"" + prefix + key + "\" is ignored"
                    + (close.isEmpty() ? "; known here: " + String.join(", ", known) : "; did you mean \"" + prefix + close.get(0) + "\"?"));
        }
    }
}
