package looop;

import java.util.List;
import looop.workers.SessionState;

/** Sessions whose states a test sets by hand; the worker-driving verbs are not needed here. */
public final class FakeSessions extends NoSessions {
    private volatile List<Info> infos;

    public FakeSessions(Info... infos) {
        set(infos);
    }

    public void set(Info... infos) {
        this.infos = List.of(infos);
    }

    public static Info running(String id) {
        return new Info(id, SessionState.RUNNING, null, null);
    }

    public static Info exited(String id, int code) {
        return new Info(id, SessionState.EXITED, code, null);
    }

    public List<Info> list() {
        return infos;
    }

    public void start(String id, String prompt, String runner) {
        throw new UnsupportedOperationException();
    }

    public void steer(String id, String input) {
        throw new UnsupportedOperationException();
    }

    public void sendKeys(String id, List<String> keys) {
        throw new UnsupportedOperationException();
    }

    public void restart(String id) {
        throw new UnsupportedOperationException();
    }

    public List<String> reapOlderThan(long ttlSeconds) {
        throw new UnsupportedOperationException();
    }
}
