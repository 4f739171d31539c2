package looop.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import looop.Browser;
import looop.ChildJvm;
import looop.TmuxProfile;
import looop.TmuxTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * `looop web` as a process of its own, attacked for its key: the key to the
 * page never leaves the terminal. `--open` hands the browser a file (not a
 * URL with a token) that signs in with a one-time code, exchanged once for an
 * HttpOnly SameSite=Strict cookie; no argv (looop's, the opener's, the
 * browser's) and no address bar holds the cookie or the code; a used code is
 * refused; and the page answers only to its own Host (no DNS rebinding).
 */
class WebSignInTest extends TmuxTestBase {
    static final Pattern BASE = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    Process web;
    Path output;
    Browser browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (web != null) {
            web.destroy();
            web.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts `looop web args…`, with a stand-in xdg-open (and open) on PATH that writes its argv to opened. */
    Process looopWeb(TmuxProfile p, Path opened, String... args) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String opener : List.of("xdg-open", "open")) {
            Path s = bin.resolve(opener);
            Files.writeString(s, "#!/bin/sh\nprintf '%s\\0' \"$@\" > '" + opened + ".part' && mv '" + opened + ".part' '" + opened + "'\n");
            s.toFile().setExecutable(true);
        }
        output = dir.resolve("web.out");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.looop(prepend("web", args))).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(p.profile.paths.processEnv());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        web = pb.start();
        web.getOutputStream().close();
        TmuxProfile.awaitTrue(() -> BASE.matcher(printed()).find(), () -> "looop web to print its address; it printed: " + printed());
        return web;
    }

    static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    String printed() {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        } catch (Exception e) {
            return "";
        }
    }

    String base() {
        Matcher m = BASE.matcher(printed());
        assertTrue(m.find(), printed());
        return m.group();
    }

    /** Every argv: of the process pid and all its descendants, each as one line. */
    static List<String> argvs(long pid) {
        List<String> out = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> {
            out.add(cmdline(h.pid()));
            h.descendants().forEach(d -> out.add(cmdline(d.pid())));
        });
        return out;
    }

    static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (Exception gone) {
            return "";
        }
    }

    /** Polls a page expression until it is true; fails with where the page is and what it shows. */
    void until(String js, String what) {
        TmuxProfile.awaitTrue(() -> browser.eval(js).asBoolean(false),
                () -> what + "; at " + browser.eval("location.href").asText() + ": " + browser.eval("document.body ? document.body.innerText : ''").asText());
    }

    @Test
    void theOpenFileSignsInOnceAndNoArgvOrAddressBarEverHoldsTheKey() throws Exception {
        Browser.assumeInstalled();
        TmuxProfile p = profile("sleep 600");
        Path opened = dir.resolve("opened");
        looopWeb(p, opened, "--open");
        TmuxProfile.awaitTrue(() -> Files.exists(opened), () -> "looop web --open to run an opener; it printed: " + printed());
        List<String> argv = List.of(Files.readString(opened).split("\0"));
        assertFalse(String.join(" ", argv).matches("(?s).*(token|code)=.*"), "the opener's argv holds a key: " + argv);
        assertEquals(1, argv.size(), argv.toString());
        Path file = argv.get(0).startsWith("file:") ? Path.of(URI.create(argv.get(0))) : Path.of(argv.get(0));
        assertTrue(Files.isRegularFile(file), "--open opens a file: " + argv);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "only its owner reads the sign-in file");
        assertTrue(file.startsWith(p.profile.paths.data.resolve("private")), "the file lies where no sandbox sees: " + file);
        Matcher code = Pattern.compile("code=([A-Za-z0-9_-]+)").matcher(Files.readString(file));
        assertTrue(code.find(), "the file signs in with a code: " + Files.readString(file));

        browser = Browser.start();
        browser.open(file.toUri().toString());
        String base = base();
        until("location.href === " + WebBrowserTest.q(base + "/") + " && document.title.startsWith('looop')", "the page at " + base + "/");
        assertEquals(base + "/", browser.eval("location.href").asText(), "nothing in the address bar after sign-in");

        JsonNode cookies = browser.call("Network.getAllCookies", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()).path("cookies");
        JsonNode session = null;
        for (JsonNode c : cookies) if (c.path("name").asText().startsWith("looop")) session = c;
        assertTrue(session != null, "a cookie was set: " + cookies);
        assertTrue(session.path("httpOnly").asBoolean(), session.toString());
        assertEquals("Strict", session.path("sameSite").asText(), session.toString());
        String key = session.path("value").asText();
        assertTrue(key.length() >= 32, "the cookie is a key: " + session);

        List<String> every = new ArrayList<>(argvs(web.pid()));
        every.addAll(argvs(browser.pid()));
        every.add(String.join(" ", argv));
        for (String a : every) {
            assertFalse(a.contains(key) || a.contains(code.group(1)), "an argv holds the key or the code: " + a);
        }
        assertFalse(printed().contains(key), "looop web printed the cookie's key: " + printed());

        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(base + "/login?code=" + code.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, again.statusCode(), "a used code is refused: " + again.body());
        assertTrue(again.headers().firstValue("Set-Cookie").isEmpty(), "and sets no cookie");
        assertNotEquals(code.group(1), codeIn(file), "the file holds a fresh code for the next sign-in");
        web.destroy();
        web.waitFor(60, TimeUnit.SECONDS);
        assertFalse(Files.exists(file), "the sign-in file goes with the page");
    }

    static String codeIn(Path file) throws Exception {
        Matcher m = Pattern.compile("code=([A-Za-z0-9_-]+)").matcher(Files.readString(file));
        return m.find() ? m.group(1) : null;
    }

    /** One raw request, so the Host header is whatever the test says (null: none); returns the status line. */
    static String raw(int port, String method, String path, String host, String cookie, String origin) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            StringBuilder req = new StringBuilder(method + " " + path + (host == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\nHost: " + host + "\r\n"));
            if (cookie != null) req.append("Cookie: ").append(cookie).append("\r\n");
            if (origin != null) req.append("Origin: ").append(origin).append("\r\n");
            if (method.equals("POST")) req.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n");
            req.append("Connection: close\r\n\r\n");
            if (method.equals("POST")) req.append("id=w1&text=y");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return reply.lines().findFirst().orElse("");
        }
    }

    @Test
    void thePageAnswersOnlyToItsOwnHost() throws Exception {
        TmuxProfile p = profile("sleep 600");
        looopWeb(p, dir.resolve("opened"));
        Pattern signInUrl = Pattern.compile("(http://127\\.0\\.0\\.1:(\\d+)/\\S*\\?\\S+)");
        // The sign-in address is printed on a line after the one looopWeb waits for.
        TmuxProfile.awaitTrue(() -> signInUrl.matcher(printed()).find(), () -> "looop web to print a sign-in address; it printed: " + printed());
        Matcher url = signInUrl.matcher(printed());
        assertTrue(url.find(), printed());
        int port = Integer.parseInt(url.group(2));
        HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(URI.create(url.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError("the printed URL signs in: " + printed())).split(";")[0];

        assertTrue(raw(port, "GET", "/api/state", "127.0.0.1:" + port, cookie, null).contains(" 200"), "its own Host is served");
        assertTrue(raw(port, "GET", "/api/state", "localhost:" + port, cookie, null).contains(" 200"), "localhost is served");
        for (String host : new String[] {"evil.example:" + port, "evil.example", "127.0.0.1:1", "127.0.0.1.nip.io:" + port, "localhost.evil.example:" + port, null}) {
            String status = raw(port, "GET", "/api/state", host, cookie, null);
            assertFalse(status.contains(" 200"), "Host " + host + " was served: " + status);
            String posted = raw(port, "POST", "/api/tell", host, cookie, host == null ? null : "http://" + host);
            assertTrue(posted.contains(" 403") || posted.contains(" 400") || posted.contains(" 421"), "a post with Host " + host + " was taken: " + posted);
        }
    }
}
