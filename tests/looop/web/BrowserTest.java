package looop.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import looop.Browser;
import looop.Checks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser harness (support/Browser.java) against a real headless Chromium
 * and a form served by the JDK's HttpServer on 127.0.0.1. One browser serves
 * the class, to keep CPU modest; the close test starts its own. Skipped when
 * Chromium is not installed.
 */
class BrowserTest {
    static final String FORM = """
            <!doctype html>
            <html><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>form</title></head>
            <body>
              <h1 id="hello">Hello from the stub</h1>
              <p>viewport width: <span id="width"></span></p>
              <form method="post" action="/submit">
                <input id="name" name="name" autocomplete="off">
                <button id="send" type="submit">Send</button>
              </form>
              <script>document.getElementById('width').textContent = String(window.innerWidth);</script>
            </body></html>
            """;
    static final String THANKS = "<!doctype html><meta charset=\"utf-8\"><p id=\"thanks\">Thanks, got it</p>";

    static HttpServer server;
    static final BlockingQueue<String> posted = new LinkedBlockingQueue<>();
    static Browser browser;
    @TempDir Path dir;

    /**
     * Skips each test, not the class, when Chromium is absent, so the run's
     * summary counts them as skipped instead of silently dropping them.
     */
    @BeforeEach
    void needsChromium() {
        Browser.assumeInstalled();
        if (browser == null) browser = Browser.start();
    }

    @BeforeAll
    static void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (ex.getRequestMethod().equals("GET") && path.equals("/")) {
                respond(ex, 200, FORM);
            } else if (ex.getRequestMethod().equals("POST") && path.equals("/submit")) {
                posted.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                respond(ex, 200, THANKS);
            } else {
                respond(ex, 404, "not here"); // e.g. the browser's /favicon.ico
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (server != null) server.stop(0);
    }

    static void respond(HttpExchange ex, int status, String html) throws IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    static String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Test
    void typedFormValueReachesTheServerAndTheScreenshotIsAPng() throws Exception {
        posted.clear();
        browser.open(url()).waitFor("#hello");
        assertEquals("Hello from the stub", browser.text("#hello"));

        String typed = "héllo wörld & co"; // non-ASCII and '&' prove the value arrives intact
        browser.type("#name", typed);
        assertEquals(typed, browser.eval("document.getElementById('name').value").asText());
        browser.click("#send");

        // A ceiling, not a timing assertion: the POST is asynchronous to the click.
        String body = posted.poll(Browser.COMMAND.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(body, "the server never received the form's POST");
        assertEquals("name=" + typed, URLDecoder.decode(body, StandardCharsets.UTF_8));
        browser.waitFor("#thanks");
        assertEquals("Thanks, got it", browser.text("#thanks"));

        int[] size = pngSize(browser.screenshot(dir.resolve("shot.png")));
        assertTrue(size[0] > 0 && size[0] <= 4096 && size[1] > 0 && size[1] <= 4096, "PNG size " + Arrays.toString(size));
    }

    @Test
    void aPhoneWidthViewportIsWhatThePageSeesAndClicksStillWork() throws Exception {
        try {
            posted.clear();
            browser.setViewport(390, 844, true).open(url()).waitFor("#width");
            assertEquals("390", browser.text("#width"), "the page's own report of window.innerWidth");
            assertEquals(390, browser.eval("document.documentElement.clientWidth").asInt());
            assertArrayEquals(new int[] {390, 844}, pngSize(browser.screenshot(dir.resolve("phone.png"))));

            // Mouse events under mobile emulation: the page will be answered from phones.
            browser.type("#name", "from a phone").click("#send");
            assertEquals("name=from+a+phone", posted.poll(Browser.COMMAND.toSeconds(), TimeUnit.SECONDS));
            browser.waitFor("#thanks");
        } finally {
            browser.clearViewport(); // the browser is shared with the other tests
        }
    }

    @Test
    void failuresSayWhatWentWrong() {
        browser.open(url()).waitFor("#hello");
        var missing = assertThrows(AssertionError.class, () -> browser.waitFor("#nope", Duration.ofMillis(300)));
        assertTrue(missing.getMessage().contains("no element matched '#nope'"), missing.getMessage());
        assertTrue(missing.getMessage().contains("Hello from the stub"), "quotes the page text: " + missing.getMessage());

        var noText = assertThrows(AssertionError.class, () -> browser.text("#absent"));
        assertTrue(noText.getMessage().contains("no element matches '#absent'"), noText.getMessage());

        var thrown = assertThrows(AssertionError.class, () -> browser.eval("(() => { throw new Error('boom'); })()"));
        assertTrue(thrown.getMessage().contains("boom"), thrown.getMessage());

        var refused = assertThrows(AssertionError.class, () -> browser.open("http://127.0.0.1:1/"));
        assertTrue(refused.getMessage().contains("could not open http://127.0.0.1:1/: net::ERR_"), refused.getMessage());

        assertTrue(browser.eval("undefined").isMissingNode());
        assertEquals(3, browser.eval("Promise.resolve(1 + 2)").asInt(), "eval awaits promises");
    }

    @Test
    void closeKillsTheWholeProcessTreeAndDeletesTheProfile() {
        Browser own = Browser.start();
        own.open("about:blank");
        Path profile = own.dir();
        List<ProcessHandle> tree = ProcessHandle.of(own.pid()).stream()
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants())).toList();
        assertTrue(tree.size() > 1, "Chromium runs helper processes: " + tree);
        assertTrue(Files.isDirectory(profile));

        own.close();
        assertEquals(List.of(), tree.stream().filter(ProcessHandle::isAlive).toList(), "processes left alive");
        assertFalse(Files.exists(profile), "temp dir deleted");
        own.close(); // twice is harmless
        var after = assertThrows(AssertionError.class, () -> own.eval("1"));
        assertTrue(after.getMessage().contains("closed"), after.getMessage());
    }

    /** Checks the PNG signature and the IHDR chunk; returns {width, height}. */
    static int[] pngSize(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 33, "PNG too short: " + bytes.length + " bytes");
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8), "PNG signature");
        var buf = ByteBuffer.wrap(bytes); // big-endian, as PNG is
        assertEquals(13, buf.getInt(8), "IHDR length");
        assertEquals("IHDR", new String(bytes, 12, 4, StandardCharsets.US_ASCII), "first chunk");
        return new int[] {buf.getInt(16), buf.getInt(20)};
    }
}
