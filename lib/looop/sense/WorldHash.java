// A module of its own: a script can pull it in with //SOURCES <checkout>/lib/looop/sense/WorldHash.java
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//SOURCES ../io/Fs.java ../io/Json.java ../io/Fnv128.java
package looop.sense;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import looop.io.Fnv128;
import looop.io.Fs;
import looop.io.Json;

/**
 * The world hash: FNV-1a 128 (Fnv128) over the playbook, the goals and the wake
 * signals of this beat's snapshots. It is persisted in .last-tick-hash, so the
 * byte stream and the arithmetic must never change.
 *
 * It needs only a data dir (PLAYBOOK.md, goals/*.md, snapshots/*.json in it),
 * so a script can hash a world without the rest of looop.
 */
public final class WorldHash {
    /** The world hash's digest of bytes alone (a short stable name is its prefix). */
    public static String of(byte[] bytes) {
        return Fnv128.of(bytes);
    }

    /** One snapshot as the hash sees it: its file name and its bytes; in name order. */
    public record Snapshot(String file, byte[] bytes) implements Comparable<Snapshot> {
        @Override
        public int compareTo(Snapshot other) {
            return file.compareTo(other.file);
        }
    }

    /** The hash of the world: policy files from the data dir, snapshots as given (in name order). */
    public static String compute(Path dataDir, List<Snapshot> snapshots) {
        Fnv128 h = new Fnv128();
        for (Path policy : policyFiles(dataDir)) {
            h.update("@@ " + dataDir.relativize(policy) + "\n");
            h.update(read(policy));
        }
        List<Snapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(null);
        for (Snapshot s : sorted) {
            h.update("@@ snapshots/" + s.file() + "\n");
            h.update(wakeSignal(s.bytes()));
            h.update("\n");
        }
        return h.hex();
    }

    /** The hash of the world as the last sense left it: the snapshots are read from the data dir too. */
    public static String compute(Path dataDir) {
        List<Snapshot> snapshots = new ArrayList<>();
        for (Path p : Fs.listFiles(dataDir.resolve("snapshots"), ".json")) {
            snapshots.add(new Snapshot(p.getFileName().toString(), read(p)));
        }
        return compute(dataDir, snapshots);
    }

    /** CONSTITUTION.md, PLAYBOOK.md, then goals/*.md in name order (the archive is not part of the world). */
    public static List<Path> policyFiles(Path dataDir) {
        List<Path> files = new ArrayList<>();
        Path constitution = dataDir.resolve("CONSTITUTION.md");
        if (Files.isRegularFile(constitution)) files.add(constitution);
        Path playbook = dataDir.resolve("PLAYBOOK.md");
        if (Files.isRegularFile(playbook)) files.add(playbook);
        files.addAll(Fs.listFiles(dataDir.resolve("goals"), ".md"));
        return files;
    }

    /**
     * What of a reading should wake the loop: `.signal` when the reading is an
     * object with one, else the whole value; canonical so key order never
     * matters. Bytes that are not JSON count as they are.
     */
    public static byte[] wakeSignal(byte[] reading) {
        JsonNode node = Json.parseOrNull(new String(reading, StandardCharsets.UTF_8));
        if (node == null || node.isMissingNode()) return reading;
        JsonNode signal = node.isObject() && node.has("signal") ? node.get("signal") : node;
        return Json.canonical(signal).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
