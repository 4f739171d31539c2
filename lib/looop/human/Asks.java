package looop.human;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import looop.fast.Text;
import looop.io.FileMutex;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Journal;
import looop.profile.Paths;
import looop.workers.SessionFiles;
import looop.workers.WorkerOutbox;

/**
 * Durable asks: one open ask per id, in asks/&lt;id&gt;.json, or for a worker
 * in its outbox, workers/&lt;id&gt;/ask.json (see {@link #file}), replaced whole on every
 * change under the lock beside it (askers, answerers and the pulse are
 * separate processes). The file outlives every process: an asker that
 * crashed and asks the same question again finds the answer that came
 * meanwhile instead of asking twice.
 */
public final class Asks {
    /** A worker's ask is its word: one bigger than this is no honest question, and is not read. */
    static final int MAX_WORKER_ASK_BYTES = 1 << 20;

    /** How often a waiting asker looks at its file: a person answers in seconds, not milliseconds. */
    static final long POLL_MS = 200;

    private final Paths paths;
    private final Clock clock;

    public Asks(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    /** What open found: the ask to wait on, and whether it is new (so a person must be told of it). */
    public record Opened(Ask ask, boolean fresh) {}

    /**
     * Opens an ask for id, or finds the one it already has: the same question
     * pending or answered (an asker asking again after a crash) is reused.
     * Another question while the first one's asker still runs is refused.
     */
    public Opened open(String id, String question, List<String> options, long askerPid, String session) {
        Ids.check("ask id", id);
        String q = Journal.oneLine(question == null ? "" : question);
        if (q.isBlank()) throw new UserError("ask " + id + " needs a question: say what you need to know", 2);
        List<String> opts = cleanOptions(options);
        try (FileMutex.Held held = mutex(id).hold()) {
            Ask now = read(id);
            if (now != null && !now.closed() && now.sameQuestion(q, opts)) return new Opened(now, false);
            if (now != null && now.pending() && now.askerAlive() && now.askerPid() != askerPid) {
                throw new UserError(id + " already waits for an answer to '" + now.question() + "'; answer it first (`looop answer "
                        + id + " …`), then ask again");
            }
            Ask fresh = new Ask(id, q, opts, clock.instant(), askerPid, session, null, null, null);
            write(fresh);
            return new Opened(fresh, true);
        }
    }

    private static List<String> cleanOptions(List<String> options) {
        if (options == null) return List.of();
        List<String> out = new ArrayList<>();
        for (String o : options) {
            String s = o.strip();
            if (s.isEmpty()) throw new UserError("an empty choice in --options; give them as a,b,c", 2);
            if (!out.contains(s)) out.add(s);
        }
        return out;
    }

    /**
     * Records a person's answer, exactly once: a second one is refused unless
     * force, and with options only one of them is accepted (matched without
     * regard to case, stored as the option reads).
     */
    public Ask answer(String id, String text, boolean force) {
        return answer(id, text, force, "cli");
    }

    /**
     * Answers as above; via ("cli", "web") goes into events.jsonl with it.
     * That stream, not journal.md, is where an answer is journaled: the
     * journal has one writer, the pulse, and a person answers from anywhere.
     */
    public Ask answer(String id, String text, boolean force, String via) {
        Ask done = record(id, text, force);
        new looop.profile.Events(paths, clock).emit("answered", Json.object().put("id", id).put("via", via)
                .put("answer", shown(done.answer())));
        return done;
    }

    /** An answer or tell as events.jsonl holds it: one line, cut short (the file is the asker's to read in full). */
    static String shown(String text) {
        String s = Journal.oneLine(text);
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    private Ask record(String id, String text, boolean force) {
        Ids.check("ask id", id);
        String given = text == null ? "" : text.strip();
        if (given.isEmpty()) throw new UserError("an empty answer for " + id + "; give the text, or - to read it from stdin", 2);
        try (FileMutex.Held held = mutex(id).hold()) {
            Ask now = read(id);
            if (now == null || now.closed()) {
                String was = now == null ? "" : " (its last one was answered '" + now.answer() + "' and read)";
                throw new UserError("no pending ask for '" + id + "'" + was + "; `looop asks` lists the pending ones");
            }
            if (now.answered() && !force) {
                throw new UserError(id + " was already answered '" + now.answer() + "'; add --force to replace the answer");
            }
            Ask done = now.answered(choose(now, given), clock.instant());
            write(done);
            return done;
        }
    }

    private static String choose(Ask ask, String given) {
        if (ask.options().isEmpty()) return given;
        for (String option : ask.options()) if (option.equalsIgnoreCase(given)) return option;
        throw new UserError("'" + given + "' is not one of the choices for " + ask.id() + ": " + String.join(", ", ask.options()), 2);
    }

    /** The answer to exactly this ask, marking it read (closing the ask); null while there is none. */
    public String take(Ask mine) {
        try (FileMutex.Held held = mutex(mine.id()).hold()) {
            Ask now = read(mine.id());
            if (now == null || !now.sameAsk(mine) || !now.answered()) return null;
            write(now.taken(clock.instant()));
            return now.answer();
        }
    }

    /**
     * Blocks until this ask is answered and returns the answer. A UserError
     * with exit 124 after timeout (null: no limit); exit 1 when askerGone
     * says the session that asked has ended, or the ask was withdrawn. The
     * ask stays pending on timeout: the same question asked again picks it up.
     */
    public String await(Ask mine, Duration timeout, BooleanSupplier askerGone) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (true) {
            String answer = take(mine);
            if (answer != null) return answer;
            Ask now = read(mine.id());
            if (now == null || !now.sameAsk(mine)) {
                throw new UserError("the ask of " + mine.id() + " was withdrawn or replaced while waiting; ask again if it still matters");
            }
            if (askerGone.getAsBoolean()) {
                throw new UserError("session " + (mine.session() == null ? mine.id() : mine.session())
                        + " ended while asking; its ask stays listed until `looop asks` finds it orphaned");
            }
            if (System.nanoTime() >= deadline) {
                throw new UserError("no answer for " + mine.id() + " within " + looop.io.Durations.show(timeout)
                        + "; the ask stays pending, and asking the same question again picks up its answer", Proc.TIMED_OUT);
            }
            nap(POLL_MS);
        }
    }

    /** Blocks until at least one ask is pending and returns them; exit 124 after timeout (null: no limit). */
    public List<Ask> awaitPending(Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Ask> now = pending();
            if (!now.isEmpty()) return now;
            if (System.nanoTime() >= deadline) {
                throw new UserError("no ask came within " + looop.io.Durations.show(timeout), Proc.TIMED_OUT);
            }
            nap(POLL_MS);
        }
    }

