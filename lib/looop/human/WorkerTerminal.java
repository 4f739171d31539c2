package looop.human;

import looop.io.UserError;
import looop.profile.Paths;
import looop.workers.SessionView;
import looop.workers.Sessions;

/** Tell delivery's view of a real worker: the engine's liveness, the tmux screen, typing through the engine's send. */
public final class WorkerTerminal implements Terminal {
    private final Sessions sessions;
    private final SessionView view;

    public WorkerTerminal(Paths paths, Sessions sessions) {
        this.sessions = sessions;
        this.view = new SessionView(paths);
    }

    @Override
    public boolean alive(String worker) {
        return sessions.isAlive(worker);
    }

    @Override
    public String fingerprint(String worker) {
        try {
            SessionView.Screen s = view.screen(worker, true);
            return s.cols() + "x" + s.rows() + "@" + s.cursorX() + "," + s.cursorY() + "\n" + String.join("\n", s.lines());
        } catch (UserError e) {
            return null; // ended between two looks
        }
    }

    @Override
    public void type(String worker, String text) {
        sessions.steer(worker, text);
    }
}
