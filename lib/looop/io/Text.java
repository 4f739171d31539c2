package looop.io;

/**
 * Small string checks written by hand where a regex would do: a regex
 * compiles at first use, and in a one-shot command (every `$LOOOP_BIN tick`)
 * each first use is milliseconds of cold code.
 */
public final class Text {
    private Text() {}

    /** What \s means in a regex: ASCII white space. */
    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** s without suffix at its end, or s when it does not end so. */
    public static String withoutSuffix(String s, String suffix) {
        return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
    }

    /** Whether s[from, to) is all ASCII digits. */
    public static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }
}
