package looop.notify;

import java.net.URI;

/**
 * URLs as logs and status may show them: scheme, host and port only. An ntfy
 * topic or a Slack hook is a secret held in the path, so path, query and user
 * info never leave the config.
 */
public final class Redact {
    private Redact() {}

    public static String url(String url) {
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || u.getHost() == null) return "(a URL)";
            String port = u.getPort() < 0 ? "" : ":" + u.getPort();
            boolean more = (u.getRawPath() != null && u.getRawPath().length() > 1) || u.getRawQuery() != null;
            return u.getScheme() + "://" + u.getHost() + port + (more ? "/…" : "");
        } catch (IllegalArgumentException e) {
            return "(a URL)";
        }
    }

    /** message with every copy of url (whole, or its path and query) replaced by the redacted form. */
    public static String scrub(String message, String url) {
        if (message == null || url == null) return message;
        String out = message.replace(url, url(url));
        try {
            URI u = URI.create(url);
            if (u.getRawPath() != null && u.getRawPath().length() > 1) out = out.replace(u.getRawPath(), "/…");
            if (u.getRawQuery() != null) out = out.replace(u.getRawQuery(), "…");
        } catch (IllegalArgumentException e) {
            // nothing more to scrub than the whole
        }
        return out;
    }
}
