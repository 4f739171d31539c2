package looop.human;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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
    public static void withTells(Tells tells, String worker, String answer, Consumer<String> out) {
        out.accept(answer);
        tells.take(worker, "answer", t -> out.accept(TELL_PREFIX + t.text()));
    }

    /** How a tell reads below an answer, so an agent tells them apart. */
    public static final String TELL_PREFIX = "Also from the human: ";
}
