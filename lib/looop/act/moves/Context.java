package looop.act.moves;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import looop.profile.ShellGate;
import looop.io.Fs;
import looop.io.UserError;
import looop.profile.Config;
import looop.profile.Journal;
import looop.profile.Paths;
import looop.workers.Sessions;

/**
 * What a move may use: the profile's files, the worker engine, the config the
 * beat (or command) read once, and the clock. The run_shell gate, the caps and
 * the sandbox come from that config, so a move never reads looop.json itself.
 */
public final class Context {
    private static final int SHOWN_CHARS = 120;

    public final Paths paths;
    public final Sessions sessions;
    public final Clock clock;
    private final Config config;
    private final SpareShell spareShell;

    public Context(Paths paths, Sessions sessions, Config config, Clock clock) {
        this(paths, sessions, config, clock, null);
    }

    /** spareShell: the sandbox a run_shell finds started while the beat decided, or null: the command starts its own. */
    public Context(Paths paths, Sessions sessions, Config config, Clock clock, SpareShell spareShell) {
        this.spareShell = spareShell;
        this.paths = paths;
        this.config = java.util.Objects.requireNonNull(config, "the beat's config");
        this.sessions = sessions == null ? null : sessions.withConfig(config);
        this.clock = clock;
    }

    /** looop.json as this beat read it. */
    public Config config() {
        return config;
    }

    /** The sandbox run_shell runs in, under this beat's config. */
    public looop.profile.Confinement confinement() {
        return looop.profile.Confinement.of(paths, config);
    }

    /** The sandbox a run_shell finds started, or null. */
    public SpareShell spareShell() {
        return spareShell;
    }

    public ShellGate gate() {
        return config.shellGate();
    }

    /** The caps of looop.json (max_workers). */
    public looop.profile.Guards guards() {
        return config.guards();
    }

    /**
     * Returns file after checking it is a place a move may write: inside the
     * data dir with no symlink on the way (whatever the AI linked, a move only
     * writes inside the profile), and not looop's own config, which holds the
     * gate and the runner commands and is the human's alone.
     */
    public Path target(Path file) {
        if (!file.normalize().startsWith(paths.data)) {
            throw new UserError(file + " is outside the data dir " + paths.data + "; looop only writes inside it");
        }
        Path p = paths.data;
        for (Path part : paths.data.relativize(file)) {
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                throw new UserError(paths.data.relativize(p) + " is a symlink and looop never writes through one; replace it with a real "
                        + (p.equals(file) ? "file" : "directory"));
            }
        }
        if (sameFile(file, paths.config) || file.toAbsolutePath().normalize().equals(paths.configTarget())) {
            throw new UserError(paths.data.relativize(file) + " is looop's config (LOOOP_CONFIG); no move may write it, a human edits it");
        }
        return file;
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether file (a regular file, not a link) holds exactly text: a write move's effect, seen after a crash. */
    public static Move.Happened holds(Path file, String text) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return Move.Happened.NO;
        return text.equals(Fs.readOrNull(file)) ? Move.Happened.YES : Move.Happened.NO;
    }

    public static String withNewline(String text) {
        return text.endsWith("\n") ? text : text + "\n";
    }

    /** Long commands and inputs are cut in summaries: the journal is one short line per move. */
    public static String shown(String text) {
        String s = Journal.oneLine(text); // process output carries colour codes and tabs
        return s.length() > SHOWN_CHARS ? s.substring(0, SHOWN_CHARS) + "…" : s;
    }

    /** "head: detail", or just head when there is nothing to add (an empty reason, a bare Enter). */
    public static String detailed(String head, String detail) {
        return detail == null || detail.isBlank() ? head : head + ": " + detail;
    }
}
