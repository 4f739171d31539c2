package looop.web;

import java.time.Clock;
import java.util.List;
import looop.human.Ask;
import looop.human.Asks;
import looop.human.TellDelivery;
import looop.io.Ids;
import looop.profile.Paths;
import looop.workers.Sessions;

/**
 * The page's answers and tells, through the same code as `looop answer` and
 * `looop tell` (looop.human), so they are recorded the same way (events.jsonl,
 * with "via":"web") and a tell is delivered exactly once by the same queue.
 */
public final class ProfileHuman implements HumanActions {
    private final Paths paths;
    private final Clock clock;
    private final Sessions sessions;

    public ProfileHuman(Paths paths, Clock clock, Sessions sessions) {
        this.paths = paths;
        this.clock = clock;
        this.sessions = sessions;
    }

    public boolean available() {
        return true;
    }

    public List<PendingAsk> pending() {
        return new Asks(paths, clock).pending().stream().map(a -> new PendingAsk(a.id(), a.question(), a.options(), a.created())).toList();
    }

    /** Never --force: a second answer from a stale page is refused, as a second `looop answer` is. */
    public String answer(String id, String text) {
        Ask done = new Asks(paths, clock).answer(id, text, false, "web");
        return "answered " + done.id() + ": " + done.answer();
    }

    public String tell(String id, String text) {
        return TellDelivery.of(paths, sessions, clock).tell(Ids.worker(id), text, TellDelivery.GIVER_TRY, "web").line();
    }
}
