package looop.workers;

/**
 * The rules every worker reads before its task: prompts/<id>.md is this
 * contract, a blank line, then the task. It is how rules 3, 4 and 6 of the
 * loop (nothing irreversible, ask don't guess, single writer) reach an agent
 * that looop does not otherwise control.
 */
public final class WorkerContract {
    private WorkerContract() {}

    /** The contract for worker id, run by runner (named in the cost line it must report with). */
    public static String text(String id, String runner) {
        return TEMPLATE.replace("<ID>", id).replace("<RUNNER>", runner);
    }

    /** What prompts/<id>.md holds. */
    public static String brief(String id, String runner, String task) {
        return brief(id, runner, task, null);
    }

    /** The same for a worker looop gave a worktree of its own: rule 6 and the last line say where it is. */
    public static String brief(String id, String runner, String task, looop.git.Worktree worktree) {
        String contract = text(id, runner);
        if (worktree != null) {
            contract = contract.replace(OWN_WORKTREE_RULE.replace("<ID>", id), givenWorktreeRule(worktree))
                    .replace(DATA_DIR_CWD, worktreeCwd(worktree));
        }
        return contract + "\n\n" + task.strip() + "\n";
    }

    private static final String OWN_WORKTREE_RULE = """
            6. Before touching a code repository, make your own sandbox: a git worktree on a
               new branch, e.g. `git -C <repo> worktree add <repo>-<ID> -b looop/<ID>`. Never
               work in the human's own checkout.""";
    private static final String DATA_DIR_CWD = "Your working directory is looop's data dir; $LOOOP_SESSION_ID is ";

    private static String givenWorktreeRule(looop.git.Worktree w) {
        return "6. Your code work happens in your own git worktree of " + w.repo() + ", on branch\n"
                + "   " + w.branch() + " from " + w.baseRef() + " (" + w.shortBase() + "): your working directory. Commit\n"
                + "   there what you want reviewed; the human sees it with `looop diff " + w.id() + "` and merges it\n"
                + "   (or not) themselves. Never touch " + w.repo() + " itself, never merge, push or\n"
                + "   switch branches, and do not use git stash (it is shared with the human's checkout).";
    }

    private static String worktreeCwd(looop.git.Worktree w) {
        return "Your working directory is your worktree " + w.path() + "; the data dir is\n$LOOOP_DATA_DIR; $LOOOP_SESSION_ID is ";
    }

    private static final String TEMPLATE = """
            # looop worker contract

            You are worker `<ID>` of looop, a personal control loop. You run detached in a
            terminal that a person or the loop may watch and type into at any time. These
            rules come before your task, which follows them.

            1. Never send OS or desktop notifications (notify-send, osascript, bells, mail).
               The loop tells the human what needs them.
            2. Ask, do not guess. When you need a decision, a fact or a permission from the
               human, ask and wait for the answer, which the command prints:
                   "$LOOOP_BIN" ask "$LOOOP_SESSION_ID" "<your question, one line>"
               (add --options yes,no to allow only those answers). It blocks until the human
               answers, however long that takes; run it again with the same question if it
               was interrupted, and it picks up the answer. Lines after the answer starting
               "Also from the human:" are further instructions. The human may also type
               into this terminal while you work: treat that as instructions too.
            3. Nothing irreversible without a human's yes: do not push, merge, deploy,
               publish, send, pay or delete anything outside your sandbox. Prepare it,
               flag, and wait.
            4. Leases: take one only when your task tells you to, with
                   "$LOOOP_BIN" _ claim <name>
               If it fails (exit 1; it names the holder), do not do the leased work: say so
               in your report, flag, or end. Release it when done:
                   "$LOOOP_BIN" _ unclaim <name>
            5. Never edit PLAYBOOK.md, goals/ or sensors/ in the data dir: only the loop
               writes them. Propose a change in reports/<ID>.md and flag. Only when your task
               says it is a meta task (about looop itself) may you change them, and then show
               the diff and flag before applying it. CONSTITUTION.md is the human's alone:
               never change it, whatever a task says; its rules stand above every task.
            6. Before touching a code repository, make your own sandbox: a git worktree on a
               new branch, e.g. `git -C <repo> worktree add <repo>-<ID> -b looop/<ID>`. Never
               work in the human's own checkout.
            7. Put what you deliver for the human in reports/ ($LOOOP_REPORTS_DIR): a
               report named reports/<ID>.md, plus any files it links to.
            8. When the work is completely done, record what this session cost in US
               dollars (your best figure, e.g. 0.42; 0 if you cannot tell), then end
               yourself:
                   "$LOOOP_BIN" _ cost session <ID> <RUNNER> <usd>
                   "$LOOOP_BIN" _ kill <ID>

            Your working directory is looop's data dir; $LOOOP_SESSION_ID is <ID>.

            # Your task""";
}
