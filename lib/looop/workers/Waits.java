package looop.workers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import looop.git.Worktree;
import looop.io.Fs;
import looop.io.Ids;
import looop.io.Json;
import looop.io.UserError;
import looop.profile.Journal;
import looop.profile.Paths;

/**
 * Work that waits for other work: a worker started with "after" (`start-session
 * … --after ID`, start_worker's "after") is recorded as waiting, and a beat's
 * housekeeping starts it ({@link #reconcile}) once every worker it names ended
 * well (exited 0, its verify, if any, passed) and, for a worker with a repo,
 * its branch is merged into the checkout. A dependency that failed, was killed,
 * discarded unmerged or is itself blocked makes it blocked, with the reason.
 * Until it starts it counts against nothing: it has no terminal, no claim, no
 * health, and is not alive to max_workers.
 *
 * <pre>
 * sessions/&lt;id&gt;/state           waiting | blocked
 * sessions/&lt;id&gt;/wait.json       {"after":[…],"prompt","runner","repo"?,"base"?,"verify"?,"reason"?}
 * sessions/.after-&lt;id&gt;.json     the claim of a start in progress: the record, the journal line and its offset
 * sessions/&lt;id&gt;/discarded       written by `looop discard`: "merged", or what was lost
 * </pre>
 *
 * A start is claimed before it begins (the record copied aside, with the
 * journal line it will write and where), so a beat killed anywhere in it
 * neither starts the worker twice nor loses it: the next beat finds the claim
 * and, if the new session is in place, launches its terminal if need be and
 * journals it once; otherwise puts the waiting record back and starts it.
 */
public final class Waits {
    private final Paths paths;
    private final Sessions sessions;
    private final Clock clock;

