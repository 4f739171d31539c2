package looop.io;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The names close to what someone typed: a typo or two away, or the start of
 * one. For "did you mean" in usage errors and config warnings. (picocli's own
 * suggestions rank by shared letter pairs, which offers `watch` for `tcik`
 * and misses `tick`.)
 */
public final class CloseNames {
    private CloseNames() {}

    private static final int MAX_SUGGESTIONS = 3;

    public static List<String> closeTo(String typed, Collection<String> names) {
        String t = typed.toLowerCase();
        int length = t.replaceFirst("^-+", "").length();
        int allowed = length <= 2 ? 0 : length <= 4 ? 1 : 2;
        return names.stream()
                .filter(n -> distance(t, n) <= allowed || (t.length() >= 2 && n.startsWith(t)))
                .sorted(Comparator.comparingInt((String n) -> distance(t, n)).thenComparing(n -> n))
                .limit(MAX_SUGGESTIONS).toList();
    }

    /** Edits (insert, delete, replace, swap two neighbours) that turn a into b. */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
