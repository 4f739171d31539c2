package looop.act.moves;

import java.time.Duration;
import java.util.List;
import looop.profile.ShellGate;
import looop.io.Proc;
import looop.io.UserError;
import looop.profile.Journal;

/** One bash command in the data dir, behind the run_shell gate; a non-zero exit is a failed move. */
public record RunShell(String cmd, String reason) implements Move {
    public static final Kind<RunShell> KIND = new Kind<>("run_shell", List.of(Field.nonBlank("cmd"), Field.optional("reason")),
            a -> new RunShell(a.str("cmd"), a.str("reason")),
            "one bash command, run in the data dir; a non-zero exit is a failed move. Quick and harmless only:"
                    + " hands-on work belongs to a worker.",
            "runs one command with bash -c in the data dir; a non-zero exit is a failed move");

    private static final int FAILURE_TAIL_CHARS = 200;

    public Kind<?> kind() {
        return KIND;
    }

    public void check(Context ctx) {
        ctx.gate().check(cmd);
    }

    public void perform(Context ctx) {
        ShellGate gate = ctx.gate();
        long timeoutS = ctx.paths.knob(looop.profile.Knob.SHELL_TIMEOUT, gate.timeoutS());
        Duration timeout = timeoutS > 0 ? Duration.ofSeconds(timeoutS) : null;
        looop.profile.Confinement confinement = ctx.confinement();
        Proc.Spec spec = new Proc.Spec(cmd, ctx.paths.data, ctx.paths.childEnv(), null, timeout, confinement.runShell());
        Proc.Result r = ctx.spareShell() != null ? ctx.spareShell().capture(confinement, spec, gate.maxOutputBytes())
                : Proc.capture(spec, gate.maxOutputBytes());
        // the next decide reads what it printed, however it ended
        new looop.sense.Recall(ctx.paths, ctx.clock).shellRan(cmd, r.exitCode(), r.timedOut(), r.stdoutText(), r.stderrTail());
        if (r.timedOut()) {
            throw new UserError("`" + Context.shown(cmd) + "` timed out after " + timeoutS
                    + " s; make it quicker, hand it to a worker, or raise LOOOP_SHELL_TIMEOUT");
        }
        if (r.exitCode() != 0) throw new UserError("`" + Context.shown(cmd) + "` exited " + r.exitCode() + lastWords(r));
    }

    /** The end of what a failed command said, stderr first: usually the line that explains the failure. */
    private static String lastWords(Proc.Result r) {
        String said = Journal.oneLine(r.stderrTail().isBlank() ? r.stdoutText() : r.stderrTail());
        if (said.isEmpty()) return " (no output)";
        return ": " + (said.length() > FAILURE_TAIL_CHARS ? "…" + said.substring(said.length() - FAILURE_TAIL_CHARS) : said);
    }

    /** Only the outside world knows whether a command cut off mid-way did anything. */
    public Happened happened(Context ctx) {
        return Happened.UNKNOWN;
    }

    public String summary() {
        return interrupted() + " → exit 0";
    }

    public String interrupted() {
        return "run_shell: " + Context.shown(cmd);
    }
}
