package looop.human;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import looop.fast.Instants;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.io.Pid;
import looop.io.UserError;
import looop.profile.Events;
import looop.profile.Paths;
import looop.workers.WorkerOutbox;

/**
 * The durable queue of tells, one directory per worker:
 *
 * <pre>
 * workers/&lt;worker&gt;/tells/&lt;ms&gt;-&lt;rand&gt;.json              queued (oldest name first)
 * workers/&lt;worker&gt;/tells/&lt;ms&gt;-&lt;rand&gt;.json.&lt;pid&gt;.claimed  being delivered by process pid
 * workers/&lt;worker&gt;/tells/delivered.jsonl                {"tell_id","via","at"} per delivery, synced
 * </pre>
 *
 * A deliverer claims a tell by renaming it, which only one process can do,
 * delivers it, appends the delivery line and deletes the claim. So no tell
 * is delivered twice by two deliverers. A claim whose process died is given
 * back to the queue unless its delivery line was written: only a crash in
 * the instant between typing and that line can deliver a tell twice.
 */
public final class Tells {
    /** No tell nor delivery record is near this big; a bigger file is not one looop wrote. */
    static final int MAX_FILE_BYTES = 4 << 20;

    private static final String CLAIMED = ".claimed";

    private final Paths paths;
    private final Clock clock;

    public Tells(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    /** Queues text for worker, which must be alive: a dead worker would never read it. */
    public Tell queue(String worker, String text, Predicate<String> alive) {
        return queue(worker, text, alive, "cli");
    }

    /** Queues as above; via ("cli", "web", "steer_session") goes into events.jsonl with it, the tell's durable record. */
    public Tell queue(String worker, String text, Predicate<String> alive, String via) {
        Ids.check("worker id", worker);
        String body = text == null ? "" : text.strip();
        if (body.isEmpty()) throw new UserError("nothing to tell " + worker + ": give the text", 2);
        if (!alive.test(worker)) {
            throw new UserError("worker " + worker + " is not running, so a tell would never reach it; `looop ls` shows the live ones");
        }
        String id = clock.millis() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        Tell t = new Tell(worker, id, body, clock.instant());
        Fs.writeAtomic(dir(worker).resolve(id + ".json"), Json.canonical(t.json()) + "\n");
        new Events(paths, clock).emit("told", Json.object().put("id", worker).put("tell_id", id).put("via", via)
                .put("text", Asks.shown(body)));
        return t;
    }

    /** Whether t still waits in the queue (not claimed, not delivered). */
    public boolean isQueued(Tell t) {
        return Files.exists(queuedFile(t.worker(), t.tellId()));
    }

    /** Takes t out of the queue if it is still there: its sender failed and says so. */
    public void withdraw(Tell t) {
        Fs.delete(queuedFile(t.worker(), t.tellId()));
    }

    /** The tells waiting for worker, oldest first. */
    public List<Tell> queued(String worker) {
        List<Tell> out = new ArrayList<>();
        for (Path p : Fs.listFiles(dir(worker), ".json")) {
            Tell t = Tell.fromJson(Json.parseOrNull(workerWritten(p)));
            if (t != null) out.add(t);
        }
        return out;
    }

    /** Workers with tells not yet delivered (queued or mid-delivery), and how many each. */
    public Map<String, Integer> undelivered() {
        Map<String, Integer> out = new TreeMap<>();
        for (Path box : Fs.listDirs(paths.workerOutboxes())) {
            String worker = box.getFileName().toString();
            Path d = new WorkerOutbox(box).tells();
            int n = Fs.listFiles(d, ".json").size() + Fs.listFiles(d, CLAIMED).size();
            if (n > 0) out.put(worker, n);
        }
        return out;
    }

    /**
     * Delivers worker's queued tells in order through deliver, each exactly
     * once; via names the path in the delivery line ("terminal", "answer").
     * A deliver that throws gives its tell back to the queue and stops.
     */
    public List<Tell> take(String worker, String via, Consumer<Tell> deliver) {
        recover(worker);
        List<Tell> done = new ArrayList<>();
        for (Tell t : queued(worker)) {
            Path claim = claim(worker, t);
            if (claim == null) continue; // another process took it first
            try {
                deliver.accept(t);
            } catch (RuntimeException e) {
                giveBack(claim, queuedFile(worker, t.tellId()));
                throw e;
            }
            var line = Json.object().put("tell_id", t.tellId()).put("via", via).put("at", Instants.instant(clock.instant()));
            Fs.appendLine(dir(worker).resolve("delivered.jsonl"), Json.canonical(line), true);
            Fs.delete(claim);
            done.add(t);
        }
        return done;
    }

    private Path claim(String worker, Tell t) {
        Path from = queuedFile(worker, t.tellId());
        Path to = dir(worker).resolve(t.tellId() + ".json." + Pid.own() + CLAIMED);
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            return to;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Claims left by a process that died: finished if delivered, else queued again. */
    void recover(String worker) {
        Set<String> delivered = null;
        for (Path claim : Fs.listFiles(dir(worker), CLAIMED)) {
            String name = claim.getFileName().toString();
            String[] parts = name.split("\\.");
            if (parts.length < 4) continue;
            long pid = parseLong(parts[parts.length - 2]);
            if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
            if (delivered == null) delivered = deliveredIds(worker);
            if (delivered.contains(parts[0])) Fs.delete(claim);
            else giveBack(claim, queuedFile(worker, parts[0]));
        }
    }

    private Set<String> deliveredIds(String worker) {
        Set<String> ids = new HashSet<>();
        for (String line : workerWritten(dir(worker).resolve("delivered.jsonl")).split("\n")) {
            String id = Json.text(Json.parseOrNull(line), "tell_id");
            if (id != null) ids.add(id);
        }
        return ids;
    }

    /**
     * A file of workers/&lt;worker&gt;/tells/, which that worker may write (it takes its
     * tells there): read as its word, so a link, a FIFO or a giant planted
     * there reads as nothing rather than hang or fail the reader.
     */
    private static String workerWritten(Path file) {
        String s = Fs.readSmall(file, MAX_FILE_BYTES);
        return s == null ? "" : s;
    }

    private static void giveBack(Path claim, Path queued) {
        try {
            Files.move(claim, queued, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // it stays claimed; recover() tries again once this process is gone
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Path queuedFile(String worker, String tellId) {
        return dir(worker).resolve(tellId + ".json");
    }

    /** A worker's tells sit in its own dir, workers/&lt;id&gt;/tells/: all a worker elsewhere would need is that dir. */
    private Path dir(String worker) {
        return WorkerOutbox.of(paths, worker).tells();
    }
}
