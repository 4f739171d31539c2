package looop.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import looop.io.Controls;
import looop.io.Fs;

/** journal.md: one line per move, `- YYYY-MM-DD HH:MM <text>` in local time. Append-only. */
public final class Journal {
    /** In a holder: building a formatter costs milliseconds, which `_ flag` (oneLine only) need not pay. */
    private static final class Stamp {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    }
    static final int MAX_CHARS = 2000;
    private final Paths paths;
    private final Clock clock;

    public Journal(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    /** Appends one line; newlines in text are folded so a move is always one line. */
    public String append(String text) {
        String line = line(text);
        Fs.appendLine(paths.journal(), line, true);
        return line;
    }

    /**
     * The line text would be journaled as now, without writing it. The journal
     * is one short line per move and its tail goes into every prompt, so a
     * runaway text is cut at MAX_CHARS.
     */
    public String line(String text) {
        return "- " + LocalDateTime.now(clock).format(Stamp.FORMAT) + " " + capped(oneLine(text));
    }

    private static String capped(String text) {
        if (text.length() <= MAX_CHARS) return text;
        int cut = Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return text.substring(0, cut) + "…";
    }

    /** The journal's size in bytes: where the next line will start. */
    public long size() {
        try {
            return Files.exists(paths.journal()) ? Files.size(paths.journal()) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Appends line unless it is already at offset, so settling an interrupted
     * move twice journals it once. Sound because only the holder of the
     * profile's lock appends to the journal: nothing else can be at offset.
     */
    public void appendAt(long offset, String line) {
        if (!isAt(offset, line)) Fs.appendLine(paths.journal(), line, true);
    }

    private boolean isAt(long offset, String line) {
        byte[] want = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (offset < 0 || !Files.exists(paths.journal())) return false;
        try (FileChannel ch = FileChannel.open(paths.journal(), StandardOpenOption.READ)) {
            if (ch.size() < offset + want.length) return false;
            ByteBuffer got = ByteBuffer.allocate(want.length);
            while (got.hasRemaining() && ch.read(got, offset + got.position()) > 0) { }
            return Arrays.equals(got.array(), want);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Text as one line that is safe to print: line breaks of every kind fold to
     * " ⏎ ", and other control characters (an ESC from a decider's text would
     * be an escape sequence in `looop journal`) become spaces.
     */
    public static String oneLine(String text) {
        if (text == null) return "";
        String line = text.strip();
        if (hasLineBreak(line)) line = line.replaceAll("\\s*[\\r\\n\\u0085\\u2028\\u2029]+\\s*", " ⏎ ");
        return Controls.replace(line, " ");
    }

    /** Checked first so that the common one-line text never compiles the regex (milliseconds in a one-shot `_ flag`). */
    private static boolean hasLineBreak(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029') return true;
        }
        return false;
    }

    /** The last n lines (all when n ≤ 0). */
    public List<String> tail(int n) {
        String text = Fs.readOr(paths.journal(), "");
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return n <= 0 || lines.size() <= n ? lines : lines.subList(lines.size() - n, lines.size());
    }
}
