package looop.human;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import looop.io.Ansi;
import looop.io.Fs;
import looop.io.Json;
import looop.profile.CliScreens;
import looop.profile.Events;
import looop.profile.Journal;
import looop.profile.LimitSigns;
import looop.profile.Paths;
import looop.profile.UsageLimit;
import looop.workers.Screens;
import looop.workers.SessionFiles;
import looop.workers.Sessions;

/**
 * Workers stopped by their CLI's usage limit, carried on at the reset. The
 * looks at the screens (Screens, each beat's sensing) say a worker is
 * blocked on a usage-limit screen; this reads the reset its screen names,
 * keeps it in sessions/&lt;id&gt;/usage-limit.json (looop's record: the reset
 * is capped as the decider's is, UsageLimit.CAP), and once the reset has
 * come presses what the preset's screen says (CliScreens.Resume), once per
 * episode, and journals it. A screen that names no reset this can read, or
 * a CLI with no known way on, stays blocked (and notified) as before.
 */
public final class LimitedWorkers {
    private final Paths paths;
    private final Sessions sessions;
    private final Clock clock;
    private final Screens screens;

    public LimitedWorkers(Paths paths, Sessions sessions, Clock clock) {
        this.paths = paths;
        this.sessions = sessions;
        this.clock = clock;
        this.screens = new Screens(paths, clock);
    }

    /** One worker's episode: the blocked episode it belongs to (Screens' blocked_ms), its reset, whether it was resumed. */
    record Episode(long blockedMillis, Instant resetsAt, boolean resumed) {}

    /** One pass: notes new limit episodes, resumes the due ones; returns what it did, one line each (journaled). */
    public List<String> tend() {
        List<String> done = new ArrayList<>();
        for (Sessions.Info w : sessions.list()) {
            if (!w.alive()) continue;
            Screens.Seen seen = screens.read(w.id());
            if (seen == null || seen.blockedOn() == null || !seen.blockedOn().contains(CliScreens.USAGE_LIMIT)) continue;
            Episode e = read(w.id());
            if (e == null || e.blockedMillis() != seen.blockedMillis()) {
                String noted = note(w.id(), seen);
                if (noted != null) done.add(noted);
            } else if (!e.resumed() && !e.resetsAt().isAfter(clock.instant())) {
                String resumed = resume(w.id(), e);
                if (resumed != null) done.add(resumed);
            }
        }
        Journal journal = new Journal(paths, clock);
        for (String line : done) journal.append(line);
        return done;
    }

    /** The soonest reset of a limited worker not yet resumed, for the pulse's rest; null: none. */
    public Instant nextReset() {
        Instant next = null;
        for (Sessions.Info w : sessions.list()) {
            if (!w.alive()) continue;
            Episode e = read(w.id());
            if (e != null && !e.resumed() && (next == null || e.resetsAt().isBefore(next))) next = e.resetsAt();
        }
        return next;
    }

    /** A new episode: the reset its screen names (capped), or nothing when it names none. */
    private String note(String id, Screens.Seen seen) {
        String text = screenText(id);
        Instant now = clock.instant();
        Instant said = text == null ? null : new LimitSigns(now, java.time.ZoneId.systemDefault()).fromText(text);
        if (said == null) return null;
        UsageLimit capped = UsageLimit.of(id, new LimitSigns.Sign(said, ""), now);
        Instant at = capped == null ? now : capped.resetsAt(); // a reset already past: carry on at once
        write(id, new Episode(seen.blockedMillis(), at, false));
        new Events(paths, clock).emit("worker_limited", Json.object().put("id", id).put("resets_at", at.toString()));
        return "worker " + id + " hit its usage limit; resuming it at " + at + (capped != null && capped.capped() ? " (capped at 24 h)" : "");
    }

    /** The reset came: press the preset's keys, once. */
    private String resume(String id, Episode e) {
        String text = screenText(id);
        CliScreens.Screen screen = text == null ? null : CliScreens.screenOn(cli(id), text);
        if (screen == null || !screen.usageLimit()) { // the screen moved on by itself (or a person answered it)
            write(id, new Episode(e.blockedMillis(), e.resetsAt(), true));
            return null;
        }
        if (screen.resume() == null) return null; // no known way on: stays blocked, notified as any blocked worker
        write(id, new Episode(e.blockedMillis(), e.resetsAt(), true)); // before the keys: a crash mid-way never presses twice
        CliScreens.Resume r = screen.resume();
        if (!r.keys().isEmpty()) {
            sessions.sendKeys(id, r.keys());
            pause();
        }
        sessions.send(id, r.text(), true);
        new Events(paths, clock).emit("worker_resumed", Json.object().put("id", id).put("resets_at", e.resetsAt().toString()));
        return "resumed worker " + id + " at its usage limit's reset (" + r.describe() + ")";
    }

    /** A dialog takes a moment to go before its prompt takes typing. */
    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private String screenText(String id) {
        String fp = sessions.fingerprint(id);
        return fp == null ? null : Ansi.strip(fp);
    }

    private String cli(String id) {
        SessionFiles.Meta meta = SessionFiles.of(paths, id).readMeta();
        return meta == null ? null : CliScreens.cliOf(meta.command());
    }

    Episode read(String id) {
        JsonNode n = Json.parseOrNull(Fs.readOr(SessionFiles.of(paths, id).usageLimit(), ""));
        if (n == null || !n.path("blocked_ms").isIntegralNumber() || !n.path("resets_at").isTextual()) return null;
        try {
            return new Episode(n.get("blocked_ms").asLong(), Instant.parse(n.get("resets_at").asText()), n.path("resumed").asBoolean());
        } catch (java.time.format.DateTimeParseException bad) {
            return null;
        }
    }

    private void write(String id, Episode e) {
        SessionFiles f = SessionFiles.of(paths, id);
        if (!f.exists()) return;
        ObjectNode o = Json.object().put("blocked_ms", e.blockedMillis()).put("resets_at", e.resetsAt().toString()).put("resumed", e.resumed());
        Fs.writeAtomic(f.usageLimit(), (Json.canonical(o) + "\n"));
    }
}
