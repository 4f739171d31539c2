package looop.cli;

import java.util.concurrent.Callable;
import looop.gate.Budget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "cost", description = "What the runners cost: today (default) or all time; --json prints one object.")
final class CostCommand implements Callable<Integer> {
    /** The periods `looop cost` sums over; picocli refuses any other word and completes these. */
    enum Period { today, all }

    @ParentCommand Main root;

    @Parameters(arity = "0..1", paramLabel = "today|all", defaultValue = "today", description = "The period (default: ${DEFAULT-VALUE}).")
    Period period;

    public Integer call() {
        Budget budget = new Budget(root.ctx.profile().costLedger(), root.ctx.profile().unmetered(), root.ctx.clock());
        Budget.Summary s = budget.summarize(period == Period.today);
        if (root.json()) root.printJson(Budget.summaryJson(period.name(), s));
        else root.ctx.out().print(Budget.summaryText(period.name(), s));
        return 0;
    }
}
