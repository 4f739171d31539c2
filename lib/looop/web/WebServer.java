package looop.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import looop.io.Json;
import looop.io.UserError;

/**
 * The page's HTTP side, on the JDK's own HttpServer (no dependency to fetch
 * or keep up): routes, the Guard in front of each, and answers as HTML, JSON,
 * CSS or JS. It holds no state beyond its key and sign-in codes (Guard); each
 * request reads the data dir afresh through Fleet, and each answer or tell
 * goes through HumanActions.
 *
 * <pre>
 * GET  /login?code=… trades a one-time code for the session cookie, then moves on to /
 * GET  /             the page
 * GET  /app.css      its stylesheet        GET /app.js   its script
 * GET  /api/state    everything the page shows, as one JSON object
 * GET  /diff/&lt;id&gt;    worker id's whole diff against its base (`looop diff id`), escaped
 * POST /api/answer   id, text: answers id's pending ask
 * POST /api/tell     id, text: tells live worker id
 * </pre>
 */
public final class WebServer implements AutoCloseable {
    /** An answer or a tell is a line or a paragraph, not an upload. */
    public static final int MAX_BODY = 64 * 1024;
    /** How long a sign-in code works, if unused. */
    public static final java.time.Duration CODE_TTL = Guard.CODE_TTL;
    private static final int THREADS = 4;
    private static final String DIFF = "/diff/";

    private final HttpServer server;
    private final ExecutorService pool;
    private final Guard guard;
    private final Fleet fleet;
    private final HumanActions human;
    private final PrintStream log;
    private volatile SignInFile signInFile;

    private WebServer(HttpServer server, ExecutorService pool, Guard guard, Fleet fleet, HumanActions human, PrintStream log) {
        this.server = server;
        this.pool = pool;
        this.guard = guard;
        this.fleet = fleet;
        this.human = human;
        this.log = log;
    }

    /** Binds bind:port (port 0: a free one) and starts serving; log gets one line per unexpected server error. */
    public static WebServer start(Fleet fleet, HumanActions human, InetAddress bind, int port, PrintStream log) {
        return start(fleet, human, bind, port, log, null, Clock.systemUTC());
    }

