package looop.workers;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import looop.git.Worktree;
import looop.io.Fs;
import looop.profile.Confinement;
import looop.profile.Paths;
import looop.sandbox.Grant;

/**
 * A worker's sandbox grant: what every command gets (Confinement), its CLI's
 * state, and the channel its verbs write: its outbox workers/&lt;id&gt;/
 * (flag note, its ask, its queued cost, its leases, its own end, the tells
 * it takes), reports/ and the claims lock file, which holds no data; and
 * its worktree (see {@link WorkerRepos#sandboxGrant}). Not its session dir
 * (looop's record, its wrapper), nor anything of other workers', nor the
 * journal, the ledger or the notification outbox: looop takes in what it
 * leaves in its outbox (see CostQueue; the pulse notifies its ask).
 */
public final class WorkerGrant {
    private WorkerGrant() {}

    public static Grant of(Confinement box, Paths paths, String runner, String id) {
        return of(box, paths, runner, id, WorkerRepos.read(paths, id));
    }

    /** The same with the worker's worktree given (null: none): a start has not put meta.json in place yet. */
    public static Grant of(Confinement box, Paths paths, String runner, String id, Worktree worktree) {
        WorkerOutbox.of(paths, id).make();
        List<Path> writable = new ArrayList<>(List.of(paths.workerOutboxes().resolve(id), paths.reports()));
        writable.forEach(Fs::mkdirs);
        writable.add(claimsLock(paths));
        Grant repo = WorkerRepos.sandboxGrant(paths, worktree);
        return box.worker(runner, writable).write(repo.writable()).protect(repo.protectedPaths()).bind(repo.bound());
    }

    /**
     * The claims lock, made before the sandbox that grants it (a grant opens
     * only what exists), the way a claimer opens it: created in place, never
     * replaced, so every process locks the same file.
     */
    private static Path claimsLock(Paths paths) {
        Path lock = Claims.lockFile(paths);
        try (FileChannel ch = Fs.openPrivate(lock)) {
            return lock;
        } catch (java.io.IOException e) {
            throw Fs.failed(lock, e);
        }
    }
}
