package looop;

import java.util.List;
import looop.workers.Sessions;

/**
 * TEST DOUBLE: an engine with no workers, for tests of everything but
 * workers. Reading finds none; a worker move fails with one line, as a real
 * one that cannot start would. Doubles that need some behaviour extend it and
 * override just that.
 */
public class NoSessions implements Sessions {
    public static Sessions none() {
        return new NoSessions();
    }

    public List<Info> list() {
        return List.of();
    }

    public List<String> reapOlderThan(long ttlSeconds) {
        return List.of();
    }

    public List<String> prune() {
        return List.of();
    }

    public void start(String id, String prompt, String runner) {
        throw none(id);
    }

    public void steer(String id, String input) {
        throw none(id);
    }

    public void sendKeys(String id, List<String> keys) {
        throw none(id);
    }

    public void restart(String id) {
        throw none(id);
    }

    public void send(String id, String text, boolean enter) {
        throw none(id);
    }

    public void flag(String id, String note) {
        throw none(id);
    }

    public void unflag(String id) {
        throw none(id);
    }

    public void kill(String id) {
        throw none(id);
    }

    private static looop.io.UserError none(String id) {
        return new looop.io.UserError("worker sessions are not available (this test's engine has none); no session '" + id + "'");
    }
}
