package looop.cli;

import java.util.concurrent.Callable;
import looop.gate.Budget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "cost", description = "Record spend in the ledger: _ cost <kind> <id> <runner> <usd>.")
final class RecordCostCommand implements Callable<Integer> {
    /** What spent it: a beat's decision (tick) or a worker (session); the ledger's by-kind totals are these. */
    enum Kind { tick, session }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND", description = "${COMPLETION-CANDIDATES}.") Kind kind;
    @Parameters(index = "1", paramLabel = "ID", completionCandidates = LiveIds.Workers.class) String id;
    @Parameters(index = "2", paramLabel = "RUNNER") String runner;
    @Parameters(index = "3", paramLabel = "USD") String usd;

    public Integer call() {
        Main root = InternalCommand.root(spec);
        double amount = Budget.parseUsd(usd);
        new Budget(root.ctx.profile().costLedger(), root.ctx.profile().unmetered(), root.ctx.clock()).record(kind.name(), id, runner, amount);
        return 0;
    }
}
