package looop.profile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import looop.fast.Instants;
import looop.io.Fs;
import looop.io.Json;

/** The machine event stream, events.jsonl: one {"ts","event",...} object per line. */
public final class Events {
    private final Paths paths;
    private final Clock clock;

    public Events(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    public void emit(String event) {
        emit(event, Json.object());
    }

    public void emit(String event, ObjectNode fields) {
        ObjectNode row = Json.object();
        row.put("ts", Instants.rfc3339(clock.instant()));
        row.put("event", event);
        row.setAll(fields);
        Fs.appendLine(paths.events(), Json.canonical(row));
    }
}
