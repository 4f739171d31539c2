package looop.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import looop.Beats;
import looop.TmuxTestBase;
import looop.human.Asks;
import looop.io.Json;
import org.junit.jupiter.api.Test;

/** `looop state --json`: the document's fields with a real worker in tmux and a pending ask; status renders the same document. */
class StateDocumentTest extends TmuxTestBase {
    private Beats.Cli ok(String... args) {
        Beats.Cli r = t.cli(args);
        assertEquals(0, r.code(), String.join(" ", args) + " → " + r);
        return r;
    }

    @Test
    void theDocumentNamesEveryPartWithARealWorkerAndAPendingAsk() throws Exception {
        profile("bash -c 'echo up; sleep 600'");
        ok("start-session", "w1", "task");
        t.awaitOutput("w1", "up");
        new Asks(t.profile.paths, t.profile.clock).open("w1", "merge it?", List.of("yes", "no"), ProcessHandle.current().pid(), "w1");
        ok("schedule", "add", "standup", "--every", "1d", "--note", "stand up");

        JsonNode d = Json.parse(ok("state", "--json").out());
        for (String field : List.of("version", "at", "data_dir", "pulse_running", "interval", "busy_interval", "active_interval",
                "cadence_source", "backoff", "last_beat", "last_failure", "workers", "asks", "schedules", "budget", "sensors", "flapping")) {
            assertTrue(d.has(field), field + " in " + d);
        }
        assertEquals(StateDocument.VERSION, d.get("version").asInt());
        assertEquals(false, d.get("pulse_running").asBoolean());
        JsonNode w = d.at("/workers/0");
        assertEquals("w1", w.get("id").asText());
        assertEquals("running", w.get("state").asText());
        assertTrue(w.has("health"), w.toString());
        assertEquals("merge it?", w.get("asking").asText());
        assertEquals(0.0, w.get("cost_usd").asDouble());
        JsonNode a = d.at("/asks/0");
        assertEquals("w1", a.get("id").asText());
        assertEquals(List.of("yes", "no"), List.of(a.at("/options/0").asText(), a.at("/options/1").asText()));
        assertEquals("standup", d.at("/schedules/0/name").asText());
        assertTrue(d.at("/budget").has("spent_today_usd") && d.at("/budget").has("max_daily_usd") && d.at("/budget").has("over"), d.toString());

        String text = ok("state").out();
        assertTrue(text.contains("pulse:     not running (start it with `looop run`)"), text);
        assertTrue(text.contains("worker:    w1 running") && text.contains("asking: merge it?"), text);
        assertTrue(text.contains("ask:       w1") && text.contains("schedule:  standup"), text);

        // status renders the same document: its JSON is the document, its text the labelled lines it always had
        JsonNode status = Json.parse(ok("status", "--json").out());
        status.fieldNames().forEachRemaining(f -> {
            if (!List.of("at", "workers").contains(f)) assertEquals(d.get(f).toString().replaceAll("\"age_s\":\\d+", ""), status.get(f).toString().replaceAll("\"age_s\":\\d+", ""), f);
        });
        List<String> docFields = new java.util.ArrayList<>(), statusFields = new java.util.ArrayList<>();
        d.fieldNames().forEachRemaining(docFields::add);
        status.fieldNames().forEachRemaining(statusFields::add);
        assertEquals(docFields, statusFields);
        assertTrue(ok("status").out().contains("w1 running"));
    }
}
