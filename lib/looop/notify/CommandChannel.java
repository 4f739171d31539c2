package looop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import looop.io.Json;
import looop.io.Proc;

/**
 * A user's command: the event as one JSON object on stdin, and its main
 * fields as LOOOP_EVENT, LOOOP_EVENT_ID, LOOOP_EVENT_TITLE, LOOOP_EVENT_TEXT
 * and LOOOP_EVENT_TS. Exit 0 means delivered.
 */
final class CommandChannel extends ChannelBase {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String command;
    private final Path dir;
    private final Map<String, String> env;

    CommandChannel(JsonNode config, Set<String> on, Path dir, Map<String, String> env) {
        super(config, on);
        this.command = Json.text(config, "command");
        this.dir = dir;
        this.env = env;
    }

    @Override
    public String describe() {
        return "command";
    }

    @Override
    public void send(Event e) throws Exception {
        Map<String, String> vars = new HashMap<>(env);
        vars.put("LOOOP_EVENT", e.kind());
        vars.put("LOOOP_EVENT_ID", e.id());
        vars.put("LOOOP_EVENT_TITLE", e.title() == null ? "" : e.title());
        vars.put("LOOOP_EVENT_TEXT", e.text() == null ? "" : e.text());
        vars.put("LOOOP_EVENT_TS", e.ts().toString());
        byte[] stdin = (Json.canonical(e.json()) + "\n").getBytes(StandardCharsets.UTF_8);
        Proc.Result r = Proc.capture(new Proc.Spec(command, dir, vars, stdin, TIMEOUT), 4096);
        if (r.timedOut()) throw new Exception("command still running after " + TIMEOUT.toSeconds() + "s (stopped)");
        if (r.exitCode() != 0) {
            String err = r.stderrTail() == null ? "" : r.stderrTail().strip().replaceAll("\\s+", " ");
            throw new Exception("command exited " + r.exitCode() + (err.isEmpty() ? "" : ": " + err));
        }
    }
}
