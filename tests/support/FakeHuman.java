package looop;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import looop.io.UserError;
import looop.web.HumanActions;
import looop.workers.Sessions;

/**
 * A stand-in for asks and tells (looop.human) behind the page's HumanActions:
 * asks are made by the test, and an answer or a tell is typed into the
 * worker's terminal, so a test sees the worker receive what the page sent.
 * It refuses like the real verbs: no pending ask, an answer outside the
 * options, a tell to a dead worker.
 */
public final class FakeHuman implements HumanActions {
    private final Sessions sessions;
    private final Map<String, PendingAsk> pending = new ConcurrentHashMap<>();
    public final List<String> given = Collections.synchronizedList(new ArrayList<>());
    private volatile String refusal;

    public FakeHuman(Sessions sessions) {
        this.sessions = sessions;
    }

    public FakeHuman ask(String id, String question, String... options) {
        pending.put(id, new PendingAsk(id, question, List.of(options), Instant.now()));
        return this;
    }

    /** Makes every later answer and tell fail with this line, as the real verbs do when, say, the asker is gone. */
    public FakeHuman refuseWith(String line) {
        refusal = line;
        return this;
    }

    public boolean available() {
        return true;
    }

    public List<PendingAsk> pending() {
        return pending.values().stream().sorted(java.util.Comparator.comparing(PendingAsk::id)).toList();
    }

    public String answer(String id, String text) {
        if (refusal != null) throw new UserError(refusal);
        PendingAsk ask = pending.get(id);
        if (ask == null) throw new UserError("no pending ask for " + id + "; `looop asks` lists them");
        if (!ask.options().isEmpty() && !ask.options().contains(text)) {
            throw new UserError("'" + text + "' is not one of " + String.join(", ", ask.options()), 2);
        }
        pending.remove(id);
        delivered("answer " + id + " " + text, id, text);
        return "answered " + id;
    }

    public String tell(String id, String text) {
        if (refusal != null) throw new UserError(refusal);
        if (!sessions.isAlive(id)) throw new UserError("worker " + id + " is not alive; a tell needs a live worker");
        delivered("tell " + id + " " + text, id, text);
        return "told " + id;
    }

    /**
     * Records what was given, then types it: a test that sees the worker's
     * reply (the effect) must find the record too, however the threads are
     * scheduled on a busy machine. A send that fails takes its record back.
     */
    private void delivered(String record, String id, String text) {
        given.add(record);
        try {
            sessions.send(id, text, true);
        } catch (RuntimeException e) {
            given.remove(record);
            throw e;
        }
    }
}
