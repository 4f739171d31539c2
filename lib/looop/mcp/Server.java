package looop.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import looop.profile.Paths;

/**
 * `looop mcp`: an MCP server on stdio (the official Java SDK) offering the
 * person's verbs as tools ({@link Tools}) and goals, PLAYBOOK and the journal
 * as resources ({@link Resources}). It serves until its client closes stdin.
 * out carries the protocol and nothing else: the caller points System.out
 * elsewhere before starting it.
 */
public final class Server {
    /** After the input ended, how long the last answers may take: every tool is a quick verb, none waits on a person. */
    private static final long ANSWER_CEILING_MS = 60_000;

    private final Paths paths;
    private final Verbs verbs;
    private final Set<String> allowed;
    private final String version;

    public Server(Paths paths, Verbs verbs, Set<String> allowed, String version) {
        this.paths = paths;
        this.verbs = verbs;
        this.allowed = allowed;
        this.version = version;
    }

    /** Serves on in/out until in ends; returns 0. */
    public int serve(InputStream in, OutputStream out) throws InterruptedException {
        Drain drain = new Drain(ANSWER_CEILING_MS);
        McpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
        var transport = new StdioServerTransportProvider(json, drain.in(in), drain.out(out));
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("looop", version)
                .instructions("looop is the person's control loop. These tools are the person's own verbs: read the state,"
                        + " answer asks, tell workers, write goals and schedules. Each does exactly what `looop <verb>` does.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
                .tools(tools())
                .resources(resources())
                .build();
        drain.awaitEnd();
        server.closeGracefully();
        return 0;
    }

    private List<SyncToolSpecification> tools() {
        List<SyncToolSpecification> out = new ArrayList<>();
        for (Tools.Tool t : Tools.all(allowed)) {
            McpSchema.Tool tool = McpSchema.Tool.builder(t.name(), t.schema()).description(t.description()).build();
            out.add(SyncToolSpecification.builder().tool(tool)
                    .callHandler((exchange, request) -> call(t, request.arguments())).build());
        }
        return out;
    }

    /** One call: the verb's stdout, or its one-line error as a tool error (never a stack trace). */
    McpSchema.CallToolResult call(Tools.Tool t, java.util.Map<String, Object> arguments) {
        Verbs.Outcome o = verbs.run(t.line().of(new Tools.Args(arguments)));
        if (o.ok()) return McpSchema.CallToolResult.builder().addTextContent(o.out().isEmpty() ? "(done; it printed nothing)" : o.out()).isError(false).build();
        String why = !o.err().isBlank() ? o.err().strip() : o.out().strip();
        return McpSchema.CallToolResult.builder().addTextContent(why.isEmpty() ? "looop: " + t.name() + " failed (exit " + o.exit() + ")" : why)
                .isError(true).build();
    }

    private List<SyncResourceSpecification> resources() {
        List<SyncResourceSpecification> out = new ArrayList<>();
        for (Resources.Resource r : Resources.all(paths)) {
            McpSchema.Resource resource = McpSchema.Resource.builder(r.uri(), r.name()).description(r.description())
                    .mimeType("text/markdown").build();
            out.add(new SyncResourceSpecification(resource, (exchange, request) -> McpSchema.ReadResourceResult.builder(
                    List.of(McpSchema.TextResourceContents.builder(r.uri(), r.read().get()).mimeType("text/markdown").build())).build()));
        }
        return out;
    }
}
