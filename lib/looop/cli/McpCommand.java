package looop.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import looop.mcp.Server;
import looop.mcp.Verbs;
import looop.profile.Config;
import looop.profile.Paths;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * `looop mcp`: the person's verbs as an MCP server on stdio, for an agent CLI
 * the person runs (claude mcp add looop -- looop mcp). Each tool runs its verb
 * here, through {@link Main#run}, on streams of its own: stdout is the
 * protocol, so System.out points at stderr while the server runs.
 */
@Command(name = "mcp", description = "An MCP server on stdio: the person's verbs (state, asks, answer, tell, goals, schedules, journal,"
        + " workers) as tools, goals, PLAYBOOK and the journal as resources; merge and discard only when \"mcp\".allow names them.")
final class McpCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() throws InterruptedException {
        // the person's verbs answer asks and write goals: a worker proposes, it never approves (see Main.refuseInsideWorker)
        root.refuseInsideWorker("looop mcp");
        Paths paths = root.ctx.profile();
        Config config = Config.load(paths);
        if (root.onTerminal()) {
            root.ctx.err().println("looop mcp: an MCP server on stdio, for your agent to start (docs/mcp.md has each agent's line); Ctrl-D ends it");
        }
        PrintStream protocol = root.ctx.out();
        PrintStream before = System.out;
        if (protocol == System.out) System.setOut(System.err);
        System.setProperty("slf4j.internal.verbosity", "ERROR"); // the SDK logs through SLF4J; with no binding it only says so, once
        try {
            return new Server(paths, new InProcess(root.ctx), config.mcpAllow(), Main.VERSION).serve(root.ctx.in(), protocol);
        } finally {
            System.setOut(before);
        }
    }

    /** A verb run as `looop <args>` would run, on this profile, its output captured; one at a time, as a person types them. */
    private record InProcess(Context ctx) implements Verbs {
        public synchronized Outcome run(List<String> args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Context own = new Context(ctx.paths(), ctx.clock(), ctx.sessions(), InputStream.nullInputStream(),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(own, args.toArray(String[]::new));
            return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
