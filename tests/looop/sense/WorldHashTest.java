package looop.sense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import looop.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldHashTest {
    @TempDir Path dir;

    @Test
    void fnv1a128KnownVectors() {
        assertEquals("6c62272e07bb014262b821756295c58d", WorldHash.of(new byte[0]));
        assertEquals("d228cb696f1a8caf78912b704e4a8964", WorldHash.of("a".getBytes(StandardCharsets.UTF_8)));
        assertEquals("6c155799fdc8eec4b91523808e7726b7", WorldHash.of("hello world".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void highBytesAreUnsigned() {
        // 0xff must be xored as 255, not as -1 (which would flip the high bits too)
        byte[] ff = {(byte) 0xff};
        assertEquals(new java.math.BigInteger(bigFnv(ff)).toString(16), new java.math.BigInteger(WorldHash.of(ff), 16).toString(16));
    }

    /** An independent BigInteger FNV-1a 128 as the oracle. */
    private static String bigFnv(byte[] data) {
        var mod = java.math.BigInteger.ONE.shiftLeft(128);
        var prime = new java.math.BigInteger("0000000001000000000000000000013b", 16);
        var h = new java.math.BigInteger("6c62272e07bb014262b821756295c58d", 16);
        for (byte b : data) h = h.xor(java.math.BigInteger.valueOf(b & 0xff)).multiply(prime).mod(mod);
        return h.toString(10);
    }

    @Test
    void randomInputsMatchTheBigIntegerOracle() {
        var rnd = new java.util.Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] data = new byte[rnd.nextInt(64)];
            rnd.nextBytes(data);
            assertEquals(new java.math.BigInteger(bigFnv(data)).toString(16),
                    new java.math.BigInteger(WorldHash.of(data), 16).toString(16));
        }
    }

    /** Long inputs and all-0xff runs drive every carry path of the two-halves multiply. */
    @Test
    void longAndExtremeInputsMatchTheOracle() {
        var rnd = new java.util.Random(7);
        for (int len : new int[] {1000, 4096}) {
            byte[] data = new byte[len];
            rnd.nextBytes(data);
            byte[] ff = new byte[len];
            java.util.Arrays.fill(ff, (byte) 0xff);
            for (byte[] d : new byte[][] {data, ff, new byte[len]}) {
                assertEquals(new java.math.BigInteger(bigFnv(d)).toString(16), new java.math.BigInteger(WorldHash.of(d), 16).toString(16));
            }
        }
    }

    @Test
    void hashingInPiecesEqualsHashingAtOnce() {
        byte[] data = "one two three four".getBytes(StandardCharsets.UTF_8);
        String pieces = new looop.io.Fnv128().update(java.util.Arrays.copyOf(data, 5))
                .update(java.util.Arrays.copyOfRange(data, 5, data.length)).hex();
        assertEquals(WorldHash.of(data), pieces);
    }

    @Test
    void byteStreamIsPlaybookGoalsThenSignals() {
        TestProfile p = new TestProfile(dir);
        p.write("PLAYBOOK.md", "play\n");
        p.write("goals/b.md", "B");
        p.write("goals/a.md", "A");
        p.write("goals/archive/old.md", "ignored");
        String stream = "@@ PLAYBOOK.md\nplay\n@@ goals/a.md\nA@@ goals/b.md\nB"
                + "@@ snapshots/sensor-x.json\n{\"k\":1,\"z\":2}\n"
                + "@@ snapshots/sys-raw.json\nnot json\n";
        List<WorldHash.Snapshot> snaps = List.of(
                new WorldHash.Snapshot("sys-raw.json", "not json".getBytes(StandardCharsets.UTF_8)),
                new WorldHash.Snapshot("sensor-x.json", "{\"signal\":{\"z\":2, \"k\":1},\"detail\":{\"t\":9}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(WorldHash.of(stream.getBytes(StandardCharsets.UTF_8)), WorldHash.compute(p.paths.data, snaps));
    }

    @Test
    void detailDoesNotWakeButSignalDoes() {
        TestProfile p = new TestProfile(dir);
        String a = WorldHash.compute(p.paths.data, List.of(snap("{\"signal\":{\"n\":1},\"detail\":{\"t\":1}}")));
        String b = WorldHash.compute(p.paths.data, List.of(snap("{\"detail\":{\"t\":2},\"signal\":{\"n\":1}}")));
        String c = WorldHash.compute(p.paths.data, List.of(snap("{\"signal\":{\"n\":2},\"detail\":{\"t\":1}}")));
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void readingWithoutSignalHashesWhole() {
        TestProfile p = new TestProfile(dir);
        String a = WorldHash.compute(p.paths.data, List.of(snap("{\"date\":\"2026-01-01\"}")));
        String b = WorldHash.compute(p.paths.data, List.of(snap("{\"date\":\"2026-01-02\"}")));
        assertNotEquals(a, b);
    }

    private static WorldHash.Snapshot snap(String json) {
        return new WorldHash.Snapshot("sensor-s.json", json.getBytes(StandardCharsets.UTF_8));
    }
}
