///usr/bin/env jbang "$0" "$@" ; exit $?
//SOURCES ../lib/looop/gate/Budget.java
import java.nio.file.Path;
import java.time.Clock;
import looop.gate.Budget;

class BudgetToday {
    public static void main(String... args) {
        if (args.length != 1) { System.err.println("usage: budget-today.java DATA_DIR   (today's spend in DATA_DIR/cost.jsonl, e.g. ~/.local/state/looop)"); System.exit(2); }
        Path dir = Path.of(args[0]);
        Budget budget = new Budget(dir.resolve("cost.jsonl"), dir.resolve(".cost-unmetered"), Clock.systemDefaultZone());
        System.out.println(Budget.usd(budget.spentToday()));
    }
}
