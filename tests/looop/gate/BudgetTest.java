package looop.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import looop.Beats;
import looop.TestProfile;
import looop.io.Json;
import looop.io.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BudgetTest {
    @TempDir Path dir;

    @Test
    void ledgerRowsOnlyForPositiveCost() {
        TestProfile p = new TestProfile(dir);
        Budget b = new Budget(p.paths.costLedger(), p.paths.unmetered(), p.clock);
        b.record("tick", "tick-1", "pi", 0.0);
        assertNull(p.read("cost.jsonl"));
        b.record("tick", "tick-1", "pi", 0.0075);
        assertEquals("{\"cost_usd\":0.0075,\"id\":\"tick-1\",\"kind\":\"tick\",\"runner\":\"pi\",\"ts\":\"2026-11-23T12:00:00Z\"}\n",
                p.read("cost.jsonl"));
        assertEquals(0.0075, b.costOf("tick-1"));
    }

    /** Every decide is a call, priced or not: `looop cost` never says 0 calls after the loop decided. */
    @Test
    void freeAndUnmeteredDecidesAreCountedAsCalls() {
        Beats metered = new Beats(dir.resolve("free"), Map.of(), "--shape pi --cost 0", noops(2));
        metered.beat();
        metered.profile.clock.advanceSeconds(120);
        metered.tick().beat(true);
        assertEquals(2, metered.runnerCalls());
        assertTrue(metered.cli("", "cost").out().startsWith("today: $0 in 2 calls\n"), metered.cli("", "cost").out());

        // a runner that reports no cost: its calls are counted and said to be unpriced, never taken as $0 spent
        Budget ledger = new Budget(metered.profile.paths.costLedger(), metered.profile.paths.unmetered(), metered.profile.clock);
        ledger.recordFreeCall("tick", "u1", "mine", true);
        assertTrue(metered.cli("", "cost").out().startsWith("today: $0 in 3 calls (1 unmetered: the runner reported no cost)\n"), metered.cli("", "cost").out());
        assertEquals(1, Json.parseOrNull(metered.cli("", "cost", "--json").out()).path("unmetered_calls").asInt());
        assertNull(ledger.costOf("u1"), "an unmetered run has no cost to show");
    }

    private static String[] noops(int n) {
        String[] out = new String[n];
        java.util.Arrays.fill(out, "{\"action\":\"noop\"}");
        return out;
    }

    @Test
    void spentTodayCountsOnlyTheLocalDay() {
        TestProfile p = new TestProfile(dir);
        Budget b = new Budget(p.paths.costLedger(), p.paths.unmetered(), p.clock);
        b.record("tick", "a", "pi", 1.0);
        p.clock.advanceSeconds(24 * 3600);
        b.record("session", "w", "claude", 0.25);
        assertEquals(0.25, b.spentToday(), 1e-12);
        Budget.Summary all = b.summarize(false);
        assertEquals(1.25, all.total(), 1e-12);
        assertEquals(2, all.calls());
        assertEquals(1.0, all.byKind().get("tick"));
        assertEquals(0.25, all.byRunner().get("claude"));
    }

    @Test
    void tornAndForeignLinesAreSkipped() {
        TestProfile p = new TestProfile(dir);
        p.write("cost.jsonl", "{\"ts\":\"2026-11-23T10:00:00Z\",\"kind\":\"tick\",\"id\":\"x\",\"runner\":\"pi\",\"cost_usd\":0.5}\n{\"ts\":\"2026-11\ngarbage\n");
        assertEquals(0.5, new Budget(p.paths.costLedger(), p.paths.unmetered(), p.clock).spentToday(), 1e-12);
    }

    @Test
    void unmeteredBreakerOpensAfterThreeAndResetsOnNewSignature() {
        TestProfile p = new TestProfile(dir);
        Budget b = new Budget(p.paths.costLedger(), p.paths.unmetered(), p.clock);
        for (int i = 1; i <= 3; i++) {
            assertFalse(b.unmeteredBlocked("custom|false"));
            assertEquals(i, b.recordUnmetered("custom|false"));
        }
        assertTrue(b.unmeteredBlocked("custom|false"));
        assertFalse(b.unmeteredBlocked("custom|true"), "adding a cost spec re-arms the breaker");
        assertEquals(1, b.recordUnmetered("custom|true"));
        b.clearUnmetered();
        assertFalse(b.unmeteredBlocked("custom|true"));
    }

    @Test
    void moneyFormatting() {
        assertEquals("$0.0075", Budget.usd(0.0075));
        assertEquals("$1.5", Budget.usd(1.5));
        assertEquals("$0", Budget.usd(0));
        assertEquals("$0.0001", Budget.usd(0.00005));
        assertEquals(0.0123, Budget.parseUsd("$0.0123"));
        assertThrows(UserError.class, () -> Budget.parseUsd("-1"));
        assertThrows(UserError.class, () -> Budget.parseUsd("lots"));
    }
}
