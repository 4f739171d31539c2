package looop;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol, with no
 * dependency beyond the JDK's WebSocket client and Jackson. CDP rather than
 * Selenium because the protocol needs only JSON over one WebSocket, so there is
 * no chromedriver version to match and no jar tree to fetch.
 *
 * <p>One browser, one page. Every wait has a generous ceiling (a busy CI
 * machine is slow, not broken) and fails with an AssertionError that says what
 * it waited for and what it last saw. close() kills the whole process tree and
 * deletes the profile; a shutdown hook does the same if a test never closes.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Ceiling for one protocol command and for page loads. */
    public static final Duration COMMAND = Duration.ofSeconds(60);
    /** Ceiling for Chromium to start and open its DevTools port. */
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final long POLL_MS = 100;
    /** Jackson caps strings at 20M chars by default; a big page's base64 screenshot must still parse. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build()).build());

    private final Path root;
    private final Process process;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<JsonNode>>> eventWaiters = new ConcurrentHashMap<>();
    /** Navigations (by loaderId) whose document has fired load; see open(). */
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();
    private volatile String closedReason;

    private Browser(Path root, Process process, Thread shutdownHook) {
        this.root = root;
        this.process = process;
        this.shutdownHook = shutdownHook;
        try {
            this.socket = connect(pageTarget(devToolsPort()));
            call("Page.enable", JSON.createObjectNode());
            call("Page.setLifecycleEventsEnabled", JSON.createObjectNode().put("enabled", true));
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Skips the calling test, with a message saying what to install, when Chromium is absent. */
    public static void assumeInstalled() {
        Needs.chromium();
    }

    /**
     * Starts a fresh headless Chromium on about:blank. Skips the calling test
     * (JUnit assumption) when Chromium is not installed.
     */
    public static Browser start() {
        assumeInstalled();
        Path root;
        try {
            root = Files.createTempDirectory("looop-browser-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var command = List.of(CHROMIUM.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + root.resolve("profile"), "--remote-debugging-port=0", "about:blank");
        Process process;
        try {
            // Chromium is chatty on stderr (dbus warnings as root); keep it in
            // a file so failures can quote it without flooding the test output.
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(root.resolve("chromium.log").toFile()).start();
        } catch (IOException e) {
            deleteTree(root);
            throw new AssertionError("could not start " + CHROMIUM + ": " + e.getMessage());
        }
        // If the JVM dies before close(), still leave no Chromium behind.
        Thread hook = new Thread(() -> killTree(process, root), "browser-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
        return new Browser(root, process, hook);
    }

    // ---- the page API ----

    /**
     * Navigates to url and waits for that navigation's own load: matched by
     * loaderId, so a late load event of an earlier navigation (say, a form
     * submitted just before) cannot end the wait early.
     */
    public Browser open(String url) {
        JsonNode result = call("Page.navigate", JSON.createObjectNode().put("url", url));
        if (result.hasNonNull("errorText")) {
            fail("could not open " + url + ": " + result.get("errorText").asText());
        }
        // A same-document navigation (only the #fragment changes) has no loader and no load event.
        if (!result.hasNonNull("loaderId")) return this;
        String loader = result.get("loaderId").asText();
        long deadline = System.nanoTime() + COMMAND.toNanos();
        while (!loaded.contains(loader)) {
            if (closedReason != null) fail("while opening " + url + ": " + closedReason);
            if (System.nanoTime() > deadline) {
                fail("page " + url + " did not load within " + COMMAND.toSeconds() + "s (readyState "
                        + safeEval("document.readyState") + ")" + log());
            }
            sleep(20);
        }
        return this;
    }

    /**
     * Polls until an element matches the CSS selector. Evaluation errors while
     * polling count as "not yet": mid-navigation the old document's context is
     * torn down and CDP says so, which is normal right after a click.
     */
    public Browser waitFor(String selector, Duration timeout) {
        String js = "document.querySelector(" + quote(selector) + ") !== null";
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing evaluated yet";
        while (true) {
            try {
                JsonNode found = evaluate(js, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000_000L)));
                if (found.asBoolean()) return this;
                last = "not present";
            } catch (AssertionError e) {
                if (closedReason != null) throw e;
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                fail("no element matched '" + selector + "' within " + timeout.toSeconds() + "s (" + last + ") on "
                        + safeEval("location.href") + ", page text: " + abbreviate(safeEval("document.body && document.body.innerText")));
            }
            sleep(POLL_MS);
        }
    }

    public Browser waitFor(String selector) {
        return waitFor(selector, COMMAND);
    }

    /** The rendered text (innerText) of the first element matching selector. */
    public String text(String selector) {
        return eval("(() => { const e = document.querySelector(" + quote(selector) + ");"
                + " return e === null ? null : e.innerText; })()", selector).asText();
    }

    /**
     * Focuses the element and inserts text the way an IME would, so the page
     * sees real input events (Input.insertText appends at the caret).
     */
    public Browser type(String selector, String text) {
        boolean focused = eval("(() => { const e = document.querySelector(" + quote(selector) + ");"
                + " if (e === null) return null; e.focus(); return document.activeElement === e; })()", selector).asBoolean();
        if (!focused) fail("'" + selector + "' cannot take focus, so cannot be typed into");
        call("Input.insertText", JSON.createObjectNode().put("text", text));
        return this;
    }

    /**
     * Clicks the element's centre with real mouse events, so a covered or
     * off-screen element fails like it would for a person, not silently.
     */
    public Browser click(String selector) {
        JsonNode at = eval("(() => { const e = document.querySelector(" + quote(selector) + ");"
                + " if (e === null) return null; e.scrollIntoView({block: 'center', inline: 'center'});"
                + " const r = e.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + r.height / 2;"
                + " const hit = document.elementFromPoint(x, y);"
                + " return {x, y, w: r.width, h: r.height, hit: hit === null ? 'nothing' : hit.outerHTML.slice(0, 120),"
                + " ok: hit !== null && (hit === e || e.contains(hit))}; })()", selector);
        if (at.get("w").asDouble() == 0 || at.get("h").asDouble() == 0) fail("'" + selector + "' has no size, cannot click it");
        if (!at.get("ok").asBoolean()) fail("'" + selector + "' is covered by " + at.get("hit").asText());
        for (String type : List.of("mousePressed", "mouseReleased")) {
            call("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", type)
                    .put("x", at.get("x").asDouble()).put("y", at.get("y").asDouble())
                    .put("button", "left").put("clickCount", 1));
        }
        return this;
    }

    /**
     * Evaluates a JavaScript expression in the page (awaiting a promise) and
     * returns its JSON value; MissingNode for undefined. A thrown exception
     * fails with the page's message.
     */
    public JsonNode eval(String js) {
        return evaluate(js, COMMAND);
    }

    /** Emulates a screen of width x height CSS pixels at scale 1 (mobile: phone-style viewport rules). */
    public Browser setViewport(int width, int height, boolean mobile) {
        call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", mobile));
        return this;
    }

    /** Back to the browser's own window size. */
    public Browser clearViewport() {
        call("Emulation.clearDeviceMetricsOverride", JSON.createObjectNode());
        return this;
    }

    /** Writes a PNG of the visible viewport to png and returns it. */
    public Path screenshot(Path png) {
        JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        try {
            if (png.getParent() != null) Files.createDirectories(png.getParent());
            Files.write(png, Base64.getDecoder().decode(shot.get("data").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png;
    }

    /** The browser's main process id (for tests of this harness). */
    public long pid() {
        return process.pid();
    }

    /** The temp dir holding the profile and chromium.log, gone after close(). */
    public Path dir() {
        return root;
    }

    /** Kills Chromium with all its children and deletes the profile. Safe to call twice. */
    @Override
    public void close() {
        if (closedReason == null) closedReason = "the browser was closed";
        if (socket != null) socket.abort();
        failPending();
        killTree(process, root);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs (or ran) anyway
        }
    }

    // ---- CDP plumbing ----

    /** Sends one command and waits for its response; a protocol error fails with CDP's message. */
    public JsonNode call(String method, ObjectNode params) {
        return call(method, params, COMMAND);
    }

    private JsonNode call(String method, ObjectNode params, Duration ceiling) {
        if (closedReason != null) fail(method + " after " + closedReason);
        int id = ids.incrementAndGet();
        var response = new CompletableFuture<JsonNode>();
        pending.put(id, response);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        try {
            // The JDK WebSocket allows one outstanding send at a time.
            synchronized (socket) {
                socket.sendText(JSON.writeValueAsString(message), true).get(ceiling.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            pending.remove(id);
            fail("could not send " + method + ": " + (closedReason != null ? closedReason : e));
        }
        JsonNode reply = await(response, ceiling, () -> "a reply to " + method);
        pending.remove(id);
        if (reply.has("error")) fail(method + " failed: " + reply.get("error").path("message").asText());
        return reply.path("result");
    }

    private JsonNode evaluate(String js, Duration ceiling) {
        JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", js)
                .put("returnByValue", true).put("awaitPromise", true), ceiling);
        if (result.has("exceptionDetails")) {
            JsonNode details = result.get("exceptionDetails");
            fail("page script threw: " + details.path("exception").path("description").asText(details.path("text").asText())
                    + " (in: " + abbreviate(js) + ")");
        }
        return result.path("result").has("value") ? result.path("result").get("value") : MissingNode.getInstance();
    }

    /** eval() of a script that returns null when selector matches nothing. */
    private JsonNode eval(String js, String selector) {
        JsonNode value = eval(js);
        if (value.isNull() || value.isMissingNode()) {
            fail("no element matches '" + selector + "' on " + safeEval("location.href"));
        }
        return value;
    }

    /** For failure messages: never throws. */
    private String safeEval(String js) {
        try {
            return evaluate(js, Duration.ofSeconds(5)).asText();
        } catch (AssertionError e) {
            return "?";
        }
    }

    /**
     * A future for the params of the next occurrence of a CDP event (its
     * domain must be enabled); register it before causing the event.
     */
    public CompletableFuture<JsonNode> nextEvent(String method) {
        var future = new CompletableFuture<JsonNode>();
        eventWaiters.computeIfAbsent(method, m -> new CopyOnWriteArrayList<>()).add(future);
        return future;
    }

    private WebSocket connect(String url) {
        try {
            return http.newWebSocketBuilder().connectTimeout(COMMAND)
                    .buildAsync(URI.create(url), new Listener()).get(COMMAND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not connect to Chromium's DevTools at " + url + ": " + e + log());
        }
    }

    /** Demultiplexes frames: replies go to their id's future, events to whoever awaits that method. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            // Large replies (screenshots) arrive in several frames.
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                dispatch(text);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            if (closedReason == null) closedReason = "Chromium closed the DevTools connection (" + status + " " + reason + ")";
            failPending();
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (closedReason == null) closedReason = "the DevTools connection failed: " + error;
            failPending();
        }
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            // We cannot tell whose reply this was: fail everyone now rather than let them time out.
            if (closedReason == null) closedReason = "unreadable DevTools message (" + e.getMessage() + ")";
            failPending();
            return;
        }
        if (message.has("id")) {
            var future = pending.get(message.get("id").asInt());
            if (future != null) future.complete(message);
        } else if (message.has("method")) {
            JsonNode params = message.path("params");
            if (message.get("method").asText().equals("Page.lifecycleEvent") && params.path("name").asText().equals("load")) {
                loaded.add(params.path("loaderId").asText());
            }
            var waiters = eventWaiters.remove(message.get("method").asText());
            if (waiters != null) waiters.forEach(w -> w.complete(message.path("params")));
        }
    }

    private void failPending() {
        var error = new AssertionError(closedReason);
        pending.values().forEach(f -> f.completeExceptionally(error));
        eventWaiters.values().forEach(list -> list.forEach(f -> f.completeExceptionally(error)));
    }

    private <T> T await(CompletableFuture<T> future, Duration ceiling, java.util.function.Supplier<String> what) {
        try {
            return future.get(ceiling.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out after " + ceiling.toSeconds() + "s waiting for " + what.get() + log());
        } catch (ExecutionException e) {
            throw new AssertionError("while waiting for " + what.get() + ": " + e.getCause().getMessage() + log());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what.get());
        }
    }

    // ---- startup ----

    /** Chromium writes its chosen port (line 1) and browser path (line 2) to DevToolsActivePort once listening. */
    private int devToolsPort() {
        Path file = root.resolve("profile").resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            try {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() >= 2) return Integer.parseInt(lines.get(0).trim()); // both lines: written completely
            } catch (IOException | NumberFormatException notYet) {
                // not written yet, or half written
            }
            if (!process.isAlive()) fail("Chromium exited with " + process.exitValue() + " before opening DevTools" + log());
            if (System.nanoTime() > deadline) fail("Chromium did not open DevTools within " + STARTUP.toSeconds() + "s" + log());
            sleep(POLL_MS);
        }
    }

    /** The WebSocket URL of the first ordinary page (the about:blank Chromium opened), polled until it exists. */
    private String pageTarget(int port) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(COMMAND).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        String last = "no answer";
        while (true) {
            try {
                JsonNode targets = JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode t : targets) {
                    if ("page".equals(t.path("type").asText()) && t.hasNonNull("webSocketDebuggerUrl")) {
                        return t.get("webSocketDebuggerUrl").asText();
                    }
                }
                last = targets.toString();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted looking for a page target");
            }
            if (System.nanoTime() > deadline) fail("Chromium offered no page target within " + STARTUP.toSeconds() + "s, last: " + abbreviate(last));
            sleep(POLL_MS);
        }
    }

    // ---- teardown ----

    /**
     * SIGKILLs the browser and every descendant, then sweeps any process whose
     * command line names our unique profile dir: a renderer forked while we
     * were killing, reparented away from the tree, is still caught.
     */
    private static void killTree(Process process, Path root) {
        List<ProcessHandle> doomed = new ArrayList<>();
        doomed.add(process.toHandle());
        process.descendants().forEach(doomed::add);
        doomed.forEach(ProcessHandle::destroyForcibly);
        String marker = "--user-data-dir=" + root.resolve("profile");
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false))
                .forEach(p -> { p.destroyForcibly(); doomed.add(p); });
        for (ProcessHandle p : doomed) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception stillDying) {
                // nothing more a SIGKILL can do; deletion below is best effort
            }
        }
        deleteTree(root);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a file vanished mid-walk (Chromium's last writes); nothing to keep
        }
    }

    // ---- small helpers ----

    /** The last lines of Chromium's own output, for failure messages. */
    private String log() {
        try {
            List<String> lines = Files.readAllLines(root.resolve("chromium.log"));
            return "\nchromium.log (tail):\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static void fail(String message) {
        throw new AssertionError(message);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
