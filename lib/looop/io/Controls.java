package looop.io;

import java.util.regex.Pattern;

/**
 * Characters that change how a terminal shows text rather than showing
 * something: C0 and C1 controls and DEL (ESC starts escape sequences, and
 * U+009B is a one-byte CSI) and the bidi controls that reorder what follows
 * (U+202E can make `gnp.md` read as `md.png`). Names and text from deciders,
 * sensors and workers are hostile; looop never prints or stores these raw.
 */
public final class Controls {
    private Controls() {}

    /** Cc is C0, DEL and C1; the rest are the bidi embeddings, overrides, isolates and marks. */
    public static final Pattern ANY = Pattern.compile("[\\p{Cc}\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]");

    public static boolean present(String s) {
        return s != null && ANY.matcher(s).find();
    }

    /** s with every control character replaced by with. */
    public static String replace(String s, String with) {
        return s == null ? "" : ANY.matcher(s).replaceAll(with);
    }
}
