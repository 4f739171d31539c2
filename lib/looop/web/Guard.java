package looop.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who may look and who may act. The page's key is a session cookie
 * (HttpOnly, SameSite=Strict, 128 random bits) that never leaves this process
 * but as that cookie: no URL, argv or file holds it. A browser gets it by
 * trading a one-time code (`/login?code=…`, from the sign-in file or the line
 * `looop web` printed): a code works once, within CODE_TTL, so one left in a
 * browser's history, a terminal's scrollback or a process list opens nothing.
 * Every request must name this server in its Host (no DNS rebinding: another
 * site's page cannot read this one through a name of its own), and acting
 * (every POST) needs a request from the page's own origin: Origin, or else
 * Referer, must name that Host, so another site open in the same browser
 * cannot make it post (no CSRF), cookie or not.
 */
final class Guard {
    /** Headers on every answer: nothing but this origin may load or frame anything, and no URL leaves as a referrer. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
    /** Long enough to open a printed link, short enough that a forgotten one is dead. */
    static final Duration CODE_TTL = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] session;
    private final String cookie;
    private final Set<String> hosts;
    private final Clock clock;
    private final Map<String, Instant> codes = new HashMap<>();

    /** cookie carries the port: cookies ignore ports, and two profiles' pages may run side by side. */
    Guard(InetAddress bound, int port, Clock clock) {
        this.session = random().getBytes(StandardCharsets.UTF_8);
        this.cookie = "looop_session_" + port;
        this.hosts = hosts(bound, port);
        this.clock = clock;
    }

    /** 128 random bits, hex. */
    static String random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    /**
     * The Host values this server answers to: loopback by name and number on
     * its port, and the bound address (every local one when bound to all).
     */
    static Set<String> hosts(InetAddress bound, int port) {
        Set<String> out = new LinkedHashSet<>(List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port));
        List<InetAddress> addresses = List.of(bound);
        if (bound.isAnyLocalAddress()) {
            try {
                addresses = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).toList();
            } catch (SocketException e) {
                addresses = List.of();
            }
        }
        for (InetAddress a : addresses) {
            // a scoped IPv6 address (fe80::1%eth0) is not a Host a browser sends
            if (!(a instanceof java.net.Inet6Address six && six.getScopeId() != 0)) out.add(WebServer.hostText(a) + ":" + port);
        }
        return Collections.unmodifiableSet(out);
    }

    static void secure(HttpExchange ex) {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        h.set("Cache-Control", "no-store");
    }

    /** The request names this server in its Host header (exactly one, case aside). */
    boolean hostAllowed(HttpExchange ex) {
        List<String> given = ex.getRequestHeaders().getOrDefault("Host", List.of());
        return given.size() == 1 && hosts.contains(given.get(0).strip().toLowerCase(Locale.ROOT));
    }

    /** A new one-time code, good for CODE_TTL. */
    synchronized String newCode() {
        Instant now = clock.instant();
        codes.values().removeIf(until -> !now.isBefore(until));
        String code = random();
        codes.put(code, now.plus(CODE_TTL));
        return code;
    }

    /** True once per code issued here, within its time; every other try is false. */
    synchronized boolean redeem(String code) {
        if (code == null) return false;
        byte[] given = code.getBytes(StandardCharsets.UTF_8);
        for (Iterator<Map.Entry<String, Instant>> it = codes.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Instant> e = it.next();
            if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), given)) {
                it.remove();
                return clock.instant().isBefore(e.getValue());
            }
        }
        return false;
    }

    /** The value of the query's `name`, or null. */
    static String query(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) return null;
        for (String pair : q.split("&")) {
            if (pair.startsWith(name + "=")) return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
        }
        return null;
    }

    /** The request carries the session cookie. */
    boolean allows(HttpExchange ex) {
        String given = cookieValue(ex.getRequestHeaders());
        return given != null && MessageDigest.isEqual(session, given.getBytes(StandardCharsets.UTF_8));
    }

    /** A session cookie: no Max-Age, so it ends with the browser, and the server's key ends with the server. */
    String setCookie() {
        return cookie + "=" + new String(session, StandardCharsets.UTF_8) + "; Path=/; HttpOnly; SameSite=Strict";
    }

    private String cookieValue(Headers h) {
        for (String header : h.getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(cookie + "=")) return p.substring(cookie.length() + 1);
            }
        }
        return null;
    }

    /** Origin (or, without one, Referer) names exactly the scheme and Host this request came to. */
    static boolean sameOrigin(HttpExchange ex) {
        Headers h = ex.getRequestHeaders();
        String host = h.getFirst("Host");
        if (host == null || host.isBlank()) return false;
        String self = "http://" + host;
        String origin = h.getFirst("Origin");
        if (origin != null) return origin.equals(self);
        String referer = h.getFirst("Referer");
        return referer != null && (referer.equals(self) || referer.startsWith(self + "/"));
    }
}
