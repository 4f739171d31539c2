package looop.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import looop.Beats;
import looop.NoSessions;
import looop.io.Json;
import looop.io.UnifiedDiff;
import looop.profile.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** write_playbook keeps the playbook it replaces; `looop playbook log|diff` read the history. */
class PlaybookHistoryTest {
    @TempDir
    Path dir;

    static void writePlaybook(Beats b, String body) {
        new Executor(b.profile.paths, NoSessions.none(), b.profile.clock, Config.load(b.profile.paths))
                .act(Decision.parse(Json.canonical(Json.object().put("action", "write_playbook").put("body", body))));
    }

    @Test
    void everyRewriteKeepsThePreviousPlaybookAndLogAndDiffShowThem() {
        Beats b = new Beats(dir); // PLAYBOOK.md: "# test playbook"
        writePlaybook(b, "# v2\nship small\nask first\n");
        b.profile.clock.advanceSeconds(60);
        writePlaybook(b, "# v2\nship small\nask first\n"); // the same text: nothing replaced, nothing kept
        writePlaybook(b, "# v3\nship small\nask first\nweekdays only\n");
        List<PlaybookHistory.Version> kept = new PlaybookHistory(b.profile.paths, b.profile.clock).versions();
        assertEquals(2, kept.size());
        assertEquals("# v2\nship small\nask first\n", b.profile.read("playbook.d/" + kept.get(0).name()));
        assertEquals("# test playbook\n", b.profile.read("playbook.d/20261123-120000.md"));

        Beats.Cli log = b.cli("", "playbook", "log");
        assertEquals(0, log.code(), log.err());
        assertEquals("  1  2026-11-23 12:01:00  playbook.d/20261123-120100.md  (3 lines)\n"
                + "  2  2026-11-23 12:00:00  playbook.d/20261123-120000.md  (1 lines)\n", log.out());
        Beats.Cli diff = b.cli("", "playbook", "diff");
        assertEquals("--- playbook.d/20261123-120100.md\n+++ PLAYBOOK.md\n@@ -1,3 +1,4 @@\n-# v2\n+# v3\n ship small\n ask first\n+weekdays only\n",
                diff.out());
        assertEquals("--- playbook.d/20261123-120000.md\n+++ playbook.d/20261123-120100.md\n@@ -1,1 +1,3 @@\n-# test playbook\n+# v2\n+ship small\n+ask first\n",
                b.cli("", "playbook", "diff", "2").out());
        Beats.Cli bad = b.cli("", "playbook", "diff", "3");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("no version 3: playbook.d holds 2"), bad.err());
        assertEquals(2, Json.parseOrNull(b.cli("", "playbook", "log", "--json").out()).get("versions").size());
    }

    @Test
    void onlyTheNewestTwentyAreKept() {
        Beats b = new Beats(dir);
        for (int i = 0; i < 25; i++) writePlaybook(b, "# version " + i + "\n"); // all in one second: ~2, ~3, … keep them apart
        List<PlaybookHistory.Version> kept = new PlaybookHistory(b.profile.paths, b.profile.clock).versions();
        assertEquals(PlaybookHistory.KEEP, kept.size());
        assertEquals("# version 23\n", b.profile.read("playbook.d/" + kept.get(0).name()), "newest first");
        assertEquals("# version 4\n", b.profile.read("playbook.d/" + kept.get(19).name()));
    }

    @Test
    void withNoHistoryLogSaysSoAndDiffIsAnError() {
        Beats b = new Beats(dir);
        assertTrue(b.cli("", "playbook", "log").out().startsWith("no earlier playbooks yet"));
        Beats.Cli diff = b.cli("", "playbook", "diff");
        assertEquals(1, diff.code());
        assertTrue(diff.err().contains("no earlier playbooks to compare yet"), diff.err());
    }

    @Test
    void unifiedDiffHunksKeepThreeLinesOfContextAndSplitFarChanges() {
        String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
        String b = "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n";
        assertEquals("--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n",
                UnifiedDiff.of(a, b, "a", "b"));
        assertEquals("", UnifiedDiff.of(a, a, "a", "b"));
        assertEquals("--- a\n+++ b\n@@ -0,0 +1,1 @@\n+new\n", UnifiedDiff.of("", "new\n", "a", "b"));
    }
}
