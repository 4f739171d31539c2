package looop.act;

import java.util.Locale;
import looop.act.moves.Move;
import looop.act.moves.RunShell;
import looop.act.moves.StartWorker;
import looop.act.moves.WriteSensor;
import looop.profile.Seed;

/**
 * CONSTITUTION.md is the person's alone. The sandbox keeps every command from
 * writing it (sandbox/Protected) and no move's path can name it; this is the
 * tripwire in front of both: a move whose command names the file is refused,
 * journaled with one line why, so an attempt is seen rather than only failing.
 */
final class Constitution {
    private Constitution() {}

    static final String REFUSAL = "refused: " + Seed.CONSTITUTION_FILE + " is the person's to edit (their editor); no move changes the constitution";

    /**
     * Why m is refused, or null: a command it would run (run_shell, a sensor
     * script, a worker's verify) names the constitution's file, in any case.
     * The word alone (a project about one) is no sign; a command that reaches
     * the file without naming it meets the sandbox instead.
     */
    static String touchedBy(Move m) {
        String command = m instanceof RunShell r ? r.cmd()
                : m instanceof WriteSensor s ? s.script()
                : m instanceof StartWorker w ? w.verify() : null;
        return command != null && command.toUpperCase(Locale.ROOT).contains(Seed.CONSTITUTION_FILE.toUpperCase(Locale.ROOT)) ? REFUSAL : null;
    }
}
