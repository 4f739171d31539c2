package looop.watch;

import java.util.ArrayList;
import java.util.List;

/**
 * One screenful of `looop watch`, drawn from what it shows and nothing else
 * (no terminal, no clock): a title bar with the keys, the table of workers
 * with the selected one highlighted, a rule naming what is below it, and the
 * selected worker's lines, cut to fit. Worker text is shown as text: control
 * characters in it become '?', so a worker cannot steer this terminal.
 */
final class Frame {
    static final String KEYS = "↑↓ j k Tab: worker · PgUp PgDn Home End: scroll · q: quit";
    private static final String INVERSE = "\033[7m";
    private static final String DIM = "\033[2m";
    private static final String RESET = "\033[0m";
    /** The title bar, the table's header and the rule: rows that are not table rows or worker lines. */
    private static final int CHROME = 3;

    /** What the selected worker shows: a title for the rule and its lines, oldest first. */
    record Content(String title, List<String> lines) {}

    private Frame() {}

    /** How many of the worker's lines fit below a table of n workers on a terminal this tall. */
    static int contentHeight(int workers, int height) {
        return Math.max(0, height - CHROME - tableHeight(workers, height));
    }

    /** The table takes a third of the terminal at most, one row at least (for "no workers"). */
    static int tableHeight(int workers, int height) {
        return Math.max(1, Math.min(workers, (height - CHROME) / 3));
    }

    /** The furthest the worker's lines scroll up: to their first line at the top. */
    static int maxScroll(Content c, int workers, int height) {
        return Math.max(0, c.lines().size() - contentHeight(workers, height));
    }

    /**
     * height rows, each at most cols wide; scroll is how many lines above the
     * bottom of the worker's lines the view ends (0: it follows the bottom);
     * problem (or null) is why the table could not be read afresh.
     */
    static List<String> draw(List<FleetRows.Row> rows, int selected, Content content, int scroll, int columns, int height, String problem) {
        int cols = Math.max(1, columns - 1); // the last column left alone: some terminals scroll or wrap on it
        List<String> out = new ArrayList<>();
        String title = problem != null ? " looop watch · the table is as it was: " + problem
                : " looop watch · " + rows.size() + (rows.size() == 1 ? " worker" : " workers") + "   " + KEYS;
        out.add(INVERSE + pad(title, cols) + RESET);
        table(out, rows, selected, cols, tableHeight(rows.size(), height));
        int h = contentHeight(rows.size(), height);
        List<String> lines = content.lines();
        int end = lines.size() - Math.max(0, Math.min(scroll, maxScroll(content, rows.size(), height)));
        int start = Math.max(0, end - h);
        String where = start > 0 || end < lines.size() ? " (" + (start > 0 ? "↑ " + start + " more" : "") + (start > 0 && end < lines.size() ? ", " : "")
                + (end < lines.size() ? "↓ " + (lines.size() - end) + " more" : "") + ")" : "";
        out.add(DIM + fit("── " + content.title() + where + " " + "─".repeat(Math.max(0, cols)), cols) + RESET);
        for (int i = start; i < end; i++) out.add(fit(lines.get(i), cols));
        while (out.size() < height) out.add("");
        return out.subList(0, Math.max(0, height));
    }

    /** The header and the rows around the selected one, as many as fit. */
    private static void table(List<String> out, List<FleetRows.Row> rows, int selected, int cols, int fits) {
        int idW = 2, stateW = 5, askW = 6, costW = 4;
        for (FleetRows.Row r : rows) {
            idW = Math.max(idW, width(r.id()));
            stateW = Math.max(stateW, width(r.state()));
            costW = Math.max(costW, width(r.cost()));
        }
        int fixed = 2 + idW + 2 + stateW + 2 + 7 + 2 + 5 + 2 + 2 + costW;
        askW = Math.max(askW, cols - fixed);
        out.add(DIM + fit("  " + pad("ID", idW) + "  " + pad("STATE", stateW) + "  " + pad("HEALTH", 7) + "  " + pad("IDLE", 5) + "  "
                + pad("ASKING", askW) + "  " + pad("COST", costW), cols) + RESET);
        if (rows.isEmpty()) {
            out.add(fit("  no workers; start one with `looop start-session <id> <prompt>`", cols));
            return;
        }
        int first = Math.max(0, Math.min(selected - fits / 2, rows.size() - fits));
        for (int i = first; i < Math.min(rows.size(), first + fits); i++) {
            FleetRows.Row r = rows.get(i);
            String line = fit((i == selected ? "▶ " : "  ") + pad(r.id(), idW) + "  " + pad(r.state(), stateW) + "  " + pad(r.health(), 7) + "  "
                    + pad(r.idle(), 5) + "  " + pad(r.asking(), askW) + "  " + r.cost(), cols);
            out.add(i == selected ? INVERSE + line + RESET : line);
        }
    }

    /** s cut or padded with spaces to exactly width columns, control characters shown as '?'. */
    static String fit(String s, int width) {
        StringBuilder b = new StringBuilder();
        int used = 0;
        for (int i = 0; i < s.length() && used < width; ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp);
            used++;
        }
        return b.toString();
    }

    private static String pad(String s, int width) {
        String cut = fit(s, width);
        return cut + " ".repeat(Math.max(0, width - width(cut)));
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
