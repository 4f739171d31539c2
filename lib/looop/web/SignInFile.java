package looop.web;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import looop.io.Fs;

/**
 * The file `looop web --open` hands the browser, as Jupyter does: a page
 * (0600, in the data dir's private/, which no sandbox sees) that moves the
 * browser on to `/login?code=…` with a one-time code. It always holds a code
 * that works: a new one after its own is used, and before it runs out, so
 * opening the file again signs in another browser. Deleted when the page stops.
 */
final class SignInFile implements AutoCloseable {
    private final Path file;
    private final Guard guard;
    private final String base;
    private final PrintStream log;
    private final ScheduledExecutorService timer;
    private String code;

    SignInFile(Path file, Guard guard, String base, PrintStream log) {
        this.file = file;
        this.guard = guard;
        this.base = base;
        this.log = log;
        refresh();
        long every = Guard.CODE_TTL.toSeconds() / 2;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "looop-web-sign-in");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::refreshQuietly, every, every, TimeUnit.SECONDS);
    }

    Path path() {
        return file;
    }

    /** A code was just traded for a cookie: when it was this file's, the file gets the next one. */
    synchronized void used(String redeemed) {
        if (redeemed.equals(code)) refreshQuietly();
    }

    private synchronized void refresh() {
        String next = guard.newCode();
        Fs.writeAtomic(file, html(base + "login?code=" + next));
        code = next;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.println("looop web: could not renew the sign-in file " + file + ": " + e.getMessage());
        }
    }

    /** A redirect by meta refresh, and a link for a browser that does not follow one. */
    static String html(String url) {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url=" + url + "\">"
                + "<title>looop: signing in</title></head>\n<body><p>Signing in to looop… <a href=\"" + url + "\">continue</a></p></body></html>\n";
    }

    @Override
    public void close() {
        timer.shutdownNow();
        Fs.delete(file);
    }
}
