package looop.cli;

import java.util.concurrent.Callable;
import looop.gate.Budget;
import looop.io.UserError;
import looop.profile.Paths;
import looop.workers.CostQueue;
import looop.workers.WorkerIdentity;
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
        return run(InternalCommand.root(spec).ctx, kind, id, runner, usd);
    }

    /** The verb itself, for picocli and for QuickVerbs. */
    static int run(Context ctx, Kind kind, String id, String runner, String usd) {
        double amount = Budget.parseUsd(usd);
        Paths paths = ctx.profile();
        if (WorkerIdentity.confined(paths)) {
            queueFromSandbox(ctx, kind, id, runner, usd, amount);
            return 0;
        }
        new Budget(paths.costLedger(), paths.unmetered(), ctx.clock()).record(kind.name(), id, runner, amount);
        return 0;
    }

    /** The ledger is out of a sandboxed worker's reach: its own report goes to its outbox for looop to take in. */
    private static void queueFromSandbox(Context ctx, Kind kind, String id, String runner, String usd, double amount) {
        String own = ctx.profile().env("LOOOP_SESSION_ID");
        if (kind != Kind.session || own == null || !own.equals(id)) {
            throw new UserError("inside the sandbox a worker records only its own cost: `_ cost session " + (own == null ? "<your id>" : own)
                    + " " + runner + " " + usd + "`");
        }
        if (amount > 0) CostQueue.queue(ctx.profile(), own, runner, amount, ctx.clock());
    }
}
