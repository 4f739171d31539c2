package looop.workers;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import looop.io.FileMutex;
import java.util.Map;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.FlatJson;
import looop.profile.Paths;

/**
 * Leases, one holder per name. A worker's lease lives in its own outbox,
 * workers/&lt;id&gt;/claims/&lt;name&gt; (an empty file: the name is the lease, the
 * dir says whose), the one place a sandboxed worker writes, so no worker can
 * take, forge or drop another's. Anyone else's (a name that is no worker:
 * the pulse, a script) is looop's record, claims/&lt;name&gt;.json
 * {"name":…,"session":…}, which no sandboxed process can write.
 *
 * Taking or dropping a lease is check-then-act (is it free? is its holder
 * alive?), so every change runs under claims/.lock, an OS file lock that
 * serialises looop processes, sandboxed workers' verbs included (the lock
 * file alone is writable to them: it holds no data), and is released by the
 * kernel if one dies. A holder's liveness comes from its session state,
 * which is looop's. A dead holder's lease counts for nothing; looop removes
 * it on the next beat. Leases are scratch and not fsynced: a looop record
 * torn by a crash reads as holder "?", which is never a live session.
 */
public final class Claims {
    /** A lease; in name order. */
    public record Claim(String name, String session) implements Comparable<Claim> {
        @Override
        public int compareTo(Claim other) {
            int c = name.compareTo(other.name);
            return c != 0 ? c : session.compareTo(other.session);
        }
    }

    /** The holder shown for a lease file that cannot be read. */
    public static final String UNREADABLE = "?";

    private final Paths paths;
    private final Sessions sessions;

    public Claims(Paths paths, Sessions sessions) {
        this.paths = paths;
        this.sessions = sessions;
    }

    /** The lock file every claimer takes; it must exist before a sandbox that grants it starts. */
    public static Path lockFile(Paths paths) {
        return paths.claims().resolve(".lock");
    }

    /** Every lease, sorted by name: looop's records, then each worker's own. Unreadable records show with session "?". */
    public List<Claim> list() {
        List<Claim> out = new ArrayList<>();
        for (Path f : Fs.listFiles(paths.claims(), ".json")) {
            String holder = read(f);
            if (holder != null) out.add(new Claim(nameOf(f), holder));
        }
        for (Path box : Fs.listDirs(paths.workerOutboxes())) {
            String worker = box.getFileName().toString();
            if (Ids.problem(worker) != null) continue;
            for (Path f : Fs.listNonDirs(WorkerOutbox.of(paths, worker).claims(), "")) {
                String name = f.getFileName().toString();
                if (Ids.problem(name) == null && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) out.add(new Claim(name, worker));
            }
        }
        out.sort(null);
        return out;
    }

    /** Deletes leases whose session is not alive; returns their names. */
    public List<String> reapDead() {
        try (FileMutex.Held held = locked()) {
            List<String> reaped = new ArrayList<>();
            for (Claim c : list()) {
                if (sessions.isAlive(c.session())) continue;
                drop(c);
                reaped.add(c.name());
            }
            return reaped;
        }
    }

    /** Deletes every lease session holds (it was just ended); returns their names. */
    public List<String> releaseHeldBy(String session) {
        try (FileMutex.Held held = locked()) {
            List<String> released = new ArrayList<>();
            for (Claim c : list()) {
                if (!c.session().equals(session)) continue;
                drop(c);
                released.add(c.name());
            }
            return released;
        }
    }

    /** The session holding name ("?" when its record is unreadable), a live one first; null when nobody holds it. */
    public String holder(String name) {
        Ids.check("claim name", name);
        String any = null;
        for (Claim c : holders(name)) {
            if (sessions.isAlive(c.session())) return c.session();
            if (any == null) any = c.session();
        }
        return any;
    }

