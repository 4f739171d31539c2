package looop.watch;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The keys a person presses, read from a terminal in raw mode: a daemon
 * thread reads bytes as they come, and {@link #next} turns them into keys,
 * an escape sequence (an arrow, PgUp) into one key. A lone Esc is told from
 * the start of a sequence by the pause after it.
 */
final class Keys {
    enum Key { UP, DOWN, NEXT, PREVIOUS, PAGE_UP, PAGE_DOWN, HOME, END, QUIT, OTHER }

    /** The bytes of one sequence arrive together; a lone Esc is followed by nothing this long. */
    private static final long SEQUENCE_GAP_MS = 50;
    private static final int END_OF_INPUT = -1;

    private final BlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();

    Keys(InputStream in) {
        Thread reader = new Thread(() -> {
            try {
                for (int b; (b = in.read()) != -1; ) bytes.add(b);
            } catch (IOException e) {
                // the terminal went away: the same as its end
            }
            bytes.add(END_OF_INPUT);
        }, "looop-watch-keys");
        reader.setDaemon(true);
        reader.start();
    }

    /** The next key within waitMs, or null; the end of input reads as QUIT. */
    Key next(long waitMs) throws InterruptedException {
        Integer b = bytes.poll(waitMs, TimeUnit.MILLISECONDS);
        if (b == null) return null;
        return switch ((int) b) {
            case END_OF_INPUT, 'q', 'Q', 3 /* Ctrl-C */, 4 /* Ctrl-D */ -> Key.QUIT;
            case 'j', 14 /* Ctrl-N */ -> Key.DOWN;
            case 'k', 16 /* Ctrl-P */ -> Key.UP;
            case '\t' -> Key.NEXT;
            case 'g' -> Key.HOME;
            case 'G' -> Key.END;
            case ' ' -> Key.PAGE_DOWN;
            case 'b' -> Key.PAGE_UP;
            case 27 -> escape();
            default -> Key.OTHER;
        };
    }

    /** After Esc: CSI or SS3 sequences (ESC [ … final, ESC O x); anything else is Esc itself. */
    private Key escape() throws InterruptedException {
        Integer intro = bytes.poll(SEQUENCE_GAP_MS, TimeUnit.MILLISECONDS);
        if (intro == null) return Key.OTHER;
        if (intro == END_OF_INPUT) return Key.QUIT;
        if (intro != '[' && intro != 'O') return Key.OTHER;
        StringBuilder params = new StringBuilder();
        while (true) {
            Integer b = bytes.poll(SEQUENCE_GAP_MS, TimeUnit.MILLISECONDS);
            if (b == null) return Key.OTHER;
            if (b == END_OF_INPUT) return Key.QUIT;
            if (b >= 0x40 && b <= 0x7e) return csi(params.toString(), (char) (int) b);
            params.append((char) (int) b);
        }
    }

    private static Key csi(String params, char last) {
        return switch (last) {
            case 'A' -> Key.UP;
            case 'B' -> Key.DOWN;
            case 'Z' -> Key.PREVIOUS; // Shift-Tab
            case 'H' -> Key.HOME;
            case 'F' -> Key.END;
            case '~' -> switch (params) {
                case "5" -> Key.PAGE_UP;
                case "6" -> Key.PAGE_DOWN;
                case "1", "7" -> Key.HOME;
                case "4", "8" -> Key.END;
                default -> Key.OTHER;
            };
            default -> Key.OTHER;
        };
    }
}
