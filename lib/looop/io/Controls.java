package looop.io;

/**
 * Characters that change how a terminal shows text rather than showing
 * something: C0 and C1 controls and DEL (ESC starts escape sequences, and
 * U+009B is a one-byte CSI) and the bidi controls that reorder what follows
 * (U+202E can make `gnp.md` read as `md.png`). Names and text from deciders,
 * sensors and workers are hostile; looop never prints or stores these raw.
 */
public final class Controls {
    private Controls() {}

    /**
     * Cc is C0, DEL and C1; the rest are the bidi embeddings, overrides,
     * isolates and marks. Tested char by char rather than by a regex: a
     * regex compiles at first use, milliseconds that every one-shot verb
     * paid. None of these is outside the BMP, so chars are code points here.
     */
    public static boolean isControl(char c) {
        return Character.getType(c) == Character.CONTROL || c == '\u061C' || c == '\u200E' || c == '\u200F'
                || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }

    public static boolean present(String s) {
        if (s == null) return false;
        for (int i = 0; i < s.length(); i++) if (isControl(s.charAt(i))) return true;
        return false;
    }

    /** s with every control character replaced by with. */
    public static String replace(String s, String with) {
        if (s == null) return "";
        if (!present(s)) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isControl(c)) b.append(with);
            else b.append(c);
        }
        return b.toString();
    }
}
