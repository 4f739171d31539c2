package looop.human;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import looop.profile.CliScreens;
import looop.profile.Config;
import looop.profile.Knob;
import looop.profile.Paths;
import looop.workers.Health;
import looop.workers.Screens;
import looop.workers.SessionFiles;
import looop.workers.Sessions;

/**
 * Every live worker's {@link Health}, for whoever shows it (ls, status, the
 * web page, sys-sessions): each call looks at the screens once, records the
 * looks ({@link Screens}), and derives health from them, the pending asks and
 * the flags; which screens block a worker depends on the CLI its command runs.
 */
public final class WorkerHealth {
    private final Paths paths;
    private final Sessions sessions;
    private final Screens screens;
    private final Asks asks;
    private final Duration stuckAfter;

    public WorkerHealth(Paths paths, Sessions sessions, Clock clock, Duration stuckAfter) {
        this.paths = paths;
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
        for (Map.Entry<String, Seen> e : seen(workers).entrySet()) out.put(e.getKey(), e.getValue().health()); // no lambda: the quick tick (StartupTest)
        return out;
    }

    /** A live worker's health and how long its screen has looked the same (null: never looked at). */
    public record Seen(Health health, Duration stillFor) {}

    /** As {@link #look}, with how long each screen has been still (`looop watch`'s idle column). */
    public Map<String, Seen> seen(List<Sessions.Info> workers) {
        Map<String, Seen> out = new LinkedHashMap<>();
        if (noneAlive(workers)) return out;
        Set<String> asking = new HashSet<>();
        for (Ask a : asks.pending()) if (a.session() != null) asking.add(a.session());
        for (Sessions.Info w : workers) {
            if (!w.alive()) continue;
            Screens.Look look = screens.look(w.id(), sessions.fingerprint(w.id()), cli(w.id()));
            Health h = Health.derive(asking.contains(w.id()) || w.note() != null, look.blockedOn(), look.stillFor(), stuckAfter);
            out.put(w.id(), new Seen(h, look.stillFor()));
        }
        return out;
    }

    /** The preset CLI worker id runs, known by its command (meta.json), not its runner's name; null for none. */
    private String cli(String id) {
        SessionFiles.Meta meta = SessionFiles.of(paths, id).readMeta();
        return meta == null ? null : CliScreens.cliOf(meta.command());
    }

    /** A loop, not a stream: every beat asks, mostly with no worker alive (Fs.inNameOrder says why). */
    private static boolean noneAlive(List<Sessions.Info> workers) {
        for (Sessions.Info w : workers) if (w.alive()) return false;
        return true;
    }
}
