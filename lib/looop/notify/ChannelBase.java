package looop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import looop.io.Json;

/**
 * What every channel shares: a key from its config, and the events it wants.
 * The key lands in outbox/, which every sandboxed command reads, and hashes
 * the channel's secrets: so it keeps only 24 bits of the digest, enough to
 * tell a profile's few channels apart, too few to confirm a guessed topic or
 * token offline (a 40-bit topic leaves some 65 000 candidates).
 */
abstract class ChannelBase implements Channel {
    private final String key;
    private final Set<String> on;

    ChannelBase(JsonNode config, Set<String> on) {
        this.key = Json.text(config, "type") + "-" + digest(Json.canonical(config));
        this.on = on;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public boolean wants(String kind) {
        return on.contains(kind);
    }

    private static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
