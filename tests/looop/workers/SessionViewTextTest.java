package looop.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import looop.io.Ansi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of viewing a session: terminal text (Ansi) and output.log by byte offset (OutputLog). No tmux. */
class SessionViewTextTest {
    @TempDir Path dir;

    @Test
    void colourTitlesAndCharsetSwitchesLeaveNoTrace() {
        assertEquals("red text", Ansi.line("\u001b[1;31mred\u001b[0m text"));
        assertEquals("title gone", Ansi.line("\u001b]0;my title\u0007title gone"));
        assertEquals("st too", Ansi.line("\u001b]8;;http://x\u001b\\st too"));
        assertEquals("box", Ansi.line("\u001b(0\u001b(Bbox"));
        assertEquals("bell", Ansi.line("be\u0007ll"));
        assertEquals("tab\there", Ansi.line("tab\there"));
        assertEquals("cut", Ansi.line("cut\u001b[3"), "an unfinished escape at the end is dropped");
        assertEquals("a b", Ansi.strip("a\u001b[32m b\u001b[0m"));
        assertEquals("x\r\ny", Ansi.strip("x\r\n\u001b[Ky"), "strip keeps line ends");
    }

    @Test
    void redrawsEndAsTheTerminalShowedThem() {
        assertEquals("line", Ansi.line("line\r"), "CRLF line end");
        assertEquals("100%", Ansi.line("10%\r50%\r100%"));
        assertEquals("doneress 90%", Ansi.line("progress 90%\rdone"), "plain \\r overwrites, like a terminal");
        assertEquals("done", Ansi.line("progress 90%\r\u001b[Kdone"), "with erase-line, the old text goes");
        assertEquals("done", Ansi.line("progress 90%\u001b[2K\rdone"));
        assertEquals("ab", Ansi.line("abc\b\u001b[K"));
        assertEquals("  x", Ansi.line("\u001b[3Gx"));
        assertEquals("héllo ✓", Ansi.line("hello ✓\r\u001b[Cé"));
    }

    private Path log(String text) throws IOException {
        Path p = dir.resolve("output.log");
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static List<String> texts(List<OutputLog.Line> lines) {
        return lines.stream().map(OutputLog.Line::text).toList();
    }

    @Test
    void tailReadsBackwardsAndKnowsWholeLinesFromTheOneBeingWritten() throws IOException {
        Path p = log("one\r\ntwo\r\n\r\nthree\r\nprompt> ");
        long size = Files.size(p);
        List<OutputLog.Line> last = OutputLog.tail(p, 0, size, 2, l -> true);
        assertEquals(List.of("three", "prompt> "), texts(last));
        assertTrue(last.get(0).complete());
        assertFalse(last.get(1).complete());
        assertEquals(size, last.get(1).end());
        assertEquals(List.of("one", "two", "", "three", "prompt> "), texts(OutputLog.tail(p, 0, size, 99, l -> true)));
        assertEquals(List.of("two"), texts(OutputLog.tail(p, 0, size, 1, l -> l.text().startsWith("t") && l.text().length() == 3)));
        assertEquals(List.of("two", ""), texts(OutputLog.tail(p, 5, 12, 5, l -> true)), "floor and end bound the range");
        assertEquals(List.of(), OutputLog.tail(dir.resolve("missing.log"), 0, 10, 3, l -> true));
    }

    /** Random lines, some longer than a read block, against a plain split of the whole file. */
    @Test
    void tailAgreesWithAPlainSplitAcrossBlockEdges() throws IOException {
        Random rnd = new Random(42);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int len = rnd.nextInt(10) == 0 ? 70_000 + rnd.nextInt(5000) : rnd.nextInt(300);
            String line = ("L" + i + "-").repeat(len / 2 + 1).substring(0, Math.max(1, len));
            lines.add(line);
            bytes.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Path p = dir.resolve("big.log");
        Files.write(p, bytes.toByteArray());
        long size = Files.size(p);
        byte[] all = bytes.toByteArray();
        for (int n : new int[] {1, 2, 7, 50, 399, 400, 1000}) {
            List<String> want = lines.subList(Math.max(0, lines.size() - n), lines.size());
            List<OutputLog.Line> got = OutputLog.tail(p, 0, size, n, l -> true);
            assertEquals(want, got.stream().map(OutputLog.Line::raw).toList(), "tail " + n);
            for (OutputLog.Line l : got) {
                byte[] at = java.util.Arrays.copyOfRange(all, (int) l.offset(), (int) l.end());
                assertEquals(l.raw() + "\n", new String(at, StandardCharsets.UTF_8), "offsets point at the line");
            }
        }
        List<String> every = new ArrayList<>();
        OutputLog.forEach(p, 0, size, l -> every.add(l.raw()));
        assertEquals(lines, every);
    }

    /** The point of reading backwards: a short tail of a 50 MiB log looks at a handful of lines, not a million. */
    @Test
    void aShortTailOfAHugeLogLooksOnlyAtItsEnd() throws IOException {
        Path p = dir.resolve("huge.log");
        byte[] line = "0123456789012345678901234567890123456789012345678\n".getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[line.length * 20_000];
        for (int i = 0; i < 20_000; i++) System.arraycopy(line, 0, block, i * line.length, line.length);
        try (var out = Files.newOutputStream(p)) {
            for (int i = 0; i < 55; i++) out.write(block);
            out.write("the end\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(Files.size(p) > 50L * 1024 * 1024);
        AtomicInteger looked = new AtomicInteger();
        List<OutputLog.Line> last = OutputLog.tail(p, 0, Files.size(p), 3, l -> looked.incrementAndGet() > 0);
        assertEquals("the end", last.get(2).text());
        assertEquals(3, looked.get(), "only the last lines are examined");
    }

    @Test
    void aFollowerHandsOutWholeLinesAndStartsOverWhenTheLogIsReplaced() throws IOException {
        Path p = log("a\nb");
        OutputLog.Follower f = new OutputLog.Follower(p, 0);
        assertEquals(List.of("a"), texts(f.poll()));
        assertEquals("b", f.rest().text());
        assertEquals(2, f.lineStart());
        Files.writeString(p, "c\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(List.of("bc"), texts(f.poll()));
        assertEquals(null, f.rest());
        assertEquals(List.of(), f.poll());
        Files.writeString(p, "new\n");
        assertEquals(List.of("new"), texts(f.poll()), "a shorter file is a new log");
        OutputLog.Follower missing = new OutputLog.Follower(dir.resolve("not-yet.log"), 0);
        assertEquals(List.of(), missing.poll());
    }
}
