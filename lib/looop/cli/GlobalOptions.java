package looop.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every verb takes, before or after its name: `looop --json ls`
 * is `looop ls --json`. Scope INHERIT makes picocli copy them into each
 * subcommand while the values land here, in the root's one instance, which
 * is where every command reads them.
 */
public final class GlobalOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this command's usage and exit.")
    boolean help;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "JSON for scripts: one object (status, ls, cost, doctor, log, shot) or NDJSON log lines (looop, run, tick), as LOOOP_LOG_FORMAT=json.")
    boolean json;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces for errors.")
    boolean verbose;
}
