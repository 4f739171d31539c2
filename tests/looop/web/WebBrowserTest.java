package looop.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import looop.Browser;
import looop.FakeHuman;
import looop.TmuxProfile;
import looop.TmuxTestBase;
import looop.human.Asks;
import looop.human.Tells;
import looop.profile.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page in a real headless Chromium against a live worker in real tmux:
 * the worker and its screen show and refresh, an answer typed into the page
 * reaches the worker, a tell too, hostile text stays text, and the page fits
 * a phone. Most tests put FakeHuman behind the page to script refusals; the
 * first and the demo-like one use the real thing (ProfileHuman: looop.human),
 * with a worker that asks through "$LOOOP_BIN" ask. With LOOOP_WRITE_SCREENSHOT=1 the demo-like test also writes docs/web.png.
 */
class WebBrowserTest extends TmuxTestBase {
    static final String WORKER = "printf '%s\\n' '<img src=x onerror=window.pwned=1>'; printf 'deploy to prod? '; read a; echo \"worker got: $a\";"
            + " printf 'anything else? '; read b; echo \"told: $b\"; sleep 600";

    Browser browser;
    WebServer web;
    FakeHuman human;

    @BeforeEach
    void needsChromium() {
        Browser.assumeInstalled();
    }

    @AfterEach
    void stop() {
        if (browser != null) browser.close();
        if (web != null) web.close();
    }

    void serve(TmuxProfile p) {
        human = new FakeHuman(p.sessions);
        web = WebServer.start(new Fleet(p.profile.paths, p.profile.clock, p.sessions, human), human, InetAddress.getLoopbackAddress(), 0, System.err);
        browser = Browser.start();
    }

    /** The page as `looop web` serves it: answers and tells through looop.human. */
    void serveReal(TmuxProfile p) {
        ProfileHuman real = new ProfileHuman(p.profile.paths, Clock.systemUTC(), p.sessions);
        web = WebServer.start(new Fleet(p.profile.paths, p.profile.clock, p.sessions, real), real, InetAddress.getLoopbackAddress(), 0, System.err);
        browser = Browser.start();
    }

    /** Polls a page expression until it is true; fails with what the page last showed. */
    void until(String js, String what) {
        TmuxProfile.awaitTrue(() -> browser.eval(js).asBoolean(false), () -> what + "; page: " + browser.eval("document.body.innerText").asText());
    }

