package looop;

import java.util.List;

/** Turns a runner's stream into lines a person can read in the archive. */
public final class Render {
    /** The archive lines for one stream line (often none). Stateful: remembers tool names by call id. */
    public List<String> render(String line) {
        throw new UnsupportedOperationException("todo");
    }
}
