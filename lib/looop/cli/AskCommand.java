package looop.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import looop.human.Ask;
import looop.human.Asks;
import looop.human.TellDelivery;
import looop.human.Tells;
import looop.io.Pid;
import looop.io.UserError;
import looop.notify.Notices;
import looop.notify.Outbox;
import looop.profile.Paths;
import looop.workers.SessionFiles;
import looop.workers.SessionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "ask", description = {"Ask the human and wait: prints the answer (and any tells queued for the asker). 124 on timeout.",
        "The ask survives restarts: asking the same question again picks up an answer that came meanwhile."})
final class AskCommand implements Callable<Integer> {
    /** How often a waiting asker retries notifications a channel refused. */
    static final long RETRY_MS = 5_000;

    @ParentCommand Main root;
    @Parameters(index = "0", paramLabel = "ID", description = "Who asks: a worker's id ($LOOOP_SESSION_ID), or any name.") String id;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "QUESTION") List<String> question;
    @Option(names = "--options", split = ",", paramLabel = "A,B,…", description = "The only answers accepted.") List<String> options;
    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, description = "Give up after this long (exit 124); the ask stays pending.") Duration timeout;

    public Integer call() {
        return run(root.ctx, id, question, options, timeout);
    }

    /** The verb itself, for picocli and for QuickVerbs; options and limit null mean any answer, no time limit. */
    static int run(Context ctx, String id, List<String> question, List<String> options, Duration limit) {
        Paths paths = ctx.profile();
        looop.workers.WorkerIdentity.own(paths, id, "ask");
        String session = paths.env("LOOOP_SESSION_ID");
        Asks asks = new Asks(paths, ctx.clock());
        Asks.Opened opened = asks.open(id, String.join(" ", question), options, Pid.own(), session);
        Ask mine = opened.ask();
        // a sandboxed asker cannot write the outbox: the pulse records the notice from the ask itself
        boolean confined = looop.workers.WorkerIdentity.confined(paths);
        Thread notifier = opened.fresh() && !confined ? notify(ctx, mine) : null;
        try {
            String answer = asks.await(mine, limit, new SessionEnded(paths, session));
            TellDelivery.withTells(new Tells(paths, ctx.clock()), session != null ? session : id, answer, ctx.out());
            return 0;
        } finally {
            if (notifier != null) notifier.interrupt();
        }
    }

    /** Records the ask's event and keeps delivering it while this asker waits (the pulse does too, if it runs). */
    private static Thread notify(Context ctx, Ask ask) {
        Outbox outbox;
        try {
            outbox = Outbox.of(ctx.profile(), ctx.config(), ctx.clock());
            outbox.record(Notices.ask(ask.id(), ask.key(), ask.question(), ask.options(), ask.created()));
        } catch (UserError | java.io.UncheckedIOException e) {
            ctx.err().println("looop: could not record a notification for this ask: " + e.getMessage());
            return null;
        }
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (outbox.backlog().undelivered() == 0) return;
                outbox.deliver(Duration.ofSeconds(30));
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "ask-notifier");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The asking session ended (killed, say): nobody is left to read an answer. A class, not a lambda (Fs.inNameOrder). */
    private record SessionEnded(Paths paths, String session) implements BooleanSupplier {
        @Override
        public boolean getAsBoolean() {
            if (session == null) return false;
            SessionState state = SessionFiles.of(paths, session).readState();
            return state != null && !state.alive();
        }
    }
}
