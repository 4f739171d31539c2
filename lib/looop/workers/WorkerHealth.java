package looop.workers;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import looop.human.Ask;
import looop.human.Asks;
import looop.profile.Config;
import looop.profile.Knob;
import looop.profile.Paths;

/**
 * Every live worker's {@link Health}, for whoever shows it (ls, status, the
 * web page, sys-sessions): each call looks at the screens once, records the
 * looks ({@link Screens}), and derives health from them, the pending asks and
 * the flags.
 */
public final class WorkerHealth {
    private final Sessions sessions;
    private final Screens screens;
    private final Asks asks;
    private final Duration stuckAfter;

    public WorkerHealth(Paths paths, Sessions sessions, Clock clock, Duration stuckAfter) {
        this.sessions = sessions;
        this.screens = new Screens(paths, clock);
        this.asks = new Asks(paths, clock);
        this.stuckAfter = stuckAfter;
    }

    /** With stuck_after as configured: LOOOP_STUCK_AFTER, else looop.json's "stuck_after", else 15 minutes. */
    public static WorkerHealth of(Paths paths, Sessions sessions, Clock clock, Config config) {
        return new WorkerHealth(paths, sessions, clock, Duration.ofSeconds(paths.knob(Knob.STUCK_AFTER, config.stuckAfter())));
    }

    /** Health by worker id, for the live ones among workers, in their order; ended workers have none. */
    public Map<String, Health> look(List<Sessions.Info> workers) {
        Map<String, Health> out = new LinkedHashMap<>();
        if (noneAlive(workers)) return out;
        Set<String> asking = asks.pending().stream().map(Ask::session).filter(Objects::nonNull).collect(Collectors.toSet());
        for (Sessions.Info w : workers) {
            if (!w.alive()) continue;
            Duration still = screens.look(w.id(), sessions.fingerprint(w.id()));
            out.put(w.id(), Health.derive(asking.contains(w.id()) || w.note() != null, still, stuckAfter));
        }
        return out;
    }

    /** A loop, not a stream: every beat asks, mostly with no worker alive (Fs.inNameOrder says why). */
    private static boolean noneAlive(List<Sessions.Info> workers) {
        for (Sessions.Info w : workers) if (w.alive()) return false;
        return true;
    }
}
