package looop.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Files shipped inside looop (//FILES in looop.java): starter sensors, the offline runner. */
public final class Resources {
    private Resources() {}

    /** The text of a bundled file such as "sensors/today.sh". */
    public static String text(String path) {
        try (InputStream in = Resources.class.getResourceAsStream("/" + path)) {
            if (in == null) throw new IllegalStateException("looop was built without its bundled file " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
