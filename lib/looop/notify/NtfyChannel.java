package looop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import looop.io.Json;

/**
 * An ntfy topic (ntfy.sh or a self-hosted server; its phone apps show it):
 * the text as the body, with a title, tags (emoji short codes) and a
 * priority chosen by the kind of event. An optional "token" goes as a
 * bearer token, for protected topics.
 */
final class NtfyChannel extends ChannelBase {
    private final String url;
    private final String token;

    NtfyChannel(JsonNode config, Set<String> on) {
        super(config, on);
        this.url = Json.text(config, "url");
        this.token = Json.text(config, "token");
    }

    @Override
    public String describe() {
        return "ntfy " + Redact.url(url);
    }

    @Override
    public void send(Event e) throws Exception {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Title", Http.headerText(e.title() == null ? "looop" : e.title()));
        h.put("Tags", tags(e.kind()));
        h.put("Priority", priority(e.kind()));
        if (token != null) h.put("Authorization", "Bearer " + token);
        Http.post(url, "text/plain; charset=utf-8", e.text() == null ? "" : e.text(), h);
    }

    static String tags(String kind) {
        return switch (kind) {
            case Event.ASK -> "question,looop";
            case Event.WORKER_EXIT -> "checkered_flag,looop";
            case Event.BEAT_FAILED -> "rotating_light,looop";
            case Event.BUDGET -> "money_with_wings,looop";
            case Event.USAGE_LIMIT -> "hourglass,looop";
            default -> "bell,looop";
        };
    }

    /** ntfy's 1 (min) to 5 (max): a waiting worker and a failing loop are what should buzz. */
    static String priority(String kind) {
        return switch (kind) {
            case Event.ASK, Event.BEAT_FAILED -> "4";
            case Event.BUDGET -> "4";
            case Event.WORKER_EXIT -> "3";
            default -> "3";
        };
    }
}