    /**
     * The same, with a sign-in file kept in signInDir as web-&lt;port&gt;.html (null:
     * none; see SignInFile), and clock timing the sign-in codes.
     */
    public static WebServer start(Fleet fleet, HumanActions human, InetAddress bind, int port, PrintStream log, Path signInDir, Clock clock) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        } catch (java.net.BindException e) {
            throw new UserError("cannot listen on " + hostText(bind) + ":" + port + " (" + e.getMessage()
                    + "); pick another --port, or leave it out for a free one");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "looop-web");
            t.setDaemon(true);
            return t;
        });
        WebServer web = new WebServer(server, pool, new Guard(bind, server.getAddress().getPort(), clock), fleet, human, log);
        try {
            if (signInDir != null) {
                Path file = signInDir.resolve("web-" + web.address().getPort() + ".html");
                web.signInFile = new SignInFile(file, web.guard, web.url().toString(), log);
            }
        } catch (RuntimeException e) {
            web.close();
            throw e;
        }
        server.createContext("/", web::handle);
        server.setExecutor(pool);
        server.start();
        return web;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The page's address, which alone opens nothing: on the bound address, or on 127.0.0.1 when bound to every address. */
    public URI url() {
        InetAddress a = address().getAddress();
        String host = a.isAnyLocalAddress() ? "127.0.0.1" : hostText(a);
        return URI.create("http://" + host + ":" + address().getPort() + "/");
    }

    /** A link that signs in one browser, once, within Guard.CODE_TTL. */
    public URI signInUrl() {
        return url().resolve("login?code=" + guard.newCode());
    }

    /** The sign-in file, or null when started without one. */
    public Path signInFile() {
        SignInFile f = signInFile;
        return f == null ? null : f.path();
    }

    static String hostText(InetAddress a) {
        return a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        if (signInFile != null) signInFile.close();
    }

    // -- requests -------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try {
            Guard.secure(ex);
            if (!guard.hostAllowed(ex)) {
                send(ex, 403, "text/plain; charset=utf-8", "403: this page answers only to its own address (127.0.0.1, localhost or [::1] and its port)\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/login") && method.equals("GET")) {
                login(ex);
                return;
            }
            if (!guard.allows(ex)) {
                send(ex, 401, "text/plain; charset=utf-8", "401: not signed in; open the sign-in file or the one-time link `looop web` printed\n");
                return;
            }
            if (method.equals("POST")) {
                post(ex, path);
            } else if (method.equals("GET") || method.equals("HEAD")) {
                get(ex, path);
            } else {
                ex.getResponseHeaders().set("Allow", "GET, POST");
                send(ex, 405, "text/plain; charset=utf-8", "405: " + method + " is not served here\n");
            }
        } catch (RuntimeException e) {
            log.println("looop web: " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " failed: " + e);
            try {
                send(ex, 500, "text/plain; charset=utf-8", "500: " + e.getMessage() + "\n");
            } catch (IOException | RuntimeException alreadyAnswered) {
                // headers were out already; the client sees a cut answer
            }
        } finally {
            ex.close();
        }
    }

    private void get(HttpExchange ex, String path) throws IOException {
        if (path.startsWith(DIFF)) {
            diff(ex, path.substring(DIFF.length()));
            return;
        }
        switch (path) {
            case "/" -> send(ex, 200, "text/html; charset=utf-8", Page.render(fleet.state()));
            case "/app.css" -> send(ex, 200, "text/css; charset=utf-8", Assets.CSS);
            case "/app.js" -> send(ex, 200, "text/javascript; charset=utf-8", Assets.JS);
            case "/api/state" -> send(ex, 200, "application/json", Json.canonical(fleet.state()));
            case "/api/answer", "/api/tell" -> {
                ex.getResponseHeaders().set("Allow", "POST");
                send(ex, 405, "text/plain; charset=utf-8", "405: " + path + " takes a POST\n");
            }
            default -> send(ex, 404, "text/plain; charset=utf-8", "404: nothing at " + path + "\n");
        }
    }

    /**
     * Trades a one-time code for the cookie, then moves on to / by a page of
     * its own, not a redirect: a SameSite=Strict cookie is not sent along a
     * redirect chain that began elsewhere (the sign-in file), and this way
     * the address bar ends at / with nothing in it.
     */
    private void login(HttpExchange ex) throws IOException {
        String code = Guard.query(ex.getRequestURI(), "code");
        if (!guard.redeem(code)) {
            send(ex, 401, "text/plain; charset=utf-8", "401: this sign-in code was used already or is older than "
                    + Guard.CODE_TTL.toMinutes() + " minutes; open the sign-in file `looop web` named again, or restart `looop web`\n");
            return;
        }
        SignInFile f = signInFile;
        if (f != null) f.used(code);
        ex.getResponseHeaders().add("Set-Cookie", guard.setCookie());
        send(ex, 200, "text/html; charset=utf-8", "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url=/\">"
                + "<title>looop: signed in</title></head>\n<body><p>Signed in. <a href=\"/\">Open the page</a></p></body></html>\n");
    }

    /** A worker's whole diff as a page of its own, every line escaped; 404 for a worker without a worktree. */
    private void diff(HttpExchange ex, String id) throws IOException {
        looop.git.Diff d;
        try {
            d = fleet.diff(id);
        } catch (UserError e) {
            send(ex, 409, "text/plain; charset=utf-8", "409: " + e.getMessage() + "\n");
            return;
        }
        if (d == null) {
            send(ex, 404, "text/plain; charset=utf-8", "404: no worker with a worktree called " + id + "\n");
            return;
        }
        send(ex, 200, "text/html; charset=utf-8", Page.diff(d));
    }

    private void post(HttpExchange ex, String path) throws IOException {
        if (!Guard.sameOrigin(ex)) {
            send(ex, 403, "text/plain; charset=utf-8", "403: a change must come from this page itself (Origin or Referer must match the Host)\n");
            return;
        }
        if (!path.equals("/api/answer") && !path.equals("/api/tell")) {
            send(ex, 404, "text/plain; charset=utf-8", "404: nothing to post to at " + path + "\n");
            return;
        }
        Map<String, String> form = form(ex);
        if (form == null) {
            reply(ex, 413, "error", "too long: an answer or a tell is at most " + MAX_BODY / 1024 + " KiB");
            return;
        }
        String id = form.getOrDefault("id", "").strip();
        String text = form.getOrDefault("text", "");
        if (id.isEmpty() || text.isBlank()) {
            reply(ex, 400, "error", "give both an id and a text");
            return;
        }
        try {
            String line = path.equals("/api/answer") ? human.answer(id, text) : human.tell(id, text);
            reply(ex, 200, "message", line);
        } catch (UserError e) {
            reply(ex, e.exitCode() == 2 ? 400 : 409, "error", e.getMessage());
        }
    }

    /** The form fields of an urlencoded body; null when the body is over MAX_BODY. */
    private static Map<String, String> form(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) return null;
        Map<String, String> out = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** JSON for the page's script; a plain form post (no script) is sent back to the page. */
    private static void reply(HttpExchange ex, int status, String key, String text) throws IOException {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        if (status == 200 && (accept == null || !accept.contains("application/json"))) {
            ex.getResponseHeaders().set("Location", "/");
            send(ex, 303, "text/plain; charset=utf-8", text + "\n");
            return;
        }
        ObjectNode o = Json.object();
        o.put(key, text);
        send(ex, status, "application/json", Json.canonical(o));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
