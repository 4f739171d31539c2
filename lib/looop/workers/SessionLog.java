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
    /** A render is a throwaway tmux server: a few a second at most. */
    private static final long RENDER_POLL_MS = 300;

    /** What to print. tail and since are null when not given. */
    public record Query(Integer tail, Pattern grep, Long since, boolean follow, boolean raw, boolean json, boolean colour) {
        public Query(Integer tail, Pattern grep, Long since, boolean follow, boolean raw, boolean json) {
            this(tail, grep, since, follow, raw, json, false);
        }

        public Query {
            if (tail != null && tail < 0) throw new UserError("--tail takes a number of lines ≥ 0, got " + tail, ExitCode.USAGE);
            if (since != null && since < 0) throw new UserError("--since takes a byte offset ≥ 0 (from --json's offset_end), got " + since, ExitCode.USAGE);
        }

        boolean keeps(OutputLog.Line line) {
            return grep == null || grep.matcher(line.text()).find();
        }

        boolean keeps(String rendered) {
            return grep == null || grep.matcher(colour ? looop.io.Ansi.strip(rendered) : rendered).find();
        }

        boolean inColour() {
            return colour && !json;
        }
    }

    private final SessionView view;
    private final PrintStream out;

    public SessionLog(SessionView view, PrintStream out) {
        this.view = view;
        this.out = out;
    }

    public int print(String id, Query q) {
        if (!q.raw()) return printRendered(id, q);
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

    /**
     * The log as a terminal showed it ({@link TerminalReplay}). --since N shows
     * the lines the render of the first N bytes had not finished yet (see
     * {@link TerminalReplay.Rendered#finished}); while the session lives, --json
     * and --follow hand out only finished lines (those above the cursor's row),
     * so `--since <offset_end>` goes on where a reply stopped. --follow renders
     * again whenever the log grows and prints the lines finished since.
     */
    private int printRendered(String id, Query q) {
        Path file = view.files(id).output();
        long size = OutputLog.size(file);
        boolean ended = view.ended(id);
        long from = q.since() == null || q.since() > size ? 0 : q.since();
        boolean finishedOnly = !ended && (q.follow() || q.json());
        long to = finishedOnly ? Math.max(from, endOfLastWholeLine(file, from, size)) : size;
        int skip = from == 0 ? 0 : view.rendered(id, from, false).finished().size();
        List<String> shown = new ArrayList<>();
        int upTo = skip;
        if (from < to) { // no new bytes, no new lines
            TerminalReplay.Rendered r = view.rendered(id, to, q.inColour());
            List<String> lines = finishedOnly ? r.finished() : r.lines();
            upTo = Math.max(skip, lines.size());
            for (int i = skip; i < lines.size(); i++) {
                if (q.keeps(lines.get(i))) shown.add(lines.get(i));
            }
        }
        if (q.tail() != null) shown = shown.subList(Math.max(0, shown.size() - q.tail()), shown.size());
        emitRendered(id, q, from, to, shown);
        if (q.follow() && !ended) followRendered(id, q, file, to, upTo);
        return 0;
    }

    private void followRendered(String id, Query q, Path file, long seen, int printed) {
        try (SessionView.Renders renders = view.renders(id, q.inColour())) {
            followRendered(id, q, file, seen, printed, renders);
        }
    }

    private void followRendered(String id, Query q, Path file, long seen, int printed, SessionView.Renders renders) {
        SessionView.EndWatch end = view.endWatch(id);
        while (!out.checkError()) {
            boolean over = end.ended(); // asked before reading, so the last render sees everything it printed
            long size = OutputLog.size(file);
            if (size < seen) printed = 0; // a restarted session: its log starts over
            if (size != seen || over) {
                TerminalReplay.Rendered r = renders.upTo(size);
                List<String> lines = over ? r.lines() : r.finished(); // lines above the cursor's row are done
                List<String> kept = new ArrayList<>();
                for (int i = printed; i < lines.size(); i++) {
                    if (q.keeps(lines.get(i))) kept.add(lines.get(i));
                }
                if (!kept.isEmpty()) emitRendered(id, q, seen, size, kept);
                printed = Math.max(printed, lines.size());
                seen = size;
            }
            if (over) return;
            SessionView.nap(RENDER_POLL_MS);
        }
    }

    private void emitRendered(String id, Query q, long start, long end, List<String> lines) {
        if (!q.json()) {
            lines.forEach(out::println);
            out.flush();
            return;
        }
        printJson(id, start, end, lines);
    }

    /** One JSON object with the lines and their byte offsets: the one --json shape, rendered or raw. */
    private void printJson(String id, long start, long end, List<String> lines) {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("offset_start", start);
        o.put("offset_end", end);
        ArrayNode arr = o.putArray("lines");
        lines.forEach(arr::add);
        out.println(Json.canonical(o));
        out.flush();
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
        List<String> texts = new ArrayList<>();
        lines.accept(line -> texts.add(q.raw() ? line.raw() : line.text()));
        printJson(id, start, end, texts);
    }
}
