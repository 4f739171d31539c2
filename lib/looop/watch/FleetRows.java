package looop.watch;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import looop.gate.Budget;
import looop.human.Ask;
import looop.human.Asks;
import looop.profile.Config;
import looop.profile.Paths;
import looop.human.WorkerHealth;
import looop.workers.Sessions;

/**
 * The table `looop watch` shows, read afresh from the data dir on every call:
 * one row per worker with its state, health, how long its screen has been
 * still, what it asks (a pending ask, else its flag) and what it has spent.
 * It looks at the screens the way `looop ls` does, so health agrees with it.
 */
final class FleetRows {
    /** One worker, every field already the text shown. */
    record Row(String id, String state, String health, String idle, String asking, String cost, boolean alive) {}

    private final Paths paths;
    private final Clock clock;
    private final Sessions sessions;
    /** looop.json as the command reads it, afresh on each call: a person's edit shows on the next redraw. */
    private final Supplier<Config> config;

    FleetRows(Paths paths, Clock clock, Sessions sessions, Supplier<Config> config) {
        this.paths = paths;
        this.clock = clock;
        this.sessions = sessions;
        this.config = config;
    }

    List<Row> read() {
        List<Sessions.Info> workers = sessions.list();
        Map<String, WorkerHealth.Seen> seen = WorkerHealth.of(paths, sessions, clock, config.get()).seen(workers);
        Map<String, String> asks = new HashMap<>();
        for (Ask a : new Asks(paths, clock).pending()) if (a.session() != null) asks.putIfAbsent(a.session(), a.question());
        Map<String, Double> spend = new Budget(paths.costLedger(), paths.unmetered(), clock).rows().stream()
                .collect(Collectors.groupingBy(Budget.Row::id, Collectors.summingDouble(Budget.Row::costUsd)));
        List<Row> rows = new ArrayList<>();
        for (Sessions.Info w : workers) {
            WorkerHealth.Seen s = seen.get(w.id());
            String asking = asks.containsKey(w.id()) ? "? " + asks.get(w.id()) : w.alive() && w.note() != null ? "⚑ " + w.note()
                    : looop.workers.WorkerVerbs.waits(w);
            rows.add(new Row(w.id(), w.state().word() + (w.exitCode() == null ? "" : " " + w.exitCode()),
                    s == null ? "" : s.health().word(), s == null ? "" : idle(s.stillFor()), asking,
                    spend.containsKey(w.id()) ? Budget.usd(spend.get(w.id())) : "", w.alive()));
        }
        return rows;
    }

    /** How long the screen has been still, to the second, minute or hour; "-" before the first look. */
    static String idle(Duration still) {
        if (still == null) return "-";
        long s = still.toSeconds();
        if (s < 60) return s + "s";
        if (s < 3600) return s / 60 + "m";
        return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
    }
}
