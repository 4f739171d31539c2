package looop.workers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import looop.io.ExitCode;
import looop.io.Json;
import looop.io.UserError;

/**
 * `looop log`: a session's output.log for people and for scripts.
 *
 * Text (the default) is what the terminal showed: escape sequences stripped,
 * `\r\n` made `\n`, a line redrawn with `\r` shown as it ended up. --raw prints
 * the file's bytes as they are. --grep always matches the text without escapes.
 *
 * --since N starts at byte offset N of output.log (an offset past the end means
 * the log was replaced, e.g. by a restart: it starts over at 0). --json prints
 * one object `{"id","offset_start","offset_end","lines":[…]}`, where
 * offset_end is where the next call resumes: `--since <offset_end>` returns
 * exactly what came after, no line split or repeated. So a --json reply holds
 * only whole lines while the session lives (the line being written waits for
 * its '\n'); once the session has ended, its last unfinished line is included.
 * offset_start is N (or 0), or with --tail the offset of the oldest line shown.
 *
 * --follow prints the selection, then every line as it completes, until the
 * session ends (its last unfinished line included), then exits 0; on a session
 * that has already ended it is the same as without. With --json it prints one
 * object of the same shape per batch of new lines.
 */
public final class SessionLog {
    private static final long FOLLOW_POLL_MS = 100;

    /** What to print. tail and since are null when not given. */
    public record Query(Integer tail, Pattern grep, Long since, boolean follow, boolean raw, boolean json) {
        public Query {
            if (tail != null && tail < 0) throw new UserError("--tail takes a number of lines ≥ 0, got " + tail, ExitCode.USAGE);
            if (since != null && since < 0) throw new UserError("--since takes a byte offset ≥ 0 (from --json's offset_end), got " + since, ExitCode.USAGE);
        }

        boolean keeps(OutputLog.Line line) {
            return grep == null || grep.matcher(line.text()).find();
        }
    }

    private final SessionView view;
    private final PrintStream out;

    public SessionLog(SessionView view, PrintStream out) {
        this.view = view;
        this.out = out;
    }

    public int print(String id, Query q) {
        Path file = view.files(id).output();
        long size = OutputLog.size(file);
        long from = q.since() == null || q.since() > size ? 0 : q.since();
        boolean ended = view.ended(id);
        boolean wholeLinesOnly = !ended && (q.follow() || q.json());
        long to = wholeLinesOnly ? endOfLastWholeLine(file, from, size) : size;
        if (q.tail() != null) {
            List<OutputLog.Line> lines = OutputLog.tail(file, from, to, q.tail(), q::keeps);
            emit(id, q, lines.isEmpty() ? to : lines.get(0).offset(), to, lines::forEach);
        } else {
            final long start = from;
            emit(id, q, start, to, sink -> OutputLog.forEach(file, start, to, line -> {
                if (q.keeps(line)) sink.accept(line);
            }));
        }
        if (q.follow() && !ended) follow(id, q, file, to);
        return 0;
    }

    /** Where the range's last complete line ends: the unfinished line after it is not printed yet. */
    private static long endOfLastWholeLine(Path file, long from, long size) {
        List<OutputLog.Line> last = OutputLog.tail(file, from, size, 1, l -> true);
        return last.isEmpty() || last.get(0).complete() ? size : last.get(0).offset();
    }

    private void follow(String id, Query q, Path file, long from) {
        OutputLog.Follower follower = new OutputLog.Follower(file, from);
        SessionView.EndWatch end = view.endWatch(id);
        while (!out.checkError()) {
            boolean over = end.ended(); // asked before reading, so the last read sees everything it printed
            List<OutputLog.Line> got = new ArrayList<>(follower.poll());
            if (over && follower.rest() != null) got.add(follower.rest());
            List<OutputLog.Line> kept = got.stream().filter(q::keeps).toList();
            if (!kept.isEmpty()) emit(id, q, got.get(0).offset(), got.get(got.size() - 1).end(), kept::forEach);
            if (over) return;
            SessionView.nap(FOLLOW_POLL_MS);
        }
    }

    /** Prints lines as text, raw bytes, or one JSON object with the offsets. */
    private void emit(String id, Query q, long start, long end, Consumer<Consumer<OutputLog.Line>> lines) {
        if (!q.json()) {
            lines.accept(line -> {
                if (q.raw()) out.writeBytes(line.fileBytes());
                else out.println(line.text());
            });
            out.flush();
            return;
        }
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("offset_start", start);
        o.put("offset_end", end);
        ArrayNode arr = o.putArray("lines");
        lines.accept(line -> arr.add(q.raw() ? line.raw() : line.text()));
        out.println(Json.canonical(o));
        out.flush();
    }
}
