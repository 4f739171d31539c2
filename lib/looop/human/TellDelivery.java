package looop.human;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import looop.profile.Paths;
import looop.workers.SessionView;
import looop.workers.Sessions;

/**
 * Gets queued tells to their workers, exactly once, by whichever comes first:
 * <ul>
 * <li>typed into the worker's terminal once its screen has been still for a
 * settle (the worker is idle, not mid-output), unless the worker has an ask
 * open: then it is blocked in `ask`, and typing would land in the asker's
 * terminal input, not in the agent's conversation;</li>
 * <li>returned with the worker's next answer, after it (see {@link #withTells}).</li>
 * </ul>
 * Polled by the pulse (and by `looop tell` for a moment right after queueing).
 */
public final class TellDelivery {
    /** The default stillness that counts as idle: long enough for a TUI between two redraws. */
    public static final Duration SETTLE = Duration.ofSeconds(2);
    /** How long a person's tell (`looop tell`, the page) waits for a quiet screen before leaving the delivery to the pulse. */
    public static final Duration GIVER_TRY = SETTLE.plusSeconds(2);

    private final Tells tells;
    private final Asks asks;
    private final Terminal terminal;
    private final IdleWatch idle;

    public TellDelivery(Tells tells, Asks asks, Terminal terminal, Clock clock, Duration settle) {
        this.tells = tells;
        this.asks = asks;
        this.terminal = terminal;
        this.idle = new IdleWatch(clock, settle);
    }

    /** The engine's workers as tell delivery sees them; idleness judged on the wall clock, whatever clock stamps the files. */
    public static TellDelivery of(Paths paths, Sessions sessions, Clock clock) {
        return new TellDelivery(new Tells(paths, clock), new Asks(paths, clock), new WorkerTerminal(paths, sessions), Clock.systemUTC(), SETTLE);
    }

    /** How a tell left the one who gave it: typed already, waiting for the worker's answer, or queued for the pulse. */
    public enum Outcome { TYPED, WITH_ANSWER, QUEUED }

    public record Told(Tell tell, Outcome outcome) {
        /** What `looop tell`, the page and the journal say about it. */
        public String line() {
            String w = tell.worker();
            return switch (outcome) {
                case TYPED -> "told " + w + " (typed into its terminal)";
                case WITH_ANSWER -> "queued for " + w + "; it is waiting on an ask, so it gets this with the answer";
                case QUEUED -> "queued for " + w + "; it is busy, so the pulse types it once its screen is still";
            };
        }
    }

    /**
     * A person's tell (`looop tell`, the page): queued durably, then typed
     * here if the worker's screen goes still within `within`; else the pulse
     * (or the worker's next answer) delivers it. Exactly once either way.
     */
    public Told tell(String worker, String text, Duration within, String via) {
        Tell t = tells.queue(worker, text, terminal::alive, via);
        if (asking(asks, worker)) return new Told(t, Outcome.WITH_ANSWER);
        long until = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < until) {
            if (poll().stream().anyMatch(d -> d.tellId().equals(t.tellId()))) return new Told(t, Outcome.TYPED);
            if (!tells.isQueued(t)) break; // the pulse, or an answer, took it meanwhile
            SessionView.nap(250);
        }
        return new Told(t, tells.isQueued(t) ? Outcome.QUEUED : Outcome.TYPED);
    }

    /**
     * The decider's steer_session: the same queue, but typed at once (the
     * decider chose this moment from the screen it read), after any tells
     * queued before it; a worker blocked in ask gets it with the answer. A
     * bare Enter carries no message, so it is a key press, not a tell. A
     * failed typing takes the steer back out of the queue: the move failed,
     * and nothing of it arrives later.
     */
    public Told steer(String worker, String text) {
        if (text == null || text.isBlank()) {
            terminal.type(worker, text == null ? "" : text);
            return null;
        }
        Tell t = tells.queue(worker, text, terminal::alive, "steer_session");
        if (asking(asks, worker)) return new Told(t, Outcome.WITH_ANSWER);
        try {
            tells.take(worker, "steer", x -> terminal.type(worker, x.text()));
        } catch (RuntimeException e) {
            tells.withdraw(t);
            throw e;
        }
        return new Told(t, tells.isQueued(t) ? Outcome.QUEUED : Outcome.TYPED);
    }

    /** One look at every worker with tells queued; types them into those that are idle. Returns what was delivered. */
    public List<Tell> poll() {
        List<Tell> delivered = new ArrayList<>();
        for (String worker : tells.undelivered().keySet()) {
            if (!terminal.alive(worker) || asking(asks, worker)) {
                idle.forget(worker);
                continue;
            }
            if (!idle.idle(worker, terminal.fingerprint(worker))) continue;
            delivered.addAll(tells.take(worker, "terminal", t -> terminal.type(worker, t.text())));
            idle.forget(worker);
        }
        return delivered;
    }

    /** Whether worker has an ask open (pending, or answered and not yet read): its tells go with the answer. */
    static boolean asking(Asks asks, String worker) {
        Ask a = asks.read(worker);
        return a != null && !a.closed();
    }

    /**
     * Hands an answer to its asker with the worker's queued tells after it,
     * each tell as its own line, marking each delivered only once out has it.
     */
    public static void withTells(Tells tells, String worker, String answer, PrintStream out) {
        out.println(answer);
        out.flush();
        tells.take(worker, "answer", new Below(out));
    }

    /** Prints a tell below the answer it came with. A class, not a lambda: `ask` is a one-shot verb (Fs.inNameOrder). */
    private record Below(PrintStream out) implements Consumer<Tell> {
        @Override
        public void accept(Tell t) {
            out.println(TELL_PREFIX + t.text());
            out.flush();
        }
    }

    /** How a tell reads below an answer, so an agent tells them apart. */
    public static final String TELL_PREFIX = "Also from the human: ";
}
