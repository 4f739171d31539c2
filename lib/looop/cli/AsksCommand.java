package looop.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import looop.human.Ask;
import looop.human.Asks;
import looop.io.Durations;
import looop.io.Json;
import looop.profile.Paths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "asks", description = "The asks waiting for an answer, with their age and options; --wait blocks until there is one.")
final class AsksCommand implements Callable<Integer> {
    @ParentCommand Main root;
    @Option(names = "--wait", description = "Block until at least one ask is pending.") boolean await;
    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, description = "With --wait: give up after this long (exit 124).") Duration timeout;

    public Integer call() {
        Duration limit = timeout;
        Paths paths = root.ctx.profile();
        Asks asks = new Asks(paths, root.ctx.clock());
        if (asks.pending().stream().anyMatch(a -> a.session() != null)) asks.withdrawOrphans(root.ctx.sessions()::isAlive);
        List<Ask> pending = await ? asks.awaitPending(limit) : asks.pending();
        Instant now = asks.now();
        if (root.json()) {
            var arr = Json.array();
            for (Ask a : pending) arr.add(a.json().put("age_s", a.age(now).toSeconds()));
            root.printJson(arr);
            return 0;
        }
        if (pending.isEmpty()) root.ctx.out().println("no pending asks");
        for (Ask a : pending) {
            String opts = a.options().isEmpty() ? "" : "  [" + String.join("/", a.options()) + "]";
            root.ctx.out().println(a.id() + "  " + Durations.show(Duration.ofSeconds(a.age(now).toSeconds())) + "  " + a.question() + opts);
        }
        return 0;
    }
}
