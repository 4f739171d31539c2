package looop.notify;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** One POST with timeouts: a notification server that hangs must not hold a beat or an asker. */
final class Http {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    private Http() {}

    /** Posts body; throws with a one-line reason naming only the host when the server refuses or cannot be reached. */
    static void post(String url, String contentType, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        HttpResponse<String> r;
        try {
            r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new Exception(Redact.url(url) + ": no answer within " + REQUEST_TIMEOUT.toSeconds() + "s");
        } catch (java.io.IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new Exception(Redact.url(url) + ": " + Redact.scrub(why, url));
        }
        if (r.statusCode() / 100 != 2) {
            String text = r.body() == null ? "" : r.body().strip().replaceAll("\\s+", " ");
            if (text.length() > 200) text = text.substring(0, 200) + "…";
            throw new Exception(Redact.url(url) + ": HTTP " + r.statusCode() + (text.isEmpty() ? "" : " " + Redact.scrub(text, url)));
        }
    }

    /**
     * A header value that survives HTTP/1.1: non-ASCII text goes as an RFC 2047
     * encoded word, which ntfy decodes (a Java client refuses raw non-ASCII).
     */
    static String headerText(String s) {
        String one = s.replaceAll("[\\r\\n]+", " ");
        if (one.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) return one;
        return "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(one.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
