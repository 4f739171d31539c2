package looop.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import looop.human.Ask;
import looop.human.Asks;
import looop.human.WorkerHealth;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.Config;
import looop.profile.Lock;
import looop.profile.Paths;
import looop.workers.Health;
import looop.workers.Sessions;

/**
 * `looop wait` with no worker id: blocks until the loop needs a client, woken
 * by the kernel (a WatchService on the dirs where asks, workers' ends and
 * beats' events land) with a slow poll behind it for what no file announces
 * (a worker going stuck, the pulse dying). What counts is a change not there
 * when the wait began: a new pending ask, and with ACTIONABLE also a worker
 * that became blocked, stuck or ended, a failed beat, a budget stop.
 */
public final class StateWait {
    /** The fallback poll: slow, for what no file write announces. */
    static final Duration POLL = Duration.ofSeconds(3);

    public enum Scope { ASKS, ACTIONABLE }

    /** One thing that changed: its kind (ask, blocked, stuck, ended, beat_failed, budget_stop), whose, and the line to show. */
    public record Change(String kind, String id, String text) {
        public String line() {
            return "changed: " + kind + " " + id + ": " + text;
        }
    }

    /** How a wait ended: the changes, or none because the time ran out or the pulse stopped. */
    public record Outcome(List<Change> changes, boolean pulseGone) {}

    private final Paths paths;
    private final Config config;
    private final Sessions sessions;
    private final Clock clock;
    private final Scope scope;
    private long eventsFrom;

    public StateWait(Paths paths, Config config, Sessions sessions, Clock clock, Scope scope) {
        this.paths = paths;
        this.config = config;
        this.sessions = sessions;
        this.clock = clock;
        this.scope = scope;
    }

    /** Blocks until a change, the pulse's end or the timeout (null: none); the caller has checked a pulse runs. */
    public Outcome await(Duration timeout) throws IOException, InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        eventsFrom = Files.isRegularFile(paths.events()) ? Files.size(paths.events()) : 0;
        Set<Change> before = new HashSet<>(now());
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            Set<Path> watched = new HashSet<>();
            boolean look = true;
            while (true) {
                register(watch, watched);
                if (look) {
                    List<Change> fresh = new ArrayList<>(now());
                    fresh.removeAll(before);
                    if (!fresh.isEmpty()) return new Outcome(fresh, false);
                    if (!Lock.isHeld(paths)) return new Outcome(List.of(), true);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) return new Outcome(List.of(), false);
                WatchKey key = watch.poll(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS);
                look = key == null || drain(watch, key); // a worker's chatter alone (NOISE) is no reason to look
            }
        } catch (ClosedWatchServiceException e) {
            return new Outcome(List.of(), false);
        }
    }

    /** Every change the scope counts, as it stands now. */
    List<Change> now() {
        Set<Change> out = new LinkedHashSet<>();
        for (Ask a : new Asks(paths, clock).pending()) out.add(new Change("ask", a.id(), a.question()));
        if (scope == Scope.ACTIONABLE) {
            workers(out);
            events(out);
        }
        return new ArrayList<>(out);
    }

    private void workers(Set<Change> out) {
        List<Sessions.Info> list = sessions.list();
        Map<String, Health> health = WorkerHealth.of(paths, sessions, clock, config).look(list);
        for (Sessions.Info w : list) {
            Health h = health.get(w.id());
            if (!w.alive()) out.add(new Change("ended", w.id(), w.state().word() + (w.exitCode() == null ? "" : " (exit " + w.exitCode() + ")")));
            else if (h != null && h.isBlocked()) out.add(new Change("blocked", w.id(), h.blockedOn()));
            else if (Health.STUCK.equals(h)) out.add(new Change("stuck", w.id(), "no output for a while; look at it with `looop watch " + w.id() + "`"));
        }
    }

    /** Beats that failed and budget stops since the wait began, read from events.jsonl past where it ended then. */
    private void events(Set<Change> out) {
        for (String line : eventsSince()) {
            JsonNode n = Json.parseOrNull(line);
            if (n == null) continue;
            String ts = n.path("ts").asText();
            switch (n.path("event").asText()) {
                case "tick_failed" -> out.add(new Change("beat_failed", ts, n.path("reason").asText() + ": " + n.path("error").asText()));
                case "budget_exceeded" -> out.add(new Change("budget_stop", ts, "today's spend reached max_daily_usd; beats skip deciding until tomorrow"));
                default -> { }
            }
        }
    }

    private List<String> eventsSince() {
        if (!Files.isRegularFile(paths.events())) return List.of();
        try (RandomAccessFile f = new RandomAccessFile(paths.events().toFile(), "r")) {
            if (f.length() < eventsFrom) eventsFrom = 0; // rotated: the new file is all new
            byte[] buf = new byte[(int) Math.min(f.length() - eventsFrom, 4 * 1024 * 1024)];
            f.seek(eventsFrom);
            f.readFully(buf);
            String text = new String(buf, StandardCharsets.UTF_8);
            return text.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The data dir, asks/, sessions/ and workers/ with each worker's dir in them; new dirs as they appear. */
    private void register(WatchService watch, Set<Path> watched) {
        List<Path> dirs = new ArrayList<>(List.of(paths.data, paths.asks(), paths.sessions(), paths.workerOutboxes()));
        dirs.addAll(Fs.listDirs(paths.sessions()));
        dirs.addAll(Fs.listDirs(paths.workerOutboxes()));
        for (Path d : dirs) {
            if (watched.contains(d) || !Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            try {
                d.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                watched.add(d);
            } catch (IOException e) {
                // gone meanwhile, or out of inotify watches: the poll still sees it
            }
        }
    }

    /** Files written all the time that say nothing a wait counts: a worker's output and screen, the beat's log. */
    private static final Set<String> NOISE = Set.of("output.log", "screen", "tick.log");

    /** Takes every pending key, so one burst of writes is one look, not many; whether any write was more than NOISE. */
    private static boolean drain(WatchService watch, WatchKey key) {
        boolean relevant = false;
        while (key != null) {
            for (var event : key.pollEvents()) {
                relevant |= !(event.context() instanceof Path p && NOISE.contains(p.toString()));
            }
            key.reset();
            key = watch.poll();
        }
        return relevant;
    }
}
