///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A looop runner for any OpenAI-compatible chat endpoint: Ollama, llama.cpp's
 * server, vLLM, LM Studio, OpenAI itself. The prompt arrives on stdin; the
 * model's one JSON object goes to $LOOOP_DECISION_FILE (the one place a
 * sandboxed runner may write; without it, $LOOOP_DATA_DIR/.decision.json); stdout gets
 * the reply (each line quoted with "│ ") and then exactly one usage line,
 *
 *   {"type":"usage","model":"…","usage":{…as the server sent it…},"cost_usd":X}
 *
 * which the runner's cost spec {"type":"usage","pointer":"/cost_usd","mode":"sum"}
 * meters. Quoting the reply means nothing the model says can pass for that line.
 *
 * Environment:
 *   LOOOP_OPENAI_BASE_URL   server root, with or without /v1 (default http://127.0.0.1:11434, Ollama)
 *   LOOOP_OPENAI_MODEL      model name (required), e.g. llama3.2 or gpt-4o-mini
 *   LOOOP_OPENAI_API_KEY    sent as a Bearer token when set
 *   LOOOP_OPENAI_PRICE_IN   USD per million prompt tokens (default 0: a local model is free)
 *   LOOOP_OPENAI_PRICE_OUT  USD per million completion tokens (default 0)
 *
 * Exit 1 with one line on stderr when the server cannot be reached, answers
 * with an HTTP error, or answers with something that is not a chat completion.
 * A reply that holds no JSON object writes no decision and exits 0: the model
 * was asked and decided nothing, which looop reports as no_decision.
 */
public class OpenAiHttp {
    static final String DEFAULT_BASE_URL = "http://127.0.0.1:11434";
    static final String SYSTEM = "You are the decider of a control loop. Answer with ONE JSON object only: the decision "
            + "the instructions describe, and nothing else (no prose, no code fences). You cannot write files: where the "
            + "instructions say to write the decision to a file, answer with that object instead; it is written for you.";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private static final Pattern FENCE = Pattern.compile("```(?:json|JSON)?\\s*\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern THINKING = Pattern.compile("<think>.*?</think>", Pattern.DOTALL);

    /** A one-line failure for stderr; the runner exits 1. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(System.getenv(), System.in, out, err));
    }

    static int run(Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
        try {
            Settings s = Settings.of(env);
            JsonNode completion = complete(s, new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
            Failure unwritten = decide(s, replyText(completion), out, err);
            ObjectNode usage = usageLine(s, completion);
            if (usage.get("cost_usd").isNull()) err.println("openai-http: the server reported no token counts, so this call's cost is unknown");
            out.println(JSON.writeValueAsString(usage));
            if (unwritten != null) throw unwritten;
            return 0;
        } catch (Failure f) {
            err.println("openai-http: " + f.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("openai-http: cannot read the prompt on stdin (" + e + ")");
            return 1;
        }
    }

    /**
     * Shows the reply and writes the decision it holds. A failed write is
     * returned rather than thrown, to be said after the usage line: the call
     * was paid for either way.
     */
    static Failure decide(Settings s, String reply, PrintStream out, PrintStream err) {
        reply.lines().forEach(l -> out.println("│ " + l));
        JsonNode decision = extractObject(reply);
        if (decision == null) {
            err.println("openai-http: the reply held no JSON object; no decision written");
            return null;
        }
        try {
            out.println("decision written to " + writeDecision(s.decisionFile, decision).getFileName());
            return null;
        } catch (Failure f) {
            return f;
        }
    }

    /** What the environment asks for, checked before any request. */
    record Settings(URI endpoint, String model, String apiKey, BigDecimal priceIn, BigDecimal priceOut, Path decisionFile) {
        static Settings of(Map<String, String> env) throws Failure {
            String model = nonBlank(env.get("LOOOP_OPENAI_MODEL"));
            if (model == null) throw new Failure("set LOOOP_OPENAI_MODEL to the model's name (e.g. llama3.2 for Ollama, gpt-4o-mini for OpenAI)");
            String data = nonBlank(env.get("LOOOP_DATA_DIR"));
            if (data == null) throw new Failure("LOOOP_DATA_DIR is not set; run me as a looop runner");
            String file = nonBlank(env.get("LOOOP_DECISION_FILE"));
            return new Settings(OpenAiHttp.endpoint(env.getOrDefault("LOOOP_OPENAI_BASE_URL", "")), model,
                    nonBlank(env.get("LOOOP_OPENAI_API_KEY")), price(env, "LOOOP_OPENAI_PRICE_IN"),
                    price(env, "LOOOP_OPENAI_PRICE_OUT"), file != null ? Path.of(file) : Path.of(data, ".decision.json"));
        }
    }

    /** The chat completions URL; a base that already ends in /v1 (as OpenAI's own does) is not doubled. */
    static URI endpoint(String base) throws Failure {
        String b = base.isBlank() ? DEFAULT_BASE_URL : base.strip().replaceAll("/+$", "");
        if (!b.endsWith("/v1")) b += "/v1";
        try {
            URI uri = URI.create(b + "/chat/completions");
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) throw new IllegalArgumentException("not http(s)");
            return uri;
        } catch (IllegalArgumentException e) {
            throw new Failure("LOOOP_OPENAI_BASE_URL '" + base + "' is not an http(s) URL like " + DEFAULT_BASE_URL);
        }
    }

    static BigDecimal price(Map<String, String> env, String name) throws Failure {
        String v = nonBlank(env.get(name));
        if (v == null) return BigDecimal.ZERO;
        try {
            BigDecimal p = new BigDecimal(v.strip());
            if (p.signum() >= 0) return p;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Failure(name + " must be a price in USD per million tokens like 0.15, got '" + v + "'");
    }

    /**
     * Posts the chat. JSON mode is asked for, since it makes small local
     * models keep to one object; a server that rejects response_format gets
     * the same request once more without it.
     */
    static JsonNode complete(Settings s, String prompt) throws Failure {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = post(http, s, request(s, prompt, true));
        if ((r.statusCode() == 400 || r.statusCode() == 422) && r.body().contains("response_format")) {
            r = post(http, s, request(s, prompt, false));
        }
        if (r.statusCode() / 100 != 2) throw new Failure(httpError(s, r));
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Failure(s.endpoint + " answered with something that is not JSON (" + snippet(r.body())
                    + "); is LOOOP_OPENAI_BASE_URL an OpenAI-compatible server?");
        }
    }

    static String request(Settings s, String prompt, boolean jsonMode) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", s.model);
        body.put("stream", false);
        var messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM);
        messages.addObject().put("role", "user").put("content", prompt);
        if (jsonMode) body.putObject("response_format").put("type", "json_object");
        return body.toString(); // valid JSON: the tree holds strings only
    }

    static HttpResponse<String> post(HttpClient http, Settings s, String body) throws Failure {
        HttpRequest.Builder req = HttpRequest.newBuilder(s.endpoint).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (s.apiKey != null) req.header("Authorization", "Bearer " + s.apiKey);
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new Failure("cannot reach " + s.endpoint + " (connection refused); start the server or set LOOOP_OPENAI_BASE_URL");
        } catch (IOException e) {
            throw new Failure("cannot reach " + s.endpoint + " (" + e + "); start the server or set LOOOP_OPENAI_BASE_URL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while waiting for " + s.endpoint);
        }
    }

    /** The server's own error message when it sent one (OpenAI, Ollama and llama.cpp use {"error":{"message":…}}). */
    static String httpError(Settings s, HttpResponse<String> r) {
        String why = snippet(r.body());
        try {
            JsonNode e = JSON.readTree(r.body()).path("error");
            String m = e.isTextual() ? e.asText() : e.path("message").asText(null);
            if (m != null && !m.isBlank()) why = oneLine(m);
        } catch (IOException notJson) {
            // the body itself is the best clue
        }
        String hint = r.statusCode() == 401 || r.statusCode() == 403 ? "; check LOOOP_OPENAI_API_KEY"
                : r.statusCode() == 404 ? "; check LOOOP_OPENAI_BASE_URL and LOOOP_OPENAI_MODEL" : "";
        return "POST " + s.endpoint + " answered " + r.statusCode() + ": " + why + hint;
    }

    static String replyText(JsonNode completion) throws Failure {
        JsonNode content = completion.path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) {
            throw new Failure("the server's answer has no choices[0].message.content: " + snippet(completion.toString()));
        }
        return content.asText();
    }

    /**
     * The first JSON object in a reply: the whole reply, a ```json fenced
     * block, or an object inside prose. A reasoning model's <think> part is
     * skipped, since it may sketch objects it did not choose.
     */
    static JsonNode extractObject(String reply) {
        String text = THINKING.matcher(reply).replaceAll("");
        Matcher fence = FENCE.matcher(text);
        if (fence.find()) {
            JsonNode n = objectAt(fence.group(1), fence.group(1).indexOf('{'));
            if (n != null) return n;
        }
        for (int i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
            JsonNode n = objectAt(text, i);
            if (n != null) return n;
        }
        return null;
    }

    private static JsonNode objectAt(String text, int start) {
        if (start < 0) return null;
        try (JsonParser p = JSON.createParser(text.substring(start))) {
            JsonNode n = JSON.readTree(p);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Written whole or not at all: a temp file in the same directory, synced, then renamed over. */
    static Path writeDecision(Path target, JsonNode decision) throws Failure {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".decision.", ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(decision) + "\n", StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new Failure("cannot write " + target + " (" + e + "); check the data dir's permissions");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the rename already took it, or the dir refuses us and said so above
                }
            }
        }
    }

    /**
     * The one metered line. cost_usd is tokens × prices; with prices set but
     * no token counts from the server it is null, so looop sees an unmetered
     * run instead of a free one.
     */
    static ObjectNode usageLine(Settings s, JsonNode completion) {
        JsonNode usage = completion.path("usage");
        ObjectNode line = JSON.createObjectNode();
        line.put("type", "usage");
        line.put("model", completion.path("model").asText(s.model));
        line.set("usage", usage.isObject() ? usage : JSON.createObjectNode());
        JsonNode in = usage.path("prompt_tokens");
        JsonNode out = usage.path("completion_tokens");
        boolean priced = s.priceIn.signum() > 0 || s.priceOut.signum() > 0;
        if (!priced) {
            line.put("cost_usd", BigDecimal.ZERO);
        } else if (in.isNumber() && out.isNumber()) {
            BigDecimal usd = s.priceIn.multiply(in.decimalValue()).add(s.priceOut.multiply(out.decimalValue()))
                    .movePointLeft(6).stripTrailingZeros();
            line.put("cost_usd", usd.signum() == 0 ? BigDecimal.ZERO : usd);
        } else {
            line.putNull("cost_usd");
        }
        return line;
    }

    private static String snippet(String body) {
        String s = oneLine(body == null ? "" : body);
        if (s.isEmpty()) return "an empty body";
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
