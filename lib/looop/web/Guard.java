package looop.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Who may look and who may act. Looking needs the token: from the URL
 * `looop web` printed (Jupyter style), then from the HttpOnly, SameSite=Strict
 * cookie set on that first visit. Acting (every POST) also needs a request
 * from the page's own origin: Origin, or else Referer, must name the Host the
 * request was sent to, so another site open in the same browser cannot make
 * it post (no CSRF), token cookie or not.
 */
final class Guard {
    /** Headers on every answer: nothing but this origin may load or frame anything, and no URL leaves as a referrer. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    private final byte[] token;
    private final String text;
    private final String cookie;

    /** cookieName carries the port: cookies ignore ports, and two profiles' pages may run side by side. */
    Guard(String token, int port) {
        this.text = token;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.cookie = "looop_token_" + port;
    }

    /** 128 random bits, hex. */
    static String newToken() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    String token() {
        return text;
    }

    static void secure(HttpExchange ex) {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        h.set("Cache-Control", "no-store");
    }

    /** The token given in the query string, or null. */
    static String queryToken(URI uri) {
        String q = uri.getRawQuery();
        if (q == null) return null;
        for (String pair : q.split("&")) {
            if (pair.startsWith("token=")) return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
        }
        return null;
    }

    /** Whether the query's token is right: what makes the first visit set the cookie. */
    boolean queryAllows(HttpExchange ex) {
        return matches(queryToken(ex.getRequestURI()));
    }

    boolean allows(HttpExchange ex) {
        return queryAllows(ex) || matches(cookieToken(ex.getRequestHeaders()));
    }

    String setCookie() {
        return cookie + "=" + text + "; Path=/; HttpOnly; SameSite=Strict";
    }

    private String cookieToken(Headers h) {
        for (String header : h.getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(cookie + "=")) return p.substring(cookie.length() + 1);
            }
        }
        return null;
    }

    private boolean matches(String given) {
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
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
