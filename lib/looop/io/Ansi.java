package looop.io;

/**
 * Terminal output as a person would read it. A worker's output.log holds the
 * bytes a terminal received: colour codes, window titles, `\r\n` line ends and
 * progress bars that redraw one line with `\r`. {@link #line} turns one such
 * line into the text the terminal would have left on it; {@link #strip} only
 * drops escape sequences.
 *
 * Only what lands on a single line is modelled (carriage return, backspace,
 * erase-in-line, cursor left/right/column). Full-screen programs that move the
 * cursor between lines do not read well as a log; `looop shot` shows their screen.
 */
public final class Ansi {
    private Ansi() {}

    private static final char ESC = 0x1b;
    private static final char BEL = 0x07;

    /** The text one line of terminal output leaves behind: escapes gone, redraws applied. */
    public static String line(String raw) {
        Cursor c = new Cursor();
        int i = 0;
        while (i < raw.length()) {
            int cp = raw.codePointAt(i);
            if (cp == ESC) {
                i = escape(raw, i, c);
                continue;
            }
            i += Character.charCount(cp);
            if (cp == '\r') c.col = 0;
            else if (cp == '\b') c.col = Math.max(0, c.col - 1);
            else if (cp == '\t' || !isControl(cp)) c.put(cp);
        }
        return c.text();
    }

    /** raw without escape sequences; every other character (\r and \n included) is kept. */
    public static String strip(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char ch = raw.charAt(i);
            if (ch == ESC) {
                i = skip(raw, i);
            } else {
                if (ch == '\n' || ch == '\r' || ch == '\t' || !isControl(ch)) out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean isControl(int cp) {
        return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
    }

    /** Applies the escape at raw[i] to the cursor where it edits the line; returns the index after it. */
    private static int escape(String raw, int i, Cursor c) {
        int end = skip(raw, i);
        boolean finished = end - 1 > i + 1 && raw.charAt(end - 1) >= 0x40 && raw.charAt(end - 1) <= 0x7e;
        if (raw.charAt(i + 1 < raw.length() ? i + 1 : i) == '[' && finished) {
            csi(raw.substring(i + 2, end - 1), raw.charAt(end - 1), c);
        }
        return end;
    }

    /** The CSI sequences a one-line redraw uses; everything else (colours, modes) changes no text. */
    private static void csi(String params, char fin, Cursor c) {
        int n = firstParam(params);
        switch (fin) {
            case 'K' -> c.erase(n < 0 ? 0 : n);
            case 'G' -> c.col = Math.max(0, (n <= 0 ? 1 : n) - 1);
            case 'C' -> c.col += Math.max(1, n);
            case 'D' -> c.col = Math.max(0, c.col - Math.max(1, n));
            default -> { }
        }
    }

    private static int firstParam(String params) {
        String first = params.split(";", -1)[0];
        if (first.isEmpty() || !first.chars().allMatch(Character::isDigit) || first.length() > 6) return -1;
        return Integer.parseInt(first);
    }

    /** The index just after the escape sequence that starts at raw[i] (an unfinished one runs to the end). */
    static int skip(String raw, int i) {
        int n = raw.length();
        if (i + 1 >= n) return n;
        char kind = raw.charAt(i + 1);
        if (kind == '[') {
            int j = i + 2;
            while (j < n && (raw.charAt(j) < 0x40 || raw.charAt(j) > 0x7e)) j++;
            return Math.min(n, j + 1);
        }
        if (kind == ']' || kind == 'P' || kind == '_' || kind == '^' || kind == 'X') return stringEnd(raw, i + 2);
        if ("()*+-./#%".indexOf(kind) >= 0) return Math.min(n, i + 3);
        return i + 2;
    }

    /** OSC, DCS and friends run to BEL or ESC \ (string terminator). */
    private static int stringEnd(String raw, int j) {
        int n = raw.length();
        while (j < n) {
            char ch = raw.charAt(j);
            if (ch == BEL) return j + 1;
            if (ch == ESC) return Math.min(n, j + 2);
            j++;
        }
        return n;
    }

    /** One line of cells and the column the next character lands in. */
    private static final class Cursor {
        private int[] cells = new int[64];
        private int len;
        int col;

        void put(int cp) {
            while (len < col) append(' ');
            if (col < len) cells[col] = cp;
            else append(cp);
            col++;
        }

        private void append(int cp) {
            if (len == cells.length) cells = java.util.Arrays.copyOf(cells, len * 2);
            cells[len++] = cp;
        }

        /** ESC[K: 0 = cursor to end, 1 = start to cursor, 2 = the whole line. */
        void erase(int mode) {
            if (mode == 0) {
                len = Math.min(len, col);
            } else if (mode == 1) {
                for (int k = 0; k < Math.min(len, col + 1); k++) cells[k] = ' ';
            } else if (mode == 2) {
                len = 0;
            }
        }

        String text() {
            return new String(cells, 0, len);
        }
    }
}
