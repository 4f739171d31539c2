package looop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import looop.io.Json;
import looop.sandbox.RunnerState;

/**
 * The API a CLI will talk to, as `looop doctor` checks it: the CLI's base-URL
 * variable or its own config's provider, else its default host. Null when
 * only the CLI's config can tell (an opencode provider looop cannot name).
 */
final class ProviderHost {
    private ProviderHost() {}

    static URI of(String cli, UnaryOperator<String> env, Path home) {
        String url = switch (cli) {
            case "claude" -> or(env.apply("ANTHROPIC_BASE_URL"), "https://api.anthropic.com");
            case "gemini" -> or(env.apply("GOOGLE_GEMINI_BASE_URL"), "https://generativelanguage.googleapis.com");
            case "codex" -> or(codex(RunnerState.of("codex", home, env).dirs().get(0)), or(env.apply("OPENAI_BASE_URL"), "https://api.openai.com"));
            case "pi" -> pi(env, home);
            case "opencode" -> opencode(RunnerState.of("opencode", home, env).dirs().get(1), env);
            default -> null;
        };
        try {
            return url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** config.toml's chosen model_provider's base_url (by hand: a TOML parser for two keys is not worth a dependency). */
    private static String codex(Path home) {
        String toml = read(home.resolve("config.toml"));
        Matcher chosen = Pattern.compile("(?m)^\\s*model_provider\\s*=\\s*\"([^\"]+)\"").matcher(toml);
        if (!chosen.find()) return null;
        Matcher table = Pattern.compile("(?ms)^\\s*\\[model_providers\\." + Pattern.quote(chosen.group(1)) + "\\]\\s*$(.*?)(?=^\\s*\\[|\\z)").matcher(toml);
        if (!table.find()) return null;
        Matcher base = Pattern.compile("(?m)^\\s*base_url\\s*=\\s*\"([^\"]+)\"").matcher(table.group(1));
        return base.find() ? base.group(1) : null;
    }

    /** settings.json's defaultProvider: its models.json baseUrl, or the well-known host of a built-in provider. */
    private static String pi(UnaryOperator<String> env, Path home) {
        String moved = env.apply("PI_CODING_AGENT_DIR");
        Path agent = moved != null && Path.of(moved).isAbsolute() ? Path.of(moved) : home.resolve(".pi/agent");
        JsonNode settings = Json.parseOrNull(read(agent.resolve("settings.json")));
        String provider = settings == null ? "anthropic" : settings.path("defaultProvider").asText("anthropic");
        JsonNode models = Json.parseOrNull(read(agent.resolve("models.json")));
        String custom = models == null ? "" : models.path("providers").path(provider).path("baseUrl").asText("");
        return !custom.isEmpty() ? custom : known(provider);
    }

    /** opencode.json's model "provider/model": that provider's options.baseURL, or a well-known host. */
    private static String opencode(Path config, UnaryOperator<String> env) {
        String file = env.apply("OPENCODE_CONFIG");
        JsonNode c = Json.parseOrNull(read(file != null ? Path.of(file) : config.resolve("opencode.json")));
        if (c == null) return null;
        String model = c.path("model").asText("");
        String provider = model.contains("/") ? model.substring(0, model.indexOf('/')) : "";
        String custom = c.path("provider").path(provider).path("options").path("baseURL").asText("");
        return !custom.isEmpty() ? custom : known(provider);
    }

    private static String known(String provider) {
        return switch (provider) {
            case "anthropic" -> "https://api.anthropic.com";
            case "openai" -> "https://api.openai.com";
            case "google" -> "https://generativelanguage.googleapis.com";
            default -> null;
        };
    }

    private static String or(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }
}
