package looop.io;

/** The one rule for ids and names that become file names: nothing that can climb or hide. */
public final class Ids {
    private Ids() {}

    /** Returns id when it is safe as a single file name; otherwise a UserError naming the field. */
    public static String check(String field, String id) {
        String why = problem(id);
        if (why != null) throw new UserError("bad " + field + " '" + printable(id) + "': " + why + "; use letters, digits, '-' or '_'");
        return id;
    }

    /** Why id is refused, or null when it is fine. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) return "it is empty";
        if (id.equals("..") || id.equals(".")) return "it names a directory";
        if (id.startsWith(".")) return "it starts with '.'";
        if (id.contains("/") || id.contains("\\")) return "it contains a path separator";
        if (id.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) return "it contains a control character";
        if (id.length() > 128) return "it is longer than 128 characters";
        return null;
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

    private static String printable(String s) {
        if (s == null) return "";
        String shown = s.replaceAll("\\p{Cntrl}", "?");
        return shown.length() > 60 ? shown.substring(0, 60) + "…" : shown;
    }
}
