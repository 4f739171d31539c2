package looop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the model APIs that the agent CLIs talk to, on 127.0.0.1 at a
 * random port, scripted for one agent turn: the first request that offers a
 * file-writing tool (or, for codex, a shell tool) is answered with a call to
 * it that writes {@code .decision.json} with the given decision into the given
 * directory; once the conversation's last entry is that tool's result, the
 * answer is a short final text. Requests that offer no such tool (title
 * generation, routing, next-speaker checks) get a short text (or JSON when
 * they ask for JSON). Every reply reports token usage ({@link #INPUT_TOKENS},
 * {@link #OUTPUT_TOKENS}) so the CLIs print usage or cost. {@link #worker}
 * scripts a worker's turns instead: shell commands through the CLI's shell
 * tool, one per tool result, then a final text.
 *
 * <p>Speaks, streaming (SSE) and not:
 * <ul>
 * <li>Anthropic Messages, {@code POST /v1/messages} (and {@code /count_tokens}): claude</li>
 * <li>OpenAI Responses, {@code POST /v1/responses}: codex</li>
 * <li>OpenAI Chat Completions, {@code POST /v1/chat/completions}: opencode, pi (OpenAI-compatible provider)</li>
 * <li>Gemini, {@code POST /v1beta/models/M:streamGenerateContent|generateContent|countTokens}: gemini-cli</li>
 * <li>{@code GET …/models}: a one-model list in OpenAI's and Gemini's shape</li>
 * </ul>
 *
 * <p>Run by hand for experiments (prints the base URL, serves until killed):
 * {@code java -cp <jackson jars> tests/support/ApiStandIn.java <dir> '<decision json>' [port] [request-log-dir]}
 */
public final class ApiStandIn implements AutoCloseable {
    public static final int INPUT_TOKENS = 1000;
    public static final int OUTPUT_TOKENS = 50;
    public static final String FINAL_TEXT = "Wrote the decision to .decision.json.";

    /** One request as received, for assertions and debugging; toolResults: the conversation's tool results, in order, as JSON text. */
    public record Request(String method, String path, String body, List<String> toolResults) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WRITE_TOOLS = List.of("Write", "write", "write_file");
    private static final List<String> SHELL_TOOLS = List.of("shell_command", "exec_command", "shell", "bash", "Bash",
            "run_shell_command");
    private static final List<String> PATH_KEYS = List.of("file_path", "filePath", "path", "absolute_path");

    private final HttpServer server;
    private final ExecutorService pool;
    private final Path dir;
    private final String decision;
    private final Path logDir;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();
    /** A worker's turns: shell commands run one per tool result, then {@link #WORKER_DONE}; null for a decider's turn. */
    private final List<String> commands;

    private ApiStandIn(Path dir, String decision, int port, Path logDir) throws IOException {
        this(dir, decision, null, port, logDir);
    }

    private ApiStandIn(Path dir, String decision, List<String> commands, int port, Path logDir) throws IOException {
        this.dir = dir.toAbsolutePath();
        this.decision = decision;
        this.commands = commands == null ? null : List.copyOf(commands);
        this.logDir = logDir;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        pool = Executors.newFixedThreadPool(4);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves on a random port until {@link #close()}; {@code .decision.json} is to be written into dir. */
    public static ApiStandIn start(Path dir, String decision) throws IOException {
        return new ApiStandIn(dir, decision, 0, null);
    }

    /**
     * A worker's model: each request that offers a shell tool gets a call
     * running the next of commands (the how-many-th is the number of tool
     * results the conversation already holds, so side requests and retries do
     * not advance it), run in dir; after the last, the final text
     * {@link #WORKER_DONE}.
     */
    public static ApiStandIn worker(Path dir, List<String> commands, Path logDir) throws IOException {
        return new ApiStandIn(dir, null, commands, 0, logDir);
    }

    public static final String WORKER_DONE = "All steps done.";

    /**
     * A plan at its usage limit: every Anthropic Messages request is refused
     * with 429 and Anthropic's unified rate-limit headers (status rejected,
     * reset at resetUnix, the 5-hour window), as the API answers a
     * subscription past its limit; every Responses request (codex) with
     * 429 usage_limit_reached, resets_at resetUnix. Claude Code reports it as a
     * rate_limit_event only when signed in with a subscription
     * (CLAUDE_CODE_OAUTH_TOKEN), not with an API key.
     */
    public static ApiStandIn limited(Path dir, long resetUnix) throws IOException {
        ApiStandIn s = new ApiStandIn(dir, "{}", 0, null);
        s.limitResetUnix = resetUnix;
        return s;
    }

    private volatile long limitResetUnix;

    /** ChatGPT's plan limit as the Responses API answers it (codex shows "You've hit your usage limit … try again at …"). */
    private void usageLimitReached(HttpExchange ex) throws IOException {
        long in = Math.max(1, limitResetUnix - System.currentTimeMillis() / 1000);
        json(ex, 429, obj().set("error", obj().put("type", "usage_limit_reached").put("message", "The usage limit has been reached")
                .put("plan_type", "plus").put("resets_at", limitResetUnix).put("resets_in_seconds", in)));
    }

    private void limitReached(HttpExchange ex) throws IOException {
        var h = ex.getResponseHeaders();
        String reset = Long.toString(limitResetUnix);
        h.set("anthropic-ratelimit-unified-status", "rejected");
        h.set("anthropic-ratelimit-unified-reset", reset);
        h.set("anthropic-ratelimit-unified-5h-status", "rejected");
        h.set("anthropic-ratelimit-unified-5h-reset", reset);
        h.set("anthropic-ratelimit-unified-5h-utilization", "1.0");
        h.set("anthropic-ratelimit-unified-representative-claim", "five_hour");
        h.set("retry-after", Long.toString(Math.max(1, limitResetUnix - System.currentTimeMillis() / 1000)));
        h.set("x-should-retry", "false");
        json(ex, 429, obj().put("type", "error").set("error", obj().put("type", "rate_limit_error")
                .put("message", "This request would exceed your account's rate limit. Please try again later.")));
    }

    /**
     * A model (Anthropic Messages only) that calls one tool by name (an MCP
     * server's, say {@code mcp__looop__state}) with args, and once the
     * conversation holds that call answers {@link #TOOL_DONE}.
     */
    public static ApiStandIn callingTool(Path dir, String tool, String args) throws IOException {
        ApiStandIn s = new ApiStandIn(dir, null, 0, null);
        s.toolToCall = tool;
        s.toolArgs = (ObjectNode) parse(args);
        return s;
    }

    public static final String TOOL_DONE = "Read the tool's result.";
    private volatile String toolToCall;
    private volatile ObjectNode toolArgs;

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT}, without a path. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ApiStandIn <dir> <decision-json> [port] [request-log-dir]");
            System.exit(2);
        }
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Path log = args.length > 3 ? Path.of(args[3]) : null;
        if (log != null) Files.createDirectories(log);
        ApiStandIn s = new ApiStandIn(Path.of(args[0]), args[1], port, log);
        System.out.println(s.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }

    // ---------------------------------------------------------------- routing

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getRawQuery();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            noteDecisionFile(body);
            JsonNode req = body.isBlank() ? JSON.createObjectNode() : parse(body);
            requests.add(new Request(method, ex.getRequestURI().toString(), body, toolResults(req)));
            log(method, ex.getRequestURI().toString(), body);
            if (path.endsWith("/count_tokens")) {
                json(ex, 200, obj().put("input_tokens", INPUT_TOKENS));
            } else if (path.endsWith("/v1/messages") && limitResetUnix > 0) {
                limitReached(ex);
            } else if (path.endsWith("/v1/messages")) {
                anthropic(ex, req);
            } else if (path.endsWith("/responses") && limitResetUnix > 0) {
                usageLimitReached(ex);
            } else if (path.endsWith("/responses")) {
                responses(ex, req);
            } else if (path.endsWith("/chat/completions")) {
                chat(ex, req);
            } else if (path.contains(":countTokens")) {
                json(ex, 200, obj().put("totalTokens", INPUT_TOKENS));
            } else if (path.contains(":streamGenerateContent") || path.contains(":generateContent")) {
                gemini(ex, req, path.contains(":stream"), query != null && query.contains("alt=sse"));
            } else if ("GET".equals(method) && path.endsWith("/models")) {
                models(ex);
            } else {
                json(ex, 404, obj().set("error", obj().put("message", "the stand-in does not serve " + path)
                        .put("type", "not_found_error")));
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private void log(String method, String uri, String body) {
        if (logDir == null) return;
        try {
            String name = String.format("%03d-%s-%s.txt", ids.incrementAndGet(), method,
                    uri.replaceAll("[^A-Za-z0-9._-]+", "_"));
            Files.writeString(logDir.resolve(name.length() > 120 ? name.substring(0, 120) : name), body);
        } catch (IOException e) {
            // debugging aid only
        }
    }

    /** The tool results a request's conversation carries, in each API's shape. */
    private static List<String> toolResults(JsonNode req) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : req.path("messages")) {
            if ("tool".equals(m.path("role").asText())) out.add(m.path("content").toString()); // chat completions
            for (JsonNode block : m.path("content")) {
                if ("tool_result".equals(block.path("type").asText())) out.add(block.path("content").toString()); // anthropic
            }
        }
        for (JsonNode item : req.path("input")) {
            if (item.path("type").asText().endsWith("_output")) out.add(item.path("output").toString()); // responses
        }
        for (JsonNode c : req.path("contents")) {
            for (JsonNode part : c.path("parts")) {
                if (part.has("functionResponse")) out.add(part.path("functionResponse").toString()); // gemini
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- the script

    /** A tool the request offers: its name and its JSON schema's properties. */
    private record Tool(String name, JsonNode properties) {}

    /** What to answer: a tool call (name + arguments) or, when tool is null, text. */
    private record Plan(String tool, ObjectNode args, String text) {
        boolean isCall() {
            return tool != null;
        }
    }

    /**
     * A looop prompt names where the decision goes (=== DECISION FILE ===, a
     * run's own dir, the one a sandboxed decider may write): the call writes
     * there; without one, .decision.json in dir.
     */
    private volatile Path decisionFile;
    private static final java.util.regex.Pattern DECISION_FILE =
            java.util.regex.Pattern.compile("=== DECISION FILE ===(?:\\\\n|\\n|\\s)+(/[^\\s\"\\\\]+)");

    private void noteDecisionFile(String body) {
        java.util.regex.Matcher m = DECISION_FILE.matcher(body);
        if (m.find()) decisionFile = Path.of(m.group(1));
    }

    private Path target() {
        Path f = decisionFile;
        return f != null ? f : dir.resolve(".decision.json");
    }

    private Plan plan(List<Tool> tools, boolean afterToolResult, boolean wantsJson, int results) {
        if (commands != null) return workerPlan(tools, wantsJson, results);
        if (afterToolResult) return new Plan(null, null, FINAL_TEXT);
        for (String name : WRITE_TOOLS) {
            for (Tool t : tools) {
                if (!t.name().equals(name)) continue;
                String key = pathKey(t.properties());
                if (key == null) continue;
                ObjectNode args = obj();
                args.put(key, target().toString());
                args.put("content", decision);
                return new Plan(t.name(), args, null);
            }
        }
        for (String name : SHELL_TOOLS) {
            for (Tool t : tools) {
                if (t.name().equals(name)) return new Plan(t.name(), shellArgs(t, decisionScript()), null);
            }
        }
        return new Plan(null, null, wantsJson ? sideJson() : "OK");
    }

    /**
     * The tool when a request offers it, or once ToolSearch has loaded it
     * (Claude Code defers an MCP server's tools: the model fetches one with
     * ToolSearch "select:NAME" first, as a real model does); after its result,
     * {@link #TOOL_DONE}.
     */
    private Plan toolPlan(List<Tool> tools, JsonNode messages) {
        if (used(messages, toolToCall)) return new Plan(null, null, TOOL_DONE);
        boolean offered = tools.stream().anyMatch(t -> t.name().equals(toolToCall));
        if (offered || used(messages, "ToolSearch")) return new Plan(toolToCall, toolArgs.deepCopy(), null);
        if (tools.stream().anyMatch(t -> t.name().equals("ToolSearch"))) {
            return new Plan("ToolSearch", obj().put("query", "select:" + toolToCall), null);
        }
        return new Plan(null, null, "OK");
    }

    /** Whether the conversation (Anthropic's shape) holds an assistant's call of tool. */
    private static boolean used(JsonNode messages, String tool) {
        for (JsonNode m : messages) {
            for (JsonNode block : m.path("content")) {
                if ("tool_use".equals(block.path("type").asText()) && tool.equals(block.path("name").asText())) return true;
            }
        }
        return false;
    }

    private Plan workerPlan(List<Tool> tools, boolean wantsJson, int results) {
        if (wantsJson) return new Plan(null, null, sideJson());
        for (String name : SHELL_TOOLS) {
            for (Tool t : tools) {
                if (!t.name().equals(name)) continue;
                if (results >= commands.size()) return new Plan(null, null, WORKER_DONE);
                return new Plan(t.name(), shellArgs(t, commands.get(results)), null);
            }
        }
        return new Plan(null, null, "OK");
    }

    private static String pathKey(JsonNode properties) {
        for (String k : PATH_KEYS) {
            if (properties.has(k)) return k;
        }
        return null;
    }

    private String decisionScript() {
        return "cat > " + quote(target().toString()) + " <<'LOOOP_DECISION_EOF'\n" + decision + "\nLOOOP_DECISION_EOF";
    }

    /** The call's arguments; a long timeout where the tool takes one (a worker's `ask` waits for a person). */
    private ObjectNode shellArgs(Tool t, String script) {
        ObjectNode args = obj();
        JsonNode p = t.properties();
        String key = p.has("cmd") ? "cmd" : "command";
        if (p.path(key).path("type").asText().equals("array")) {
            args.putArray(key).add("bash").add("-c").add(script);
        } else {
            args.put(key, script);
        }
        if (p.has("workdir")) args.put("workdir", dir.toString());
        if (commands != null) {
            if (p.has("description")) args.put("description", "a step of the worker's script");
            if (p.has("timeout")) args.put("timeout", 300000);
            if (p.has("yield_time_ms")) args.put("yield_time_ms", 300000);
        }
        return args;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** For side requests that want JSON (gemini's next-speaker check, its model router's classifier): keys each might read. */
    private static String sideJson() {
        return "{\"reasoning\":\"The task is done.\",\"next_speaker\":\"user\",\"model_choice\":\"flash\","
                + "\"complexity_reasoning\":\"A simple task.\",\"complexity_score\":1,\"confidence\":0.0,\"unproductive_state_confidence\":0.0,\"unproductive_state_analysis\":\"none\"}";
    }

    // ---------------------------------------------------------------- Anthropic Messages

    private void anthropic(HttpExchange ex, JsonNode req) throws IOException {
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : req.path("tools")) tools.add(new Tool(t.path("name").asText(), t.path("input_schema").path("properties")));
        JsonNode last = lastOf(req.path("messages"));
        boolean afterResult = false;
        if ("user".equals(last.path("role").asText())) {
            for (JsonNode block : last.path("content")) {
                if ("tool_result".equals(block.path("type").asText())) afterResult = true;
            }
        }
        int results = 0;
        for (JsonNode m : req.path("messages")) {
            for (JsonNode block : m.path("content")) {
                if ("tool_result".equals(block.path("type").asText())) results++;
            }
        }
        Plan plan = toolToCall != null && !tools.isEmpty() ? toolPlan(tools, req.path("messages"))
                : toolToCall != null ? new Plan(null, null, "OK") : plan(tools, afterResult, false, results);
        String model = req.path("model").asText("claude-sonnet-4-5");
        String id = "msg_standin_" + ids.incrementAndGet();
        ObjectNode block = obj();
        if (plan.isCall()) {
            block.put("type", "tool_use").put("id", "toolu_standin_" + ids.incrementAndGet()).put("name", plan.tool());
        } else {
            block.put("type", "text");
        }
        String stop = plan.isCall() ? "tool_use" : "end_turn";
        if (!req.path("stream").asBoolean()) {
            ObjectNode full = block.deepCopy();
            if (plan.isCall()) full.set("input", plan.args());
            else full.put("text", plan.text());
            ObjectNode msg = obj().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
            msg.putArray("content").add(full);
            msg.put("stop_reason", stop).putNull("stop_sequence");
            msg.set("usage", anthropicUsage(OUTPUT_TOKENS));
            json(ex, 200, msg);
            return;
        }
        Sse sse = new Sse(ex);
        ObjectNode start = obj().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        start.putArray("content");
        start.putNull("stop_reason").putNull("stop_sequence");
        start.set("usage", anthropicUsage(1));
        sse.event("message_start", obj().put("type", "message_start").set("message", start));
        ObjectNode startBlock = block.deepCopy();
        if (plan.isCall()) startBlock.set("input", obj());
        else startBlock.put("text", "");
        sse.event("content_block_start", obj().put("type", "content_block_start").put("index", 0).set("content_block", startBlock));
        ObjectNode delta = plan.isCall()
                ? obj().put("type", "input_json_delta").put("partial_json", plan.args().toString())
                : obj().put("type", "text_delta").put("text", plan.text());
        sse.event("content_block_delta", obj().put("type", "content_block_delta").put("index", 0).set("delta", delta));
        sse.event("content_block_stop", obj().put("type", "content_block_stop").put("index", 0));
        ObjectNode md = obj().put("type", "message_delta");
        md.set("delta", obj().put("stop_reason", stop).putNull("stop_sequence"));
        md.set("usage", obj().put("output_tokens", OUTPUT_TOKENS));
        sse.event("message_delta", md);
        sse.event("message_stop", obj().put("type", "message_stop"));
        sse.close();
    }

    private static ObjectNode anthropicUsage(int output) {
        return obj().put("input_tokens", INPUT_TOKENS).put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0).put("output_tokens", output);
    }

    // ---------------------------------------------------------------- OpenAI Responses

    private void responses(HttpExchange ex, JsonNode req) throws IOException {
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : req.path("tools")) {
            String name = t.has("name") ? t.path("name").asText() : t.path("type").asText();
            tools.add(new Tool(name, t.path("parameters").path("properties")));
        }
        JsonNode last = lastOf(req.path("input"));
        boolean afterResult = last.path("type").asText().endsWith("_output");
        int results = 0;
        for (JsonNode item : req.path("input")) {
            if (item.path("type").asText().endsWith("_output")) results++;
        }
        Plan plan = plan(tools, afterResult, false, results);
        String model = req.path("model").asText("gpt-5-codex");
        String respId = "resp_standin_" + ids.incrementAndGet();
        ObjectNode item;
        if (plan.isCall()) {
            item = obj().put("type", "function_call").put("id", "fc_standin_" + ids.incrementAndGet())
                    .put("call_id", "call_standin_" + ids.incrementAndGet()).put("name", plan.tool())
                    .put("arguments", plan.args().toString()).put("status", "completed");
        } else {
            item = obj().put("type", "message").put("id", "msg_standin_" + ids.incrementAndGet()).put("role", "assistant")
                    .put("status", "completed");
            item.putArray("content").add(obj().put("type", "output_text").put("text", plan.text()).set("annotations",
                    JSON.createArrayNode()));
        }
        ObjectNode usage = obj().put("input_tokens", INPUT_TOKENS);
        usage.set("input_tokens_details", obj().put("cached_tokens", 0));
        usage.put("output_tokens", OUTPUT_TOKENS);
        usage.set("output_tokens_details", obj().put("reasoning_tokens", 0));
        usage.put("total_tokens", INPUT_TOKENS + OUTPUT_TOKENS);
        ObjectNode done = obj().put("id", respId).put("object", "response").put("created_at", now()).put("status", "completed")
                .put("model", model);
        done.putArray("output").add(item);
        done.set("usage", usage);
        if (!req.path("stream").asBoolean()) {
            json(ex, 200, done);
            return;
        }
        Sse sse = new Sse(ex);
        int seq = 0;
        ObjectNode created = obj().put("id", respId).put("object", "response").put("created_at", now())
                .put("status", "in_progress").put("model", model);
        created.putArray("output");
        sse.event("response.created", obj().put("type", "response.created").put("sequence_number", seq++).set("response", created));
        ObjectNode added = item.deepCopy();
        added.put("status", "in_progress");
        if (plan.isCall()) added.put("arguments", "");
        else added.putArray("content");
        sse.event("response.output_item.added", obj().put("type", "response.output_item.added").put("sequence_number", seq++)
                .put("output_index", 0).set("item", added));
        if (plan.isCall()) {
            sse.event("response.function_call_arguments.delta", obj().put("type", "response.function_call_arguments.delta")
                    .put("sequence_number", seq++).put("item_id", item.path("id").asText()).put("output_index", 0)
                    .put("delta", plan.args().toString()));
            sse.event("response.function_call_arguments.done", obj().put("type", "response.function_call_arguments.done")
                    .put("sequence_number", seq++).put("item_id", item.path("id").asText()).put("output_index", 0)
                    .put("arguments", plan.args().toString()));
        } else {
            sse.event("response.output_text.delta", obj().put("type", "response.output_text.delta").put("sequence_number", seq++)
                    .put("item_id", item.path("id").asText()).put("output_index", 0).put("content_index", 0)
                    .put("delta", plan.text()));
            sse.event("response.output_text.done", obj().put("type", "response.output_text.done").put("sequence_number", seq++)
                    .put("item_id", item.path("id").asText()).put("output_index", 0).put("content_index", 0)
                    .put("text", plan.text()));
        }
        sse.event("response.output_item.done", obj().put("type", "response.output_item.done").put("sequence_number", seq++)
                .put("output_index", 0).set("item", item));
        sse.event("response.completed", obj().put("type", "response.completed").put("sequence_number", seq).set("response", done));
        sse.close();
    }

    // ---------------------------------------------------------------- OpenAI Chat Completions

    private void chat(HttpExchange ex, JsonNode req) throws IOException {
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : req.path("tools")) {
            JsonNode f = t.path("function");
            tools.add(new Tool(f.path("name").asText(), f.path("parameters").path("properties")));
        }
        JsonNode last = lastOf(req.path("messages"));
        boolean afterResult = "tool".equals(last.path("role").asText());
        String format = req.path("response_format").path("type").asText();
        int results = 0;
        for (JsonNode m : req.path("messages")) {
            if ("tool".equals(m.path("role").asText())) results++;
        }
        Plan plan = plan(tools, afterResult, format.startsWith("json"), results);
        String model = req.path("model").asText("standin-model");
        String id = "chatcmpl-standin-" + ids.incrementAndGet();
        ObjectNode usage = obj().put("prompt_tokens", INPUT_TOKENS).put("completion_tokens", OUTPUT_TOKENS)
                .put("total_tokens", INPUT_TOKENS + OUTPUT_TOKENS);
        ObjectNode call = null;
        if (plan.isCall()) {
            call = obj().put("id", "call_standin_" + ids.incrementAndGet()).put("type", "function");
            call.set("function", obj().put("name", plan.tool()).put("arguments", plan.args().toString()));
        }
        String finish = plan.isCall() ? "tool_calls" : "stop";
        if (!req.path("stream").asBoolean()) {
            ObjectNode msg = obj().put("role", "assistant");
            if (plan.isCall()) {
                msg.putNull("content");
                msg.putArray("tool_calls").add(call);
            } else {
                msg.put("content", plan.text());
            }
            ObjectNode resp = chunkBase(id, model, "chat.completion");
            resp.putArray("choices").add(obj().put("index", 0).put("finish_reason", finish).set("message", msg));
            resp.set("usage", usage);
            json(ex, 200, resp);
            return;
        }
        Sse sse = new Sse(ex);
        ObjectNode delta = obj().put("role", "assistant");
        if (plan.isCall()) {
            delta.putNull("content");
            ObjectNode c = call.deepCopy();
            c.put("index", 0);
            delta.putArray("tool_calls").add(c);
        } else {
            delta.put("content", plan.text());
        }
        ObjectNode first = chunkBase(id, model, "chat.completion.chunk");
        first.putArray("choices").add(obj().put("index", 0).putNull("finish_reason").set("delta", delta));
        sse.data(first);
        ObjectNode end = chunkBase(id, model, "chat.completion.chunk");
        end.putArray("choices").add(obj().put("index", 0).put("finish_reason", finish).set("delta", obj()));
        sse.data(end);
        ObjectNode tail = chunkBase(id, model, "chat.completion.chunk");
        tail.putArray("choices");
        tail.set("usage", usage);
        sse.data(tail);
        sse.raw("data: [DONE]\n\n");
        sse.close();
    }

    private static ObjectNode chunkBase(String id, String model, String object) {
        return obj().put("id", id).put("object", object).put("created", now()).put("model", model);
    }

    // ---------------------------------------------------------------- Gemini

    private void gemini(HttpExchange ex, JsonNode req, boolean stream, boolean sse) throws IOException {
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : req.path("tools")) {
            for (JsonNode f : t.path("functionDeclarations")) {
                JsonNode schema = f.has("parametersJsonSchema") ? f.path("parametersJsonSchema") : f.path("parameters");
                tools.add(new Tool(f.path("name").asText(), schema.path("properties")));
            }
        }
        JsonNode last = lastOf(req.path("contents"));
        boolean afterResult = false;
        for (JsonNode part : last.path("parts")) {
            if (part.has("functionResponse")) afterResult = true;
        }
        JsonNode gen = req.path("generationConfig");
        boolean wantsJson = gen.path("responseMimeType").asText().contains("json") || gen.has("responseSchema")
                || gen.has("responseJsonSchema");
        int results = 0;
        for (JsonNode c : req.path("contents")) {
            for (JsonNode part : c.path("parts")) {
                if (part.has("functionResponse")) results++;
            }
        }
        Plan plan = plan(tools, afterResult, wantsJson, results);
        ObjectNode part = obj();
        if (plan.isCall()) part.set("functionCall", obj().put("name", plan.tool()).set("args", plan.args()));
        else part.put("text", plan.text());
        ObjectNode content = obj().put("role", "model");
        content.putArray("parts").add(part);
        ObjectNode cand = obj();
        cand.set("content", content);
        cand.put("finishReason", "STOP").put("index", 0);
        ObjectNode resp = obj();
        resp.putArray("candidates").add(cand);
        resp.set("usageMetadata", obj().put("promptTokenCount", INPUT_TOKENS).put("candidatesTokenCount", OUTPUT_TOKENS)
                .put("totalTokenCount", INPUT_TOKENS + OUTPUT_TOKENS));
        resp.put("modelVersion", "gemini-2.5-flash").put("responseId", "standin-" + ids.incrementAndGet());
        if (!stream) {
            json(ex, 200, resp);
        } else if (sse) {
            Sse s = new Sse(ex);
            s.raw("data: " + resp + "\r\n\r\n");
            s.close();
        } else {
            ArrayNode arr = JSON.createArrayNode().add(resp);
            json(ex, 200, arr);
        }
    }

    // ---------------------------------------------------------------- models

    private void models(HttpExchange ex) throws IOException {
        ObjectNode resp = obj().put("object", "list");
        resp.putArray("data").add(obj().put("id", "standin-model").put("object", "model").put("created", now())
                .put("owned_by", "looop"));
        resp.putArray("models").add(obj().put("name", "models/gemini-2.5-flash").put("displayName", "stand-in")
                .put("inputTokenLimit", 1048576).put("outputTokenLimit", 65536));
        json(ex, 200, resp);
    }

    // ---------------------------------------------------------------- plumbing

    private static JsonNode lastOf(JsonNode array) {
        JsonNode last = JSON.createObjectNode();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext();) last = it.next();
        return last;
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("request-id", "req_standin");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A text/event-stream reply, chunked. */
    private static final class Sse {
        private final OutputStream out;

        Sse(HttpExchange ex) throws IOException {
            for (Map.Entry<String, String> h : Map.of("Content-Type", "text/event-stream", "Cache-Control", "no-cache",
                    "request-id", "req_standin").entrySet()) {
                ex.getResponseHeaders().set(h.getKey(), h.getValue());
            }
            ex.sendResponseHeaders(200, 0);
            out = ex.getResponseBody();
        }

        void event(String name, JsonNode data) throws IOException {
            raw("event: " + name + "\ndata: " + data + "\n\n");
        }

        void data(JsonNode data) throws IOException {
            raw("data: " + data + "\n\n");
        }

        void raw(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void close() throws IOException {
            out.close();
        }
    }
}