    public Waits(Paths paths, Sessions sessions, Clock clock) {
        this.paths = paths;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** What a waiting worker was asked to do, and (once a beat looked) why it still waits or never will. */
    public record Wait(List<String> after, String prompt, String runner, String repo, String base, String verify, String reason) {
        ObjectNode json() {
            ObjectNode o = Json.object();
            ArrayNode a = o.putArray("after");
            for (String dep : after) a.add(dep);
            o.put("prompt", prompt);
            o.put("runner", runner);
            if (repo != null) o.put("repo", repo);
            if (base != null) o.put("base", base);
            if (verify != null) o.put("verify", verify);
            if (reason != null) o.put("reason", reason);
            return o;
        }

        static Wait of(JsonNode n) {
            if (n == null || !n.path("after").isArray() || Json.text(n, "prompt") == null) return null;
            List<String> after = new ArrayList<>();
            for (JsonNode d : n.get("after")) after.add(d.asText());
            return new Wait(List.copyOf(after), Json.text(n, "prompt"), Json.text(n, "runner"), Json.text(n, "repo"), Json.text(n, "base"),
                    Json.text(n, "verify"), Json.text(n, "reason"));
        }

        Wait because(String why) {
            return new Wait(after, prompt, runner, repo, base, verify, why);
        }
    }

    // -- the record -------------------------------------------------------------

    public static Path record(SessionFiles f) {
        return f.dir().resolve("wait.json");
    }

    /** Where the claim of worker id's start is kept while it is in progress. */
    public static Path pending(Paths paths, String id) {
        return paths.sessions().resolve(".after-" + id + ".json");
    }

    /** Worker f's waiting record, or null when it has none (it was never waiting, or started). */
    public static Wait read(SessionFiles f) {
        return Wait.of(Json.parseOrNull(Fs.readOr(record(f), "")));
    }

    /**
     * The ids a new worker id may wait for, checked: each a worker looop knows
     * (its session is on file), none id itself, and no chain of waits that
     * leads back to id. A one-line refusal otherwise, before anything is written.
     */
    public static List<String> check(Paths paths, String id, List<String> after) {
        Set<String> deps = new LinkedHashSet<>();
        for (String raw : after) {
            String dep = Ids.worker(raw);
            if (dep.equals(id)) throw new UserError("worker " + id + " cannot wait for itself; name the workers it waits for");
            if (!TmuxSessions.looopMadeIt(SessionFiles.of(paths, dep))) {
                throw new UserError("worker " + id + " cannot wait for '" + dep + "': there is no such worker; `looop ls` lists them");
            }
            deps.add(dep);
        }
        for (String dep : deps) {
            if (leadsTo(paths, dep, id, new LinkedHashSet<>())) {
                throw new UserError("worker " + id + " cannot wait for " + dep + ": " + dep + " waits for " + id + " itself, so neither would start");
            }
        }
        return List.copyOf(deps);
    }

    private static boolean leadsTo(Paths paths, String from, String target, Set<String> seen) {
        if (!seen.add(from)) return false;
        SessionFiles f = SessionFiles.of(paths, from);
        if (f.readState() != SessionState.WAITING) return false;
        Wait w = read(f);
        if (w == null) return false;
        for (String next : w.after()) if (next.equals(target) || leadsTo(paths, next, target, seen)) return true;
        return false;
    }

    /**
     * Writes worker id's session as waiting, built aside and renamed into
     * place (replacing a finished session of the id whole), so a reader never
     * sees half of it.
     */
    static void writeWaiting(Paths paths, String id, Wait wait) {
        SessionFiles f = SessionFiles.of(paths, id);
        Path staging = paths.sessions().resolve(".new-" + id + "-" + Fs.unique());
        Fs.mkdirs(staging);
        SessionFiles staged = new SessionFiles(staging, f.outbox());
        Fs.writeAtomic(record(staged), Json.pretty(wait.json()) + "\n");
        staged.writeState(SessionState.WAITING);
        Fs.deleteTree(f.dir());
        Fs.deleteTree(f.outbox().dir()); // nothing a previous run of the id left there is its word now
        try {
            Fs.move(staging, f.dir());
        } catch (UncheckedIOException e) {
            Fs.deleteTree(staging);
            throw e;
        }
    }

    /** The finished workers some waiting worker still needs to look at: prune and the TTL keep them. */
    public static Set<String> awaited(Paths paths, List<Sessions.Info> workers) {
        Set<String> out = new java.util.HashSet<>();
        for (Sessions.Info i : workers) if (i.state() == SessionState.WAITING) out.addAll(i.after());
        return out;
    }

    /** For `looop discard`: whether the branch it removed was merged, so a worker waiting on it knows which way to go. */
    public static void discarded(Paths paths, String id, String lost) {
        SessionFiles f = SessionFiles.of(paths, id);
        if (f.exists()) Fs.writeAtomic(f.dir().resolve("discarded"), (lost == null ? "merged" : Journal.oneLine(lost)) + "\n");
    }

    // -- the beat's step ----------------------------------------------------------

    /** Whether some worker waits or some start's claim is on file: the files alone, never tmux. */
    private static boolean anything(Paths paths) {
        for (Path p : Fs.listNonDirs(paths.sessions(), ".json")) if (p.getFileName().toString().startsWith(".after-")) return true;
        for (Path d : Fs.listDirs(paths.sessions())) {
            if (SessionState.parse(Fs.readOrNull(d.resolve("state"))) == SessionState.WAITING) return true;
        }
        return false;
    }

    /** What reconcile did to one waiting worker: started it, or blocked it; line is what the journal says. */
    public record Done(String id, boolean started, String line) {}

    /**
     * Settles a start a crash cut off, then looks at every waiting worker once:
     * starts those whose dependencies are done (in id order, while fewer than
     * maxWorkers are live; 0: no cap), blocks those a dependency failed, and
     * records why the rest still wait. Journals each start and block.
     */
    public List<Done> reconcile(long maxWorkers) {
        List<Done> done = new ArrayList<>();
        if (!anything(paths)) return done; // most beats: no worker waits, so no lock and no tmux call
        // one at a time (the pulse's beat and a person's `looop sense`): a claim on file is then always a crash's
        new looop.io.FileMutex(paths.sessions().resolve(".waits.lock")).locked(new Runnable() {
            public void run() {
                reconcile(maxWorkers, done);
            }
        });
        return done;
    }

    private void reconcile(long maxWorkers, List<Done> done) {
        settleCrashed(done);
        List<Sessions.Info> all = sessions.list();
        boolean anyWaiting = false;
        for (Sessions.Info i : all) anyWaiting |= i.state() == SessionState.WAITING;
        if (!anyWaiting) return;
        long live = 0;
        for (Sessions.Info i : all) if (i.alive()) live++;
        for (Sessions.Info i : all) {
            if (i.state() != SessionState.WAITING) continue;
            SessionFiles f = SessionFiles.of(paths, i.id());
            Wait wait = read(f);
            if (wait == null) continue; // not looop's record: nothing to start from
            Verdict v = verdict(wait.after());
            if (v instanceof Blocked b) {
                done.add(block(f, wait, b.why()));
            } else if (v instanceof Pending p) {
                note(f, wait, p.why());
            } else if (maxWorkers > 0 && live >= maxWorkers) {
                note(f, wait, "ready, but " + live + " workers are live and max_workers is " + maxWorkers);
            } else {
                Done d = start(i.id(), wait);
                done.add(d);
                if (d.started()) live++;
            }
        }
    }

    private sealed interface Verdict permits Ready, Pending, Blocked {}

    private record Ready() implements Verdict {}

    private record Pending(String why) implements Verdict {}

    private record Blocked(String why) implements Verdict {}

    /** The first dependency that blocks, else the first that is not done yet, else ready. Read afresh: a chain blocks in one pass. */
    private Verdict verdict(List<String> after) {
        Map<String, Sessions.Info> now = new HashMap<>();
        for (Sessions.Info i : sessions.list()) now.put(i.id(), i);
        Pending first = null;
        for (String dep : after) {
            Verdict v = of(dep, now.get(dep));
            if (v instanceof Blocked) return v;
            if (v instanceof Pending p && first == null) first = p;
        }
        return first != null ? first : new Ready();
    }

    private Verdict of(String dep, Sessions.Info d) {
        if (d == null) return new Blocked(dep + " is gone");
        switch (d.state()) {
            case WAITING: return new Pending(dep + " has not started yet");
            case STARTING:
            case RUNNING: return new Pending(dep + " is still running");
            case KILLED: return new Blocked(dep + " was killed");
            case BLOCKED: return new Blocked(dep + " is blocked: " + d.reason());
            default: break;
        }
        if (d.exitCode() == null || d.exitCode() != 0) return new Blocked(dep + " failed (exit " + d.exitCode() + ")");
        SessionFiles f = SessionFiles.of(paths, dep);
        SessionFiles.Meta meta = f.readMeta();
        if (meta != null && meta.verify() != null) {
            Verify.Result r = Verify.read(paths, dep);
            if (r == null) return new Pending(dep + "'s verify has not run yet");
            if (!r.passed()) return new Blocked(dep + "'s verify failed" + (r.exitCode() == null ? "" : " (exit " + r.exitCode() + ")"));
        }
        return merged(dep, f);
    }

    /** A dependency with a repo is done once its branch is in the checkout; discarded unmerged, it never will be. */
    private Verdict merged(String dep, SessionFiles f) {
        String discarded = Fs.readOrNull(f.dir().resolve("discarded"));
        if (discarded != null) {
            return discarded.strip().equals("merged") ? new Ready() : new Blocked(dep + " was discarded (" + discarded.strip() + ")");
        }
        Boolean merged;
        try {
            Worktree w = WorkerRepos.read(paths, dep);
            if (w == null) return new Ready();
            merged = WorkerRepos.refs(paths).merged(w);
        } catch (UserError | UncheckedIOException e) {
            return new Blocked(dep + "'s branch cannot be read: " + Journal.oneLine(String.valueOf(e.getMessage())));
        }
        if (merged == null) return new Blocked(dep + " was discarded (its branch is gone)");
        return merged ? new Ready() : new Pending(dep + " is not merged yet (`looop diff " + dep + "`, then `looop merge " + dep + "`)");
    }

    /** Why it still waits, kept with its record when it changed (ls, status and sys-sessions show it). */
    private static void note(SessionFiles f, Wait wait, String why) {
        if (why.equals(wait.reason())) return;
        Fs.writeAtomic(record(f), Json.pretty(wait.because(why).json()) + "\n");
    }

    /** The reason first, then the state, then one journal line. */
    private Done block(SessionFiles f, Wait wait, String why) {
        Fs.writeAtomic(record(f), Json.pretty(wait.because(why).json()) + "\n");
        f.writeState(SessionState.BLOCKED);
        String line = new Journal(paths, clock).append(f.id() + " blocked: " + why + "; it will not start (`looop start-session "
                + f.id() + " …` anew once that is sorted out)");
        return new Done(f.id(), false, line);
    }

    /**
     * Claims the start (the record, the journal line and its offset, aside),
     * starts the worker through the engine, journals it once, drops the claim.
     * A start the engine refuses (its runner gone, its repo moved) blocks it.
     */
    private Done start(String id, Wait wait) {
        Journal j = new Journal(paths, clock);
        String line = j.line("started " + id + " (after " + String.join(", ", wait.after()) + ")");
        ObjectNode claim = wait.because(null).json().put("line", line).put("offset", j.size());
        Fs.writeAtomic(pending(paths, id), Json.canonical(claim) + "\n");
        SessionFiles f = SessionFiles.of(paths, id);
        try {
            sessions.start(id, wait.prompt(), wait.runner(), WorkerRepos.repoPath(paths, wait.repo()), wait.base(), wait.verify());
        } catch (UserError e) {
            boolean stillWaiting = f.readState() == SessionState.WAITING;
            Done d = stillWaiting ? block(f, wait, "could not start: " + Journal.oneLine(e.getMessage()))
                    : new Done(id, false, j.append("start of " + id + " failed: " + Journal.oneLine(e.getMessage())));
            Fs.delete(pending(paths, id));
            return d;
        }
        j.appendAt(claim.get("offset").asLong(), line);
        Fs.delete(pending(paths, id));
        return new Done(id, true, line);
    }

    /**
     * A claim a crash left: the new session in place means the start got that
     * far (its terminal is launched if it was not, the line journaled once);
     * otherwise the waiting record is put back, and this beat starts it anew.
     */
    private void settleCrashed(List<Done> done) {
        for (Path p : Fs.listFiles(paths.sessions(), ".json")) {
            String name = p.getFileName().toString();
            if (!name.startsWith(".after-")) continue;
            String id = name.substring(".after-".length(), name.length() - ".json".length());
            JsonNode claim = Json.parseOrNull(Fs.readOr(p, ""));
            Wait wait = Wait.of(claim);
            if (Ids.problem(id) != null || wait == null) {
                Fs.delete(p); // not a claim looop wrote: nothing to settle
                continue;
            }
            SessionFiles f = SessionFiles.of(paths, id);
            if (Files.exists(f.meta(), LinkOption.NOFOLLOW_LINKS)) {
                sessions.finishStart(id);
                String line = Json.text(claim, "line");
                if (line != null) new Journal(paths, clock).appendAt(claim.path("offset").asLong(-1), line);
                done.add(new Done(id, true, line));
            } else if (f.readState() != SessionState.WAITING || read(f) == null) {
                writeWaiting(paths, id, wait);
            }
            Fs.delete(p);
        }
    }
}
