package looop.cli;

import java.util.concurrent.Callable;
import looop.gate.Budget;
import looop.io.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "cost", description = "What the runners cost: today (default) or all time.")
final class CostCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Parameters(arity = "0..1", paramLabel = "today|all", description = "The period (default: today).")
    String period = "today";

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    public Integer call() {
        if (!period.equals("today") && !period.equals("all")) throw new UserError("cost takes 'today' or 'all', got '" + period + "'", 2);
        Budget budget = new Budget(root.ctx.profile().costLedger(), root.ctx.profile().unmetered(), root.ctx.clock());
        Budget.Summary s = budget.summarize(period.equals("today"));
        if (json) root.printJson(Budget.summaryJson(period, s));
        else root.ctx.out().print(Budget.summaryText(period, s));
        return 0;
    }
}
