package looop.workers;

import java.io.UncheckedIOException;
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
 * Worker leases under claims/: one file per name, {"name":…,"session":…}.
 *
 * Taking or dropping a lease is check-then-act (is it free? is its holder
 * alive?), so every change runs under claims/.lock, an OS file lock that
 * serialises looop processes and is released by the kernel if one dies. OS
 * record locks belong to the whole process, so threads of one JVM queue on a
 * Java lock first.
 *
 * A new lease is published as a hard link to a fully written temp file: the
 * link appears atomically and fails if the name already exists, so a reader
 * never sees a half-written lease and a writer that skips the lock still
 * cannot overwrite one. Leases are scratch and not fsynced: one torn by a
 * crash reads as holder "?", which is never a live session, so the next beat
 * reaps it or the next claim takes it over.
 */
public final class Claims {
    /** A lease; in name order. */
    public record Claim(String name, String session) implements Comparable<Claim> {
        @Override
        public int compareTo(Claim other) {
            return name.compareTo(other.name);
        }
    }

    /** The holder shown for a lease file that cannot be read. */
    public static final String UNREADABLE = "?";

    /** One for every profile: contention is rare and a per-dir table would be more code than it saves. */

    private final Paths paths;
    private final Sessions sessions;

    public Claims(Paths paths, Sessions sessions) {
        this.paths = paths;
        this.sessions = sessions;
    }

    /** Every lease, sorted by name. Unreadable files show with session "?". */
    public List<Claim> list() {
        List<Claim> out = new ArrayList<>();
        for (Path f : Fs.listFiles(paths.claims(), ".json")) {
            String holder = read(f);
            if (holder != null) out.add(new Claim(nameOf(f), holder));
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
                Fs.delete(file(c.name()));
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
                Fs.delete(file(c.name()));
                released.add(c.name());
            }
            return released;
        }
    }

    /** The session holding name, "?" when its lease is unreadable, or null when nobody holds it. */
    public String holder(String name) {
        return read(file(Ids.check("claim name", name)));
    }

    /**
     * Takes the lease on name for session. True when session now holds it
     * (also when it already did); false when another live session holds it.
     * A lease whose holder is dead, or unreadable, is taken over.
     */
    public boolean claim(String name, String session) {
        Ids.check("claim name", name);
        Ids.check("session id", session);
        try (FileMutex.Held held = locked()) {
            String holder = read(file(name));
            if (session.equals(holder)) return true;
            if (holder != null && sessions.isAlive(holder)) return false;
            Fs.delete(file(name));
            return publish(name, session);
        }
    }

    /** Drops the lease on name unless a different live session holds it; true when no lease of ours remains. */
    public boolean unclaim(String name, String session) {
        Ids.check("claim name", name);
        Ids.check("session id", session);
        try (FileMutex.Held held = locked()) {
            String holder = read(file(name));
            if (holder != null && !holder.equals(session) && sessions.isAlive(holder)) return false;
            Fs.delete(file(name));
            return true;
        }
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
     * Publishes a lease atomically: every claimer holds the claims lock, and
     * the name was checked free under it, so an atomic replace is exclusive;
     * it goes through Fs, which never writes through a link.
     */
    private boolean publish(String name, String session) {
        Fs.writeAtomic(file(name), FlatJson.write(Map.of("name", name, "session", session)) + "\n");
        return true;
    }

    /** Claiming is check-then-act (who holds it?), so every claimer takes claims/.lock first. */
    private FileMutex.Held locked() {
        return new FileMutex(paths.claims().resolve(".lock")).hold();
    }
}