    /**
     * Takes the lease on name for session. True when session now holds it
     * (also when it already did); false when another live session holds it.
     * A lease whose holder is dead, or unreadable, counts for nothing.
     */
    public boolean claim(String name, String session) {
        Ids.check("claim name", name);
        Ids.check("session id", session);
        try (FileMutex.Held held = locked()) {
            boolean mine = false;
            for (Claim c : holders(name)) {
                if (c.session().equals(session)) mine = true;
                else if (sessions.isAlive(c.session())) return false;
            }
            if (!mine) publish(name, session);
            return true;
        }
    }

    /**
     * Drops session's lease on name unless a different live session holds it;
     * true when no lease of session's remains. A dead holder's lease goes too
     * where the caller may remove it (looop may; a sandboxed worker leaves it
     * to the next beat).
     */
    public boolean unclaim(String name, String session) {
        Ids.check("claim name", name);
        Ids.check("session id", session);
        try (FileMutex.Held held = locked()) {
            List<Claim> all = holders(name);
            for (Claim c : all) {
                if (!c.session().equals(session) && sessions.isAlive(c.session())) return false;
            }
            for (Claim c : all) {
                if (c.session().equals(session)) drop(c);
                else dropIfAllowed(c);
            }
            return true;
        }
    }

    private void dropIfAllowed(Claim dead) {
        try {
            drop(dead);
        } catch (java.io.UncheckedIOException e) {
            // read-only here (a sandboxed worker): looop reaps it on the next beat
        }
    }

    private List<Claim> holders(String name) {
        List<Claim> out = new ArrayList<>();
        String recorded = read(file(name));
        if (recorded != null) out.add(new Claim(name, recorded));
        for (Path box : Fs.listDirs(paths.workerOutboxes())) {
            String worker = box.getFileName().toString();
            Path f = WorkerOutbox.of(paths, worker).claims().resolve(name);
            if (Ids.problem(worker) == null && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) out.add(new Claim(name, worker));
        }
        return out;
    }

    /** A worker's lease is its outbox's; anyone else's is looop's record. */
    private boolean isWorker(String session) {
        return Ids.problem(session) == null && SessionFiles.of(paths, session).exists();
    }

    private void drop(Claim c) {
        Path own = WorkerOutbox.of(paths, c.session()).claims().resolve(c.name());
        if (Ids.problem(c.session()) == null && Files.exists(own, LinkOption.NOFOLLOW_LINKS)) Fs.delete(own);
        if (c.session().equals(read(file(c.name())))) Fs.delete(file(c.name()));
        else if (UNREADABLE.equals(c.session())) Fs.delete(file(c.name()));
    }

    private Path file(String name) {
        return paths.claims().resolve(name + ".json");
    }

    private static String nameOf(Path file) {
        String f = file.getFileName().toString();
        return f.substring(0, f.length() - ".json".length());
    }

    /** The holder recorded in a lease file; null when the file is gone. */
    private static String read(Path file) {
        String text;
        try {
            text = Fs.readOrNull(file);
        } catch (UncheckedIOException e) {
            return UNREADABLE;
        }
        if (text == null) return null;
        String session = FlatJson.text(text, "session");
        return session == null || session.isEmpty() ? UNREADABLE : session;
    }

    /**
     * Publishes a lease: a worker's as an empty file in its own outbox, anyone
     * else's as looop's record, written aside and renamed (through Fs, which
     * never writes through a link). The name was checked free under the lock.
     */
    private void publish(String name, String session) {
        if (isWorker(session)) {
            Path dir = WorkerOutbox.of(paths, session).claims();
            Fs.mkdirs(dir);
            Fs.writeAtomic(dir.resolve(name), "");
        } else {
            Fs.writeAtomic(file(name), FlatJson.write(Map.of("name", name, "session", session)) + "\n");
        }
    }

    /** Claiming is check-then-act (who holds it?), so every claimer takes claims/.lock first. */
    private FileMutex.Held locked() {
        return new FileMutex(lockFile(paths)).hold();
    }
}
