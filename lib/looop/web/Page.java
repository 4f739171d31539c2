package looop.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import looop.io.Json;

/**
 * The page, rendered on the server from one Fleet state: complete and
 * readable without script. Its script (Assets.JS) refreshes the same slots
 * from /api/state, and makes new workers and asks from the templates here,
 * so each piece of markup is written once. Every value goes through Html.esc.
 */
public final class Page {
    private Page() {}

    public static String render(ObjectNode state) {
        boolean human = state.path("human").asBoolean();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"referrer\" content=\"no-referrer\">")
                .append("<title>looop · ").append(Html.esc(state.path("data_dir").asText())).append("</title>")
                .append("<link rel=\"stylesheet\" href=\"/app.css\"><script src=\"/app.js\" defer></script></head>\n<body data-human=\"")
                .append(human).append("\">\n<header class=\"top\"><h1>looop</h1><span class=\"dir\">").append(Html.esc(state.path("data_dir").asText()))
                .append("</span><span class=\"live\" id=\"live\">static view</span></header>\n<main>\n");
        pulse(h, state.path("pulse"));
        asks(h, state.path("asks"), human);
        journal(h, state.path("journal"));
        workers(h, state.path("workers"), human);
        schedules(h, state.path("schedules"));
        spend(h, state.path("spend"));
        h.append("</main>\n");
        h.append("<template id=\"tpl-worker\">").append(worker(Json.object(), human)).append("</template>\n");
        h.append("<template id=\"tpl-ask\">").append(ask(Json.object())).append("</template>\n");
        return h.append("</body></html>\n").toString();
    }

    private static void pulse(StringBuilder h, JsonNode p) {
        h.append("<section id=\"pulse\" class=\"card wide\"><h2>Pulse</h2>");
        error(h, p);
        h.append("<p class=\"pulse\"><span class=\"dot ").append(p.path("running").asBoolean() ? "up" : "down")
                .append("\" data-slot=\"pulse-dot\"></span> <span data-slot=\"pulse-line\">").append(Html.esc(p.path("line").asText()))
                .append("</span></p><p class=\"last-beat ").append(Html.esc(p.path("last_outcome").asText())).append("\" data-slot=\"last-beat\">")
                .append(Html.esc(p.path("last_beat").asText())).append("</p>");
        h.append("<h3>Beats, last ").append(Fleet.TIMELINE.toHours()).append(" hours</h3><div class=\"chart-box\" data-svg=\"timeline\">")
                .append(p.path("timeline_svg").asText()).append("</div></section>\n");
    }

    private static void asks(StringBuilder h, JsonNode asks, boolean human) {
        h.append("<section id=\"asks\" class=\"card\"><h2>Waiting for you <span class=\"count\" data-slot=\"ask-count\">")
                .append(asks.size()).append("</span></h2><div data-list=\"asks\">");
        for (JsonNode a : asks) h.append(ask(a));
        h.append("</div><p class=\"empty\" data-slot=\"asks-empty\"").append(asks.isEmpty() ? "" : " hidden").append(">")
                .append(human ? "nothing is waiting for an answer" : "asks and answers are not in this build yet")
                .append("</p></section>\n");
    }

    /** One pending ask with its answer box: option buttons when the ask has options, else a text field. */
    static String ask(JsonNode a) {
        String id = a.path("id").asText();
        boolean hasOptions = a.path("options").size() > 0;
        StringBuilder h = new StringBuilder();
        h.append("<div class=\"ask-item\" data-key=\"").append(Html.esc(id)).append("\"><p class=\"who\"><b data-slot=\"id\">")
                .append(Html.esc(id)).append("</b> <span class=\"age\" data-slot=\"age\">").append(Html.esc(a.path("age").asText()))
                .append("</span></p><p class=\"question\" data-slot=\"question\">").append(Html.esc(a.path("question").asText())).append("</p>")
                .append("<form class=\"answer\" data-action=\"answer\" method=\"post\" action=\"/api/answer\">")
                .append("<input type=\"hidden\" name=\"id\" value=\"").append(Html.esc(id)).append("\">")
                .append("<div class=\"options\" data-slot=\"options\">");
        for (JsonNode o : a.path("options")) {
            h.append("<button type=\"submit\" name=\"text\" value=\"").append(Html.esc(o.asText())).append("\">").append(Html.esc(o.asText())).append("</button>");
        }
        h.append("</div><div class=\"free\" data-slot=\"free\"").append(hasOptions ? " hidden" : "").append(">")
                .append("<input name=\"text\" placeholder=\"your answer\" autocomplete=\"off\" required").append(hasOptions ? " disabled" : "")
                .append(" aria-label=\"answer\"><button type=\"submit\">Answer</button></div></form>")
                .append("<p class=\"result\" data-slot=\"result\"></p></div>");
        return h.toString();
    }

    private static void workers(StringBuilder h, JsonNode workers, boolean human) {
        h.append("<section id=\"workers\" class=\"card wide\"><h2>Workers</h2>");
        error(h, workers);
        h.append("<div data-list=\"workers\">");
        if (workers.isArray()) for (JsonNode w : workers) h.append(worker(w, human));
        h.append("</div><p class=\"empty\" data-slot=\"workers-empty\"").append(workers.size() > 0 ? " hidden" : "")
                .append(">no workers; start one with <code>looop start-session &lt;id&gt; &lt;prompt&gt;</code></p></section>\n");
    }

    /** One worker: its state line, flag or pending ask, its screen, and a tell box while it lives. */
    static String worker(JsonNode w, boolean human) {
        String id = w.path("id").asText();
        StringBuilder h = new StringBuilder();
        h.append("<article class=\"worker\" data-key=\"").append(Html.esc(id)).append("\" data-state=\"").append(Html.esc(w.path("state").asText()))
                .append("\"><p class=\"who\"><b data-slot=\"id\">").append(Html.esc(id)).append("</b> <span class=\"state\" data-slot=\"state\">")
                .append(Html.esc(state(w))).append("</span> <span class=\"health\" data-slot=\"health\" data-health=\"")
                .append(Html.esc(w.path("health").asText(""))).append("\">").append(Html.esc(w.path("health").asText("")))
                .append("</span> <span class=\"age\" data-slot=\"age\">").append(Html.esc(w.path("age").asText()))
                .append("</span> <span class=\"spend\" data-slot=\"spend\">").append(Html.esc(w.path("spend").asText())).append("</span></p>");
        slotLine(h, "flag", "⚑ ", w.path("flag").asText(""));
        slotLine(h, "blocked", "⛔ ", w.path("blocked").asText(""));
        slotLine(h, "ask", "? ", w.path("ask").asText(""));
        slotLine(h, "collides", "⇄ ", w.path("collides").asText(""));
        String stat = w.path("diff_stat").asText("");
        h.append("<div class=\"diff\" data-slot=\"diff\"").append(stat.isEmpty() ? " hidden" : "").append("><pre class=\"diff-stat\" data-slot=\"diff-stat\">")
                .append(Html.esc(stat)).append("</pre><a data-slot=\"diff-link\" href=\"").append(Html.esc(w.path("diff_url").asText("")))
                .append("\">full diff</a></div>");
        h.append("<pre class=\"screen\" data-slot=\"screen\"").append(w.path("alive").asBoolean(true) ? "" : " hidden").append(">");
        for (JsonNode line : w.path("screen")) h.append(Html.esc(line.asText())).append('\n');
        h.append("</pre>");
        if (human) {
            h.append("<form class=\"tell\" data-action=\"tell\" method=\"post\" action=\"/api/tell\"").append(w.path("alive").asBoolean(true) ? "" : " hidden")
                    .append("><input type=\"hidden\" name=\"id\" value=\"").append(Html.esc(id)).append("\">")
                    .append("<input name=\"text\" placeholder=\"tell this worker…\" autocomplete=\"off\" required aria-label=\"tell\">")
                    .append("<button type=\"submit\">Tell</button></form><p class=\"result\" data-slot=\"result\"></p>");
        }
        return h.append("</article>").toString();
    }

    /** A worker's whole diff, a page of its own: what to review first, then what `looop diff` prints, every character escaped. */
    public static String diff(looop.git.Diff d) {
        String id = d.worktree().id();
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">"
                + "<title>looop · diff " + Html.esc(id) + "</title><link rel=\"stylesheet\" href=\"/app.css\"></head>\n<body>\n"
                + "<header class=\"top\"><h1>diff " + Html.esc(id) + "</h1><a href=\"/\">back</a></header>\n<main><section class=\"card wide\">"
                + (d.warning() == null ? "" : "<p class=\"warn\"><strong>" + Html.esc(d.warning()) + "</strong></p>")
                + "<pre class=\"screen patch\">" + Html.esc(d.text(false)) + "</pre>"
                + "<p class=\"empty\">merging is a person's verb: <code>looop merge " + Html.esc(id) + "</code> or <code>looop discard "
                + Html.esc(id) + "</code></p></section></main>\n</body></html>\n";
    }

    /** The state as ls shows it: with the exit code once the worker ended. */
    static String state(JsonNode w) {
        return w.path("state").asText() + (w.has("exit_code") ? " (exit " + w.path("exit_code").asInt() + ")" : "");
    }

    private static void slotLine(StringBuilder h, String slot, String mark, String text) {
        h.append("<p class=\"").append(slot).append("\" data-slot=\"").append(slot).append("\" data-mark=\"").append(mark).append('"')
                .append(text.isEmpty() ? " hidden" : "").append('>').append(text.isEmpty() ? "" : Html.esc(mark + text)).append("</p>");
    }

    private static void journal(StringBuilder h, JsonNode lines) {
        h.append("<section id=\"journal\" class=\"card\"><h2>Journal</h2><ol class=\"journal\" data-slot=\"journal\">");
        for (JsonNode l : lines) h.append("<li>").append(Html.esc(l.asText())).append("</li>");
        h.append("</ol><p class=\"empty\" data-slot=\"journal-empty\"").append(lines.isEmpty() ? "" : " hidden")
                .append(">no moves journaled yet</p></section>\n");
    }

    private static void schedules(StringBuilder h, JsonNode list) {
        h.append("<section id=\"schedules\" class=\"card\"").append(list.isEmpty() ? " hidden" : "")
                .append("><h2>Schedules</h2><ul class=\"schedules\" data-slot=\"schedules\">");
        for (JsonNode s : list) {
            h.append("<li><b>").append(Html.esc(s.path("name").asText())).append("</b> ").append(Html.esc(s.path("text").asText())).append("</li>");
        }
        h.append("</ul></section>\n");
    }

    private static void spend(StringBuilder h, JsonNode s) {
        h.append("<section id=\"spend\" class=\"card wide\"><h2>Spend</h2>");
        error(h, s);
        h.append("<p class=\"today").append(s.path("over").asBoolean() ? " over" : "").append("\" data-slot=\"spend-today\">")
                .append(Html.esc(s.path("today").asText())).append("</p>")
                .append("<div class=\"charts\"><div class=\"chart-box\" data-svg=\"by_runner\">").append(s.path("by_runner_svg").asText()).append("</div>")
                .append("<div class=\"chart-box\" data-svg=\"by_kind\">").append(s.path("by_kind_svg").asText()).append("</div></div></section>\n");
    }

    private static void error(StringBuilder h, JsonNode part) {
        if (part.has("error")) h.append("<p class=\"error\">").append(Html.esc(part.path("error").asText())).append("</p>");
    }
}
