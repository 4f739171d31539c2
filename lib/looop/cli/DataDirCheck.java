package looop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import looop.io.UserError;
import picocli.CommandLine.ParseResult;

/**
 * Every verb meets a broken data dir with the same line: one that is a file,
 * one it cannot read, and, for the verbs that only look or steer, one that is
 * not there yet. Without it each verb failed its own way (`ls` even said "no
 * workers" about a file).
 */
final class DataDirCheck {
    private DataDirCheck() {}

    /** Verbs that make the data dir (a beat seeds it), diagnose it, or never touch it. */
    private static final Set<String> MAY_CREATE = Set.of("tick", "run", "init", "demo", "sense", "hash", "gate", "decide", "act",
            "doctor", "version", "help", "config", "start-session", "web");

    static void before(ParseResult parsed, Context ctx) {
        if (helpOnly(parsed)) return;
        // `_ reference` prints the docs from the code: no profile involved
        if (parsed.hasSubcommand() && parsed.subcommand().hasSubcommand() && parsed.subcommand().subcommand().commandSpec().name().equals("reference")) return;
        before(parsed.hasSubcommand() ? parsed.subcommand().commandSpec().name() : "looop", ctx);
    }

    /** The same for a verb picocli did not parse (QuickVerbs): verb is the first word, `_` for the internal verbs. */
    static void before(String verb, Context ctx) {
        if (Set.of("version", "help", "config", "demo", "doctor").contains(verb)) return; // doctor diagnoses the data dir itself
        Path data = ctx.profile().data;
        if (Files.exists(data) && !Files.isDirectory(data)) {
            throw new UserError("the data dir " + data + " is a file, not a directory; point LOOOP_DATA_DIR at a directory, or move the file away");
        }
        if (Files.isDirectory(data) && !(Files.isReadable(data) && Files.isExecutable(data))) {
            throw new UserError("the data dir " + data + " cannot be read (permission denied); fix its permissions (chmod u+rwx) or point LOOOP_DATA_DIR elsewhere");
        }
        if (!Files.exists(data) && !MAY_CREATE.contains(verb) && !verb.equals("looop")) {
            throw new UserError("there is no data dir at " + data + " yet; `looop tick` creates one, or set LOOOP_DATA_DIR to yours");
        }
    }

    private static boolean helpOnly(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) return true;
        }
        return false;
    }
}
