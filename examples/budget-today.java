///usr/bin/env jbang "$0" "$@" ; exit $?
//SOURCES ../lib/looop/gate/Budget.java
import java.nio.file.Path;
import java.time.Clock;
import looop.gate.Budget;

class BudgetToday {
    public static void main(String... args) {
        Path dir = Path.of(args[0]);
        Budget budget = new Budget(dir.resolve("cost.jsonl"), dir.resolve(".cost-unmetered"), Clock.systemDefaultZone());
        System.out.println(Budget.usd(budget.spentToday()));
    }
}
