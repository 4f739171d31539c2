package looop.io;

/**
 * The one rule for ids and names that become file names (goal ids, sensor
 * names, worker ids, claim names): one plain file name, 1 to MAX_BYTES bytes
 * of UTF-8, not starting with '.', no '/' or '\\', no control or bidi
 * characters. MAX_BYTES leaves room under the file system's 255-byte limit
 * for the longest name looop derives from an id (a temp file such as
 * `.<id>.md.<uuid>.tmp`).
 */
public final class Ids {
    private Ids() {}

    public static final int MAX_BYTES = 128;

    /** The rule in words, for messages, the README and the manual. */
    public static final String RULE = "1 to " + MAX_BYTES + " bytes of UTF-8, not starting with '.', with no '/', '\\',"
            + " control or bidi characters";

    /** Returns id when it is safe as a single file name; otherwise a UserError naming the field and the rule. */
    public static String check(String field, String id) {
        String why = problem(id);
        if (why != null) throw new UserError("bad " + field + " '" + printable(id) + "': " + why + "; an id is " + RULE);
        return id;
    }

    /** Why id is refused, or null when it is fine. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) return "it is empty";
        if (id.equals("..") || id.equals(".")) return "it names a directory";
        if (id.startsWith(".")) return "it starts with '.'";
        if (id.contains("/") || id.contains("\\")) return "it contains a path separator";
        if (Controls.present(id)) return "it contains a control character";
        if (!wellFormed(id)) return "it is not valid Unicode text (half a surrogate pair)";
        int bytes = id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) return "it is " + bytes + " bytes long";
        return null;
    }

    /** Half a surrogate pair is no character at all, and no file system takes it. */
    private static boolean wellFormed(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= id.length() || !Character.isLowSurrogate(id.charAt(i + 1))) return false;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** A worker target: `looop-` prefix stripped, `pulse` refused (the pulse is not a worker). */
    public static String worker(String id) {
        String bare = id != null && id.startsWith("looop-") ? id.substring("looop-".length()) : id;
        check("session id", bare);
        if (bare.equals("pulse")) {
            throw new UserError("'pulse' is looop's own loop, not a worker; watch it with `looop watch pulse`, stop it with Ctrl-C or `kill` on its pid (`looop status`)");
        }
        return bare;
    }

    /** s fit for a one-line message: controls shown as '?', cut at 60 characters. */
    public static String printable(String s) {
        if (s == null) return "";
        String shown = Controls.replace(s, "?");
        return shown.length() > 60 ? shown.substring(0, 60) + "…" : shown;
    }
}
