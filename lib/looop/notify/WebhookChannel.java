package looop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import looop.io.Json;

/** A JSON POST: the event object as it is, or the body Slack ({"text"}) or Discord ({"content"}) incoming hooks take. */
final class WebhookChannel extends ChannelBase {
    static final Set<String> FORMATS = looop.profile.NotifySection.WEBHOOK_FORMATS;

    private final String url;
    private final String format;

    WebhookChannel(JsonNode config, Set<String> on) {
        super(config, on);
        this.url = Json.text(config, "url");
        String f = Json.text(config, "format");
        this.format = f == null ? "json" : f;
    }

    @Override
    public String describe() {
        return "webhook " + Redact.url(url);
    }

    @Override
    public void send(Event e) throws Exception {
        Http.post(url, "application/json", Json.canonical(body(e)), Map.of());
    }

    ObjectNode body(Event e) {
        String line = (e.title() == null ? "" : "*" + e.title() + "*\n") + (e.text() == null ? "" : e.text());
        return switch (format) {
            case "slack" -> Json.object().put("text", line);
            case "discord" -> Json.object().put("content", line.replace("*", "**"));
            default -> e.json();
        };
    }
}