    static String q(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    String screen(String id) {
        return "(document.querySelector(\".worker[data-key='" + id + "'] .screen\") || {textContent: ''}).textContent";
    }

    @Test
    void aWorkerAsksThroughLooopBinAndTheAnswerTypedOnThePageReachesIt() throws Exception {
        TmuxProfile p = profile("bash -c 'a=$(\"$LOOOP_BIN\" ask \"$LOOOP_SESSION_ID\" \"deploy to prod?\"); echo \"worker got: [$a]\";"
                + " read b; echo \"told: [$b]\"; sleep 600'");
        p.sessions.start("w1", "brief", null);
        Asks asks = new Asks(p.profile.paths, Clock.systemUTC());
        TmuxProfile.awaitTrue(() -> asks.read("w1") != null && asks.read("w1").pending(), () -> "the worker's ask; screen: " + p.output("w1"));
        serveReal(p);

        browser.open(web.signInUrl().toString()).waitFor(".worker[data-key='w1']");
        until("document.getElementById('live').textContent.startsWith('live')", "the script to refresh the page");
        assertEquals("running", browser.text(".worker[data-key='w1'] .state"));
        browser.waitFor(".ask-item[data-key='w1'] .question");
        assertEquals("deploy to prod?", browser.text(".ask-item[data-key='w1'] .question"));
        assertEquals("? deploy to prod?", browser.text(".worker[data-key='w1'] .ask"));

        browser.type(".ask-item[data-key='w1'] input[name=text]", "ship it").click(".ask-item[data-key='w1'] .free button");
        assertTrue(p.awaitOutput("w1", "worker got: [").contains("worker got: [ship it]"), p.output("w1"));
        until("document.querySelector(\".ask-item[data-key='w1']\") === null", "the answered ask to leave the page");
        assertTrue(asks.read("w1").closed(), "the worker read its answer");
        String events = p.profile.read("events.jsonl");
        assertTrue(events.contains("\"event\":\"answered\"") && events.contains("\"via\":\"web\""), "journaled like any answer: " + events);

        browser.type(".worker[data-key='w1'] form.tell input[name=text]", "also check the logs").click(".worker[data-key='w1'] form.tell button");
        assertTrue(p.awaitOutput("w1", "told: [").contains("told: [also check the logs]"), p.output("w1"));
        until("(document.querySelector(\".worker[data-key='w1'] .result\") || {}).textContent.startsWith('told w1')", "the tell's confirmation");
        assertTrue(new Tells(p.profile.paths, Clock.systemUTC()).undelivered().isEmpty());

        Path png = browser.screenshot(dir.resolve("asked.png"));
        int[] size = BrowserTest.pngSize(png);
        assertTrue(size[0] > 0 && size[1] > 0 && Files.size(png) > 0, "a PNG with pixels");
    }

    @Test
    void aPersonSeesTheWorkerAndItsScreenAnswersItsAskAndTellsIt() throws Exception {
        TmuxProfile p = profile(WORKER);
        p.sessions.start("w1", "brief", null);
        p.awaitOutput("w1", "deploy to prod?");
        serve(p);
        human.ask("w1", "deploy to prod?");

        browser.open(web.signInUrl().toString()).waitFor(".worker[data-key='w1']");
        assertEquals("/", browser.eval("location.pathname + location.search").asText(), "the code left the address bar");
        until(screen("w1") + ".includes('deploy to prod?')", "the worker's screen on the page");
        until("document.getElementById('live').textContent.startsWith('live')", "the script to refresh the page");
        assertEquals("running", browser.text(".worker[data-key='w1'] .state"));
        assertTrue(browser.eval(screen("w1") + ".includes('<img src=x onerror=window.pwned=1>')").asBoolean(), "the screen's markup shows as text");
        assertEquals(0, browser.eval("document.querySelectorAll('main img').length").asInt(), "and makes no element");
        assertTrue(browser.eval("window.pwned === undefined").asBoolean());
        assertEquals("deploy to prod?", browser.text(".ask-item[data-key='w1'] .question"));
        assertEquals("? deploy to prod?", browser.text(".worker[data-key='w1'] .ask"));

        String answer = "ship it & <b>now</b>";
        browser.type(".ask-item[data-key='w1'] input[name=text]", answer).click(".ask-item[data-key='w1'] .free button");
        p.awaitOutput("w1", "worker got: " + answer);
        assertEquals(List.of("answer w1 " + answer), human.given);
        until("document.querySelector(\".ask-item[data-key='w1']\") === null", "the answered ask to leave the page");
        until(screen("w1") + ".includes('worker got: ')", "the screen to refresh with the worker's reply");

        browser.type(".worker[data-key='w1'] form.tell input[name=text]", "also check the logs").click(".worker[data-key='w1'] form.tell button");
        p.awaitOutput("w1", "told: also check the logs");
        until("document.querySelector(\".worker[data-key='w1'] .result\").textContent === 'told w1'", "the tell's confirmation");

        // a worker that starts while the page is open appears without a reload
        p.sessions.start("w2", "brief", null);
        browser.waitFor(".worker[data-key='w2']");
        until(screen("w2") + ".includes('deploy to prod?')", "the new worker's screen");

        int[] size = BrowserTest.pngSize(browser.screenshot(dir.resolve("page.png")));
        assertTrue(size[0] > 0 && size[1] > 0);
    }

    @Test
    void aRefusedAnswerSaysWhyOnThePageAndOptionButtonsAnswer() throws Exception {
        TmuxProfile p = profile(WORKER);
        p.sessions.start("w1", "brief", null);
        p.awaitOutput("w1", "deploy to prod?");
        serve(p);
        human.ask("w1", "deploy to prod?", "yes", "no");
        browser.open(web.signInUrl().toString()).waitFor(".ask-item[data-key='w1'] .options button");
        assertEquals(List.of("yes", "no"), List.of(browser.text(".ask-item[data-key='w1'] .options button:nth-child(1)"),
                browser.text(".ask-item[data-key='w1'] .options button:nth-child(2)")));
        browser.click(".ask-item[data-key='w1'] .options button:nth-child(2)");
        p.awaitOutput("w1", "worker got: no");

        // a refusal from the verbs behind the page shows in place, and the ask stays
        human.refuseWith("the asker of w1 is gone (its session was killed)").ask("w1", "anything else?");
        browser.waitFor(".ask-item[data-key='w1'] .free:not([hidden]) input[name=text]");
        browser.type(".ask-item[data-key='w1'] input[name=text]", "again").click(".ask-item[data-key='w1'] .free button");
        until("(document.querySelector(\".ask-item[data-key='w1'] .result.bad\") || {}).textContent === 'the asker of w1 is gone (its session was killed)'",
                "the refusal");
        assertEquals("anything else?", browser.text(".ask-item[data-key='w1'] .question"));
        assertEquals(List.of("answer w1 no"), human.given);
    }

    @Test
    void thePageFitsAPhone() throws Exception {
        TmuxProfile p = profile(WORKER);
        WebTest.busy(p);
        p.sessions.start("w1", "brief", null);
        p.awaitOutput("w1", "deploy to prod?");
        serve(p);
        human.ask("w1", "deploy to prod?", "yes", "no");
        browser.setViewport(390, 844, true).open(web.signInUrl().toString()).waitFor(".worker[data-key='w1']");
        until("document.getElementById('live').textContent.startsWith('live')", "the script to refresh the page");
        assertTrue(browser.eval("document.documentElement.scrollWidth <= 390").asBoolean(),
                "no sideways scrolling: the page is " + browser.eval("document.documentElement.scrollWidth").asInt() + "px wide");
        browser.click(".ask-item[data-key='w1'] .options button:nth-child(1)");
        p.awaitOutput("w1", "worker got: yes");
        int[] size = BrowserTest.pngSize(browser.screenshot(dir.resolve("phone.png")));
        assertEquals(390, size[0]);
    }

    /** A profile like the demo's, with workers at work: what the README shows. */
    @Test
    void aDemoLikeProfileMakesTheReadmeScreenshot() throws Exception {
        TmuxProfile p = profile("bash \"$LOOOP_DATA_DIR/agent.sh\" \"$LOOOP_SESSION_ID\"");
        p.profile.write("agent.sh", """
                case "$1" in
                  triage) printf '%s\\n' '> triage the inbox' '' '● Read inbox/ (3 files)' '● Wrote reports/inbox-triage.md' \
                    '  - [ ] invoice-march.pdf.txt' '  - [ ] meeting-notes.txt' '  - [ ] todo-from-ana.txt' '' \
                    '✓ listed 3 files; asking before I file the invoice'
                    "$LOOOP_BIN" ask triage 'File invoice-march.pdf.txt under finance/2026?' --options yes,no,later ;;
                  docs) printf '%s\\n' '> refresh the playbook' '' '● Read journal.md (40 lines)' '● Proposed 1 change to PLAYBOOK.md' \
                    '  + Prefer one small reversible move per beat' '' '… waiting for review' ;;
                esac
                sleep 600
                """);
        WebTest.busy(p);
        looop.profile.Journal journal = new looop.profile.Journal(p.profile.paths, p.profile.clock);
        for (String line : List.of("started worker triage: triage the inbox, one line per file in reports/inbox-triage.md",
                "started worker docs: propose one small improvement to PLAYBOOK.md",
                "told the human: the inbox changed; reports/inbox-triage.md needs a refresh")) {
            p.profile.clock.advanceSeconds(60);
            journal.append(line);
        }
        java.nio.file.Files.writeString(p.profile.dir.resolve("cost.jsonl"), WebTest.cost("2026-11-23T11:40:00Z", "worker", "triage", "claude", 0.1834)
                + WebTest.cost("2026-11-23T11:41:00Z", "worker", "docs", "pi", 0.0412), java.nio.file.StandardOpenOption.APPEND);
        p.sessions.start("triage", "brief", null);
        p.sessions.start("docs", "brief", null);
        p.awaitOutput("triage", "asking before");
        p.awaitOutput("docs", "waiting for review");
        TmuxProfile.awaitTrue(() -> new Asks(p.profile.paths, Clock.systemUTC()).pending().size() == 1, () -> "triage's ask");
        try (Lock pulse = Lock.acquire(p.profile.paths)) {
            serveReal(p);
            browser.setViewport(1280, 1800, false).open(web.signInUrl().toString()).waitFor(".worker[data-key='docs']");
            until("document.getElementById('live').textContent.startsWith('live')", "the script to refresh the page");
            until(screen("docs") + ".includes('waiting for review')", "the screens");
            browser.waitFor(".ask-item[data-key='triage'] .options button");
            Path png = browser.screenshot(dir.resolve("web.png"));
            int[] size = BrowserTest.pngSize(png);
            assertEquals(List.of(1280, 1800), List.of(size[0], size[1]));
            assertTrue(Files.size(png) > 10_000, "a page with content, not a blank one: " + Files.size(png) + " bytes");
            if ("1".equals(System.getenv("LOOOP_WRITE_SCREENSHOT"))) {
                Files.createDirectories(Path.of("docs"));
                Files.copy(png, Path.of("docs", "web.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
    /** Issue 23: the terminal box opens at the prompt, follows new output, and leaves a person who scrolled up where they are. */
    @Test
    void theTerminalKeepsThePromptInViewAndFollowsUnlessScrolledUp() throws Exception {
        TmuxProfile p = profile("bash -c 'for i in $(seq 1 20); do echo \"contract line $i\"; done; printf \"approve? \"; read a;"
                + " for i in $(seq 1 12); do echo \"more $i\"; sleep 0.2; done; printf \"next? \"; read b;"
                + " for i in $(seq 1 5); do echo \"after $i\"; done; printf \"last? \"; read c;"
                + " for i in $(seq 1 5); do echo \"final $i\"; done; printf \"done? \"; sleep 600'");
        p.sessions.start("w1", "brief", null);
        p.awaitOutput("w1", "approve? ");
        serve(p);
        String pre = "document.querySelector(\".worker[data-key='w1'] .screen\")";
        String atBottom = "(" + pre + ".scrollTop > 0 && " + pre + ".scrollTop + " + pre + ".clientHeight >= " + pre + ".scrollHeight - 2)";

        browser.open(web.signInUrl().toString()).waitFor(".worker[data-key='w1']");
        until(screen("w1") + ".includes('approve?') && " + atBottom, "the box scrolled down to the prompt, past the top of the contract");

        p.cli("send", "w1", "yes");
        until(screen("w1") + ".includes('next?') && " + atBottom, "the box following the new output down to the next prompt");

        browser.eval(pre + ".scrollTop = 0");
        until(pre + ".dataset.follow === 'no'", "the page to see the person scrolled up");
        p.cli("send", "w1", "go");
        until(screen("w1") + ".includes('last?')", "the new output on the page");
        assertEquals(0, browser.eval(pre + ".scrollTop").asInt(), "new output does not yank a person who scrolled up");

        browser.eval(pre + ".scrollTop = " + pre + ".scrollHeight");
        until(pre + ".dataset.follow !== 'no'", "the page to see the person back at the bottom");
        p.cli("send", "w1", "again");
        until(screen("w1") + ".includes('done?') && " + atBottom, "following again once scrolled back to the bottom");
    }
}
