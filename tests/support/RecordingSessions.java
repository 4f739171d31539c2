package looop;

import java.util.ArrayList;
import java.util.List;

/** A worker engine that only records what the beat asked of it: "start w1 do it", "steer w1 yes", …. */
public final class RecordingSessions extends NoSessions {
    public final List<String> calls = new ArrayList<>();

    public List<Info> list() {
        return List.of();
    }

    public void start(String id, String prompt, String runner) {
        calls.add("start " + id + " " + prompt);
    }

    /** Every worker it is asked about is live: a steer goes through the tell queue, which refuses dead ones. */
    public boolean isAlive(String id) {
        return true;
    }

    public void steer(String id, String input) {
        calls.add("steer " + id + " " + input);
    }

    public void sendKeys(String id, List<String> keys) {
        calls.add("keys " + id + " " + keys);
    }

    public void restart(String id) {
        calls.add("restart " + id);
    }

    public List<String> reapOlderThan(long ttlSeconds) {
        return List.of();
    }
}
