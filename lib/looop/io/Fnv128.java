package looop.io;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * FNV-1a 128 over bytes: the world hash's arithmetic, and a short stable
 * name from a path (a prefix of its hex). The world hash is persisted in
 * .last-tick-hash, so the arithmetic must never change.
 */
public final class Fnv128 {
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
    public Fnv128 update(byte[] bytes) {
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

    public Fnv128 update(String text) {
        return update(text.getBytes(StandardCharsets.UTF_8));
    }

    /** 32 lowercase hex digits. */
    public String hex() {
        return HexFormat.of().toHexDigits(hi) + HexFormat.of().toHexDigits(lo);
    }

    public static String of(byte[] bytes) {
        return new Fnv128().update(bytes).hex();
    }
}
