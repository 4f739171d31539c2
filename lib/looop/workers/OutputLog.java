package looop.workers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import looop.io.Ansi;

/**
 * A session's output.log read by byte offset. A worker may print tens of
 * megabytes, so nothing here reads the whole file unless asked for all of it:
 * the last lines are found by reading blocks backwards from the end, and a
 * follower reads only the bytes appended since its last look.
 *
 * Lines split at '\n' (a byte that never occurs inside a UTF-8 character), so
 * every offset here is a byte offset into the file.
 */
public final class OutputLog {
    private OutputLog() {}

    private static final int BLOCK = 64 * 1024;

    /** One line: its byte offset, its bytes without the '\n', and whether the '\n' is there yet. */
    public record Line(long offset, byte[] bytes, boolean complete) {
        /** The offset just past this line: where a reader resumes. */
        public long end() {
            return offset + bytes.length + (complete ? 1 : 0);
        }

        /** The line as written, control bytes and all (a trailing '\r' included). */
        public String raw() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The line as the terminal left it: escapes gone, '\r' redraws applied. */
        public String text() {
            return Ansi.line(raw());
        }

        /** The exact bytes in the file, the '\n' included when present. */
        public byte[] fileBytes() {
            if (!complete) return bytes;
            byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
            out[bytes.length] = '\n';
            return out;
        }
    }

    /** The file's size now; 0 while it does not exist. */
    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The last n lines in [floor, to) that keep accepts, oldest first. Reads
     * 64 KiB blocks backwards from `to` and stops as soon as it has n, so the
     * cost follows the lines wanted, not the size of the file.
     */
    public static List<Line> tail(Path file, long floor, long to, int n, Predicate<Line> keep) {
        ArrayDeque<Line> found = new ArrayDeque<>();
        if (n <= 0 || to <= floor) return List.of();
        try (FileChannel ch = open(file)) {
            if (ch == null) return List.of();
            byte[] carry = new byte[0];
            long pos = to;
            while (found.size() < n && pos > floor) {
                long start = Math.max(floor, pos - BLOCK);
                byte[] block = concat(read(ch, start, (int) (pos - start)), carry);
                carry = linesBackwards(block, start, start == floor, n, keep, found);
                pos = start;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(found);
    }

    /**
     * Walks the lines of block (which starts at file offset base) from the last
     * to the first, adding kept ones to the front of found. The bytes up to the
     * block's first '\n' may be the end of a line that began in an earlier
     * block: they are handed back to be joined to it, unless the block starts at floor.
     */
    private static byte[] linesBackwards(byte[] block, long base, boolean atFloor, int n, Predicate<Line> keep,
            ArrayDeque<Line> found) {
        int end = block.length;
        boolean complete = false;
        for (int i = block.length - 1; i >= 0; i--) {
            if (block[i] != '\n') continue;
            offer(block, base, i + 1, end, complete, keep, found);
            if (found.size() >= n) return new byte[0];
            end = i;
            complete = true;
        }
        if (!atFloor) return java.util.Arrays.copyOfRange(block, 0, complete ? end + 1 : end);
        offer(block, base, 0, end, complete, keep, found);
        return new byte[0];
    }

    /** An empty stretch after the last '\n' is no line; an empty one before a '\n' is a blank line. */
    private static void offer(byte[] block, long base, int from, int end, boolean complete, Predicate<Line> keep,
            ArrayDeque<Line> found) {
        if (from == end && !complete) return;
        Line line = new Line(base + from, java.util.Arrays.copyOfRange(block, from, end), complete);
        if (keep.test(line)) found.addFirst(line);
    }

    /**
     * Hands every line in [from, to) to sink, in order, streaming: the range can
     * be the whole file. A last line without its '\n' comes out with complete = false.
     */
    public static void forEach(Path file, long from, long to, Consumer<Line> sink) {
        Splitter split = new Splitter(from);
        try (FileChannel ch = open(file)) {
            if (ch == null) return;
            for (long pos = from; pos < to; ) {
                int len = (int) Math.min(BLOCK, to - pos);
                byte[] block = read(ch, pos, len);
                if (block.length == 0) break;
                split.feed(block, sink);
                pos += block.length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        split.flush(sink);
    }

    /**
     * Reads what was appended since the last poll and returns the lines it
     * completed. A line still being written stays pending until its '\n'
     * arrives or the reader calls {@link #rest}. A file that shrank was
     * replaced (a restarted session): reading starts over from its beginning.
     */
    public static final class Follower {
        private final Path file;
        private Splitter split;
        private long pos;

        public Follower(Path file, long from) {
            this.file = file;
            this.pos = from;
            this.split = new Splitter(from);
        }

        public List<Line> poll() {
            List<Line> out = new ArrayList<>();
            long size = size(file);
            if (size < pos) {
                pos = 0;
                split = new Splitter(0);
            }
            if (size > pos) {
                forEachBlock(size, block -> split.feed(block, out::add));
            }
            return out;
        }

        private void forEachBlock(long to, Consumer<byte[]> use) {
            try (FileChannel ch = open(file)) {
                if (ch == null) return;
                while (pos < to) {
                    byte[] block = read(ch, pos, (int) Math.min(BLOCK, to - pos));
                    if (block.length == 0) return;
                    use.accept(block);
                    pos += block.length;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The line still waiting for its '\n', or null: for when no more output will come. */
        public Line rest() {
            return split.pending();
        }

        /** Where the next complete line will start: the resume point for a script. */
        public long lineStart() {
            return split.lineStart;
        }

        /** Bytes read so far, pending ones included. */
        public long position() {
            return pos;
        }
    }

    /** Cuts a stream of blocks into lines, remembering the unfinished one. */
    private static final class Splitter {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        long lineStart;

        Splitter(long start) {
            this.lineStart = start;
        }

        void feed(byte[] block, Consumer<Line> sink) {
            int from = 0;
            for (int i = 0; i < block.length; i++) {
                if (block[i] != '\n') continue;
                partial.write(block, from, i - from);
                byte[] bytes = partial.toByteArray();
                partial.reset();
                sink.accept(new Line(lineStart, bytes, true));
                lineStart += bytes.length + 1;
                from = i + 1;
            }
            partial.write(block, from, block.length - from);
        }

        Line pending() {
            return partial.size() == 0 ? null : new Line(lineStart, partial.toByteArray(), false);
        }

        void flush(Consumer<Line> sink) {
            Line rest = pending();
            if (rest != null) sink.accept(rest);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static byte[] read(FileChannel ch, long at, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at + buf.position());
            if (n < 0) break;
        }
        return java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (b.length == 0) return a;
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
