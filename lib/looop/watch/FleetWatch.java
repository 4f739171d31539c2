package looop.watch;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import looop.io.ExitCode;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Paths;
import looop.workers.OutputLog;
import looop.workers.SessionView;
import looop.workers.Sessions;

/**
 * `looop watch` with no id: a live, read-only view of the fleet in the
 * terminal. The table of workers is read again every second, the selected
 * worker's screen several times a second (its live tmux screen, or once it
 * has ended its log as a terminal showed it), and the terminal is redrawn
 * only when what it would show changed. Nothing here types into a worker.
 */
public final class FleetWatch {
    private static final long KEY_WAIT_MS = 100;
    private static final long ROWS_EVERY_MS = 1000;
    private static final long SCREEN_EVERY_MS = 300;
    private static final long SIZE_EVERY_MS = 500;

    private final FleetRows fleet;
    private final SessionView view;

    private List<FleetRows.Row> rows = List.of();
    private String selectedId;
    private int selected;
    private int scroll;
    private Frame.Content content = new Frame.Content("", List.of());
    private String renderedKey;
    /** Why the table could not be read afresh, shown until it can; null when it was. */
    private String problem;

    public FleetWatch(Paths paths, Clock clock, Sessions sessions, Supplier<Config> config) {
        this.fleet = new FleetRows(paths, clock, sessions, config);
        this.view = new SessionView(paths);
    }

    /** Runs until q (or Ctrl-C); onTerminal false is one line saying how to see the fleet without one. */
    public int run(boolean onTerminal, InputStream in, PrintStream out) {
        if (!onTerminal) throw RawTerminal.noTerminal();
        try (RawTerminal term = RawTerminal.open(out)) {
            loop(term, new Keys(in));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK;
    }

    private void loop(RawTerminal term, Keys keys) throws InterruptedException {
        long nextRows = 0, nextScreen = 0, nextSize = 0;
        int[] size = term.size();
        List<String> shown = null;
        while (true) {
            long now = System.currentTimeMillis();
            if (now >= nextSize) {
                size = term.size();
                nextSize = now + SIZE_EVERY_MS;
            }
            if (now >= nextRows) {
                readRows();
                nextRows = now + ROWS_EVERY_MS;
            }
            if (now >= nextScreen) {
                content = contentOf(selectedId);
                nextScreen = now + SCREEN_EVERY_MS;
            }
            List<String> frame = Frame.draw(rows, selected, content, scroll, size[0], size[1], problem);
            if (!frame.equals(shown)) {
                term.draw(frame);
                shown = frame;
            }
            Keys.Key key = keys.next(KEY_WAIT_MS);
            if (key == Keys.Key.QUIT) return;
            if (key != null && act(key, size[1])) nextScreen = 0; // another worker: its screen now, not in a moment
        }
    }

    /** The table afresh; the selection stays on its worker while it is listed. */
    private void readRows() {
        try {
            rows = fleet.read();
            problem = null;
        } catch (UserError | java.io.UncheckedIOException e) { // say, looop.json mid-edit: the last table stays, with why
            problem = e.getMessage();
        }
        int at = -1;
        for (int i = 0; i < rows.size(); i++) if (rows.get(i).id().equals(selectedId)) at = i;
        selected = at >= 0 ? at : Math.max(0, Math.min(selected, rows.size() - 1));
        String id = rows.isEmpty() ? null : rows.get(selected).id();
        if (id != null && !id.equals(selectedId)) scroll = 0;
        selectedId = id;
    }

    /** Moves the selection or scrolls; true when another worker is selected. */
    private boolean act(Keys.Key key, int height) {
        int page = Math.max(1, Frame.contentHeight(rows.size(), height) - 1);
        int max = Frame.maxScroll(content, rows.size(), height);
        switch (key) {
            case UP, PREVIOUS -> select(key == Keys.Key.PREVIOUS && selected == 0 ? rows.size() - 1 : selected - 1);
            case DOWN -> select(selected + 1);
            case NEXT -> select(selected + 1 >= rows.size() ? 0 : selected + 1);
            case PAGE_UP -> scroll = Math.min(max, scroll + page);
            case PAGE_DOWN -> scroll = Math.max(0, scroll - page);
            case HOME -> scroll = max;
            case END -> scroll = 0;
            default -> { }
        }
        return key == Keys.Key.UP || key == Keys.Key.DOWN || key == Keys.Key.NEXT || key == Keys.Key.PREVIOUS;
    }

    private void select(int index) {
        if (rows.isEmpty()) return;
        int to = Math.max(0, Math.min(index, rows.size() - 1));
        if (to != selected) scroll = 0;
        selected = to;
        selectedId = rows.get(to).id();
    }

    /**
     * What the worker shows: its live screen down to the cursor's row, or once
     * it has ended its whole log as a terminal showed it (rendered again only
     * when the log changed: a render is a throwaway tmux server).
     */
    private Frame.Content contentOf(String id) {
        if (id == null) return new Frame.Content("no worker selected", List.of());
        try {
            if (view.tmux().has(id)) {
                SessionView.Screen s = view.screen(id, false);
                List<String> lines = new java.util.ArrayList<>(s.trimmed());
                while (lines.size() <= s.cursorY()) lines.add("");
                return new Frame.Content(id + " · live screen", lines);
            }
            long size = OutputLog.size(view.files(id).output());
            String key = id + "@" + size;
            if (!key.equals(renderedKey) || !content.title().startsWith(id + " ")) {
                List<String> lines = size == 0 ? List.of("(it printed nothing)") : view.rendered(id, size, false).lines();
                content = new Frame.Content(id + " · " + view.state(id).word() + " · its log as a terminal showed it", lines);
                renderedKey = key;
            }
            return content;
        } catch (UserError | java.io.UncheckedIOException e) {
            return new Frame.Content(id, List.of(e.getMessage()));
        }
    }
}
