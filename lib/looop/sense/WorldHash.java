// A module of its own: a script can pull it in with //SOURCES <checkout>/lib/looop/sense/WorldHash.java
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//SOURCES ../io/Fs.java ../io/Json.java
package looop.sense;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import looop.io.Fs;
import looop.io.Json;

/**
 * The world hash: FNV-1a 128 over the playbook, the goals and the wake
 * signals of this beat's snapshots. It is persisted in .last-tick-hash, so the
 * byte stream and the arithmetic must never change.
 *
 * It needs only a data dir (PLAYBOOK.md, goals/*.md, snapshots/*.json in it),
 * so a script can hash a world without the rest of looop.
 */
public final class WorldHash {
    private static final long OFFSET_HI = 0x6c62272e07bb0142L;
    private static final long OFFSET_LO = 0x62b821756295c58dL;
    /** The FNV-128 prime is 2^88 + 0x13b; multiplying by it is a shift and a small product. */
    private static final long PRIME_LOW_PART = 0x13bL;
    private static final long LOW_32 = 0xffffffffL;

    private long hi = OFFSET_HI;
    private long lo = OFFSET_LO;

    /**
     * h = (h ^ b) × (2^88 + 0x13b) mod 2^128, on two 64-bit halves. The
     * carry into hi is the high half of lo × 0x13b, computed from lo's two
     * 32-bit halves: plain multiplies, fast under every JIT. (Math.multiplyHigh
     * is as fast under C2 but 4-5× slower under C1, which one-shot runs use.)
     */
    public WorldHash update(byte[] bytes) {
        long h = hi;
        long l = lo;
        for (byte b : bytes) {
            l ^= b & 0xff;
            long carry = ((l >>> 32) * PRIME_LOW_PART + (((l & LOW_32) * PRIME_LOW_PART) >>> 32)) >>> 32;
            h = h * PRIME_LOW_PART + carry + (l << 24);
            l *= PRIME_LOW_PART;
        }
        hi = h;
        lo = l;
        return this;
    }

    public WorldHash update(String text) {
        return update(text.getBytes(StandardCharsets.UTF_8));
    }

    /** 32 lowercase hex digits. */
    public String hex() {
        return HexFormat.of().toHexDigits(hi) + HexFormat.of().toHexDigits(lo);
    }

    public static String of(byte[] bytes) {
        return new WorldHash().update(bytes).hex();
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
        WorldHash h = new WorldHash();
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

    /** PLAYBOOK.md, then goals/*.md in name order (the archive is not part of the world). */
    public static List<Path> policyFiles(Path dataDir) {
        List<Path> files = new ArrayList<>();
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
