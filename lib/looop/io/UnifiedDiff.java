package looop.io;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts, line by line, with three lines of context: the
 * format `diff -u` and `patch` speak. The longest common subsequence is found
 * by dynamic programming, fine for texts the size of a playbook; past
 * MAX_CELLS the texts are shown as one replacement rather than spending memory.
 */
public final class UnifiedDiff {
    private UnifiedDiff() {}

    public static final int CONTEXT = 3;
    static final long MAX_CELLS = 4_000_000;

    private record Op(char kind, String line) {}

    /** The diff of a (named fromName) to b (toName); empty when they are equal. */
    public static String of(String a, String b, String fromName, String toName) {
        List<Op> ops = ops(a.lines().toList(), b.lines().toList());
        StringBuilder out = new StringBuilder();
        List<Integer> changes = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) if (ops.get(i).kind() != ' ') changes.add(i);
        if (changes.isEmpty()) return "";
        out.append("--- ").append(fromName).append('\n').append("+++ ").append(toName).append('\n');
        for (int i = 0; i < changes.size(); ) {
            int j = i;
            while (j + 1 < changes.size() && changes.get(j + 1) - changes.get(j) <= 2 * CONTEXT) j++;
            hunk(ops, Math.max(0, changes.get(i) - CONTEXT), Math.min(ops.size() - 1, changes.get(j) + CONTEXT), out);
            i = j + 1;
        }
        return out.toString();
    }

    /** Lines of both, in order: ' ' kept, '-' only in a, '+' only in b. */
    private static List<Op> ops(List<String> a, List<String> b) {
        List<Op> out = new ArrayList<>();
        if ((long) (a.size() + 1) * (b.size() + 1) > MAX_CELLS) {
            a.forEach(l -> out.add(new Op('-', l)));
            b.forEach(l -> out.add(new Op('+', l)));
            return out;
        }
        int[][] lcs = new int[a.size() + 1][b.size() + 1]; // lcs[i][j]: of a[i..] and b[j..]
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add(new Op(' ', a.get(i++)));
                j++;
            } else if (j >= b.size() || (i < a.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add(new Op('-', a.get(i++)));
            } else {
                out.add(new Op('+', b.get(j++)));
            }
        }
        return out;
    }

    private static void hunk(List<Op> ops, int from, int to, StringBuilder out) {
        int aBefore = 0;
        int bBefore = 0;
        for (int k = 0; k < from; k++) {
            if (ops.get(k).kind() != '+') aBefore++;
            if (ops.get(k).kind() != '-') bBefore++;
        }
        int aCount = 0;
        int bCount = 0;
        for (int k = from; k <= to; k++) {
            if (ops.get(k).kind() != '+') aCount++;
            if (ops.get(k).kind() != '-') bCount++;
        }
        out.append("@@ -").append(range(aBefore, aCount)).append(" +").append(range(bBefore, bCount)).append(" @@\n");
        for (int k = from; k <= to; k++) out.append(ops.get(k).kind()).append(ops.get(k).line()).append('\n');
    }

    /** "start,count", 1-based; an empty range starts at the line before it, as diff -u writes it. */
    private static String range(int before, int count) {
        return (count == 0 ? before : before + 1) + "," + count;
    }
}
