package looop.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The paths of a looop data dir that no sandboxed command may write, whatever
 * the write list says: policy (config, constitution, playbook, goals, sensors), history
 * (journal, ledgers) and the loop's bookkeeping. Kept here, as plain names,
 * so the sandbox depends on no other looop class; the caller adds what its
 * own layout holds beyond these.
 */
public final class Protected {
    private Protected() {}

    private static final List<String> IN_DATA_DIR = List.of(
            "looop.json", "CONSTITUTION.md", "PLAYBOOK.md", "goals", "sensors", "journal.md", "cost.jsonl", "events.jsonl",
            "claims", "snapshots", "runs", "prompts", "sessions", ".gitignore",
            ".last-tick-hash", ".tick-backoff", ".cost-unmetered", ".goal-activity.json", ".decision.json", ".lock",
            "tick.log", ".tmux", Sandbox.STATE_DIR);

    /** The protected paths of data plus the config file (which $LOOOP_CONFIG may put elsewhere). */
    public static List<Path> of(Path data, Path config) {
        List<Path> out = new ArrayList<>();
        for (String name : IN_DATA_DIR) out.add(data.resolve(name));
        out.add(config);
        return out;
    }
}
