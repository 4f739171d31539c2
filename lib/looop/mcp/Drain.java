package looop.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;
import looop.io.Json;

/**
 * Whether every request read has been answered, and whether the input has
 * ended. A client that writes its requests and closes stdin at once (a
 * script, `printf … | looop mcp`) still gets every answer: the SDK closes
 * its session when it reads the end, so the end is handed on only once
 * nothing asked is unanswered (or a ceiling passed).
 */
final class Drain {
    private final long ceilingMs;
    private long asked;
    private long answered;
    private boolean ended;

    /** ceilingMs: how long, after the input ended, the last answers may take. */
    Drain(long ceilingMs) {
        this.ceilingMs = ceilingMs;
    }

    /** in, counting the requests (a line with "method" and "id") it carries; its end is held until they are answered. */
    InputStream in(InputStream raw) {
        return new TappedIn(raw, line -> count(line, true), this::end);
    }

    /** out, counting the answers (a line with "id" and "result" or "error") written to it. */
    OutputStream out(OutputStream raw) {
        return new TappedOut(raw, line -> count(line, false));
    }

    /** Blocks until the input ended (after its last answers). */
    synchronized void awaitEnd() throws InterruptedException {
        while (!ended) wait();
    }

    /** The input ended: wait for the answers still owed (up to the ceiling), then say so. */
    private synchronized void end() {
        long until = System.currentTimeMillis() + ceilingMs;
        try {
            for (long left = ceilingMs; answered < asked && left > 0; left = until - System.currentTimeMillis()) wait(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ended = true;
        notifyAll();
    }

    private void count(String line, boolean input) {
        if (line.isBlank()) return;
        JsonNode n = Json.parseOrNull(line);
        if (n == null || !n.has("id")) return;
        synchronized (this) {
            if (input && n.has("method")) asked++;
            if (!input && (n.has("result") || n.has("error"))) answered++;
            notifyAll();
        }
    }

    /** Hands each complete line (without its newline) to a consumer as the bytes pass. */
    private static final class Lines {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final Consumer<String> each;

        Lines(Consumer<String> each) {
            this.each = each;
        }

        void bytes(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    each.accept(line.toString(java.nio.charset.StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b[i]);
                }
            }
        }
    }

    private static final class TappedIn extends FilterInputStream {
        private final Lines lines;
        private final Runnable onEnd;

        TappedIn(InputStream in, Consumer<String> each, Runnable onEnd) {
            super(in);
            this.lines = new Lines(each);
            this.onEnd = onEnd;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                onEnd.run();
                throw e;
            }
            if (n < 0) onEnd.run();
            else lines.bytes(b, off, n);
            return n;
        }

        @Override
        public void close() throws IOException {
            onEnd.run();
            super.close();
        }
    }

    private static final class TappedOut extends FilterOutputStream {
        private final Lines lines;

        TappedOut(OutputStream out, Consumer<String> each) {
            super(out);
            this.lines = new Lines(each);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            lines.bytes(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            lines.bytes(b, off, len);
        }
    }
}
