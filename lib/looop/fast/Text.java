package looop.fast;

/**
 * Small string checks written by hand where a regex, a stream or
 * String.format would do (see the package doc: quick paths only).
 */
public final class Text {
    private Text() {}

    /** What \s means in a regex: ASCII white space. */
    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** s's lines as String.lines() splits them (at \n, \r or \r\n, none empty at the end), as a list. */
    public static java.util.List<String> lines(String s) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\n' && c != '\r') continue;
            out.add(s.substring(start, i));
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
            start = i + 1;
        }
        if (start < s.length()) out.add(s.substring(start));
        return out;
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

    /** s widened with spaces on the right to width, as %-Ns does; never cut. */
    public static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** s widened with spaces on the left to width, as %Ns does; never cut. */
    public static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