    /** The ask of id as its file holds it, or null. */
    public Ask read(String id) {
        return parse(file(id));
    }

    /** An ask file; a worker's through the outbox's guarded read (no link, no FIFO, no giant). */
    private Ask parse(Path f) {
        String text = f.startsWith(paths.workerOutboxes()) ? Fs.readSmall(f, MAX_WORKER_ASK_BYTES) : Fs.readOrNull(f);
        return text == null ? null : Ask.fromJson(Json.parseOrNull(text));
    }

    /** Every ask still waiting for an answer, oldest first. */
    public List<Ask> pending() {
        List<Ask> out = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Path p : Fs.listFiles(paths.asks(), ".json")) {
            if (!inSession(Text.withoutSuffix(p.getFileName().toString(), ".json"))) files.add(p);
        }
        for (Path d : Fs.listDirs(paths.workerOutboxes())) files.add(new WorkerOutbox(d).ask());
        for (Path p : files) {
            Ask a = parse(p);
            if (a != null && a.pending() && p.equals(file(a.id()))) out.add(a); // an ask is where its id says
        }
        out.sort(null);
        return out;
    }

    /**
     * Withdraws the pending asks whose asking session has ended (killed, say):
     * nobody waits for their answer any more. Returns the ids withdrawn.
     */
    public List<String> withdrawOrphans(Predicate<String> sessionAlive) {
        List<String> gone = new ArrayList<>();
        for (Ask a : pending()) {
            if (a.session() == null || sessionAlive.test(a.session())) continue;
            boolean withdrawn = mutex(a.id()).locked(() -> {
                Ask now = read(a.id());
                if (now == null || !now.sameAsk(a) || !now.pending()) return false; // answered or asked anew meanwhile
                Fs.delete(file(a.id()));
                return true;
            });
            if (withdrawn) gone.add(a.id());
        }
        return gone;
    }

    /**
     * The sys-asks reading: the ids of pending asks in the signal (so a new
     * ask, or an answer, wakes the loop once), question, options and age in
     * the detail. The decider never answers: only a person does.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode reading() {
        var v = Json.object();
        var ids = v.putObject("signal").putArray("asks");
        var detail = v.putObject("detail").putArray("asks");
        Instant now = clock.instant();
        for (Ask a : pending()) {
            ids.add(a.id());
            var d = detail.addObject().put("id", a.id()).put("question", a.question()).put("age_s", a.age(now).toSeconds());
            var opts = d.putArray("options");
            for (String option : a.options()) opts.add(option);
        }
        return v;
    }

    public Instant now() {
        return clock.instant();
    }

    private void write(Ask a) {
        Fs.writeAtomic(file(a.id()), Json.pretty(a.json()) + "\n");
    }

    /**
     * Where the ask of id lives: a worker's (id names a session) in its
     * outbox, the one place a sandboxed worker may write, so no worker can
     * touch another's ask; anyone else's in asks/&lt;id&gt;.json.
     */
    private Path file(String id) {
        return inSession(id) ? WorkerOutbox.of(paths, id).ask() : paths.asks().resolve(id + ".json");
    }

    private boolean inSession(String id) {
        return Ids.problem(id) == null && SessionFiles.of(paths, id).exists();
    }

    /** Beside the ask it guards: the worker's outbox is the one place a sandboxed asker can lock. */
    private FileMutex mutex(String id) {
        Path f = file(id);
        return new FileMutex(f.resolveSibling(inSession(id) ? ".ask.lock" : ".lock"));
    }

    private static void nap(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting for an answer", 1);
        }
    }
}
