package looop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import looop.profile.Paths;

/**
 * Completion candidates that are files in the profile: worker ids
 * (sessions/<id>/) and goal ids (goals/<id>.md). They are read only when
 * picocli iterates them, and never fail: no profile or no dir is no values.
 *
 * picocli's bash script bakes candidates in when it is generated, and ids
 * change all the time; so for `looop config bash` they stand as a marker
 * that ConfigCommand replaces with a shell expression listing the same
 * files at completion time.
 */
public abstract sealed class LiveIds implements Iterable<String> {
    private Supplier<Paths> profile = Paths::fromEnv;
    private boolean asMarker;

    /** Set by looop's picocli factory: the command's profile, and whether a completion script is being written. */
    void bind(Supplier<Paths> profile, boolean asMarker) {
        this.profile = profile;
        this.asMarker = asMarker;
    }

    @Override
    public Iterator<String> iterator() {
        if (asMarker) return List.of(marker()).iterator();
        try {
            return read(profile.get()).iterator();
        } catch (RuntimeException e) {
            return List.<String>of().iterator();
        }
    }

    /** What the script has where the ids go, and what ConfigCommand swaps for shellList(). */
    String marker() {
        return "@looop-" + getClass().getSimpleName().toLowerCase() + "@";
    }

    abstract List<String> read(Paths p);

    /** A bash expression printing the same ids, one per line, from the data dir in $d. */
    abstract String shellList();

    /** Names of dir's directories (or files ending in suffix), suffix dropped, sorted; none if dir is unreadable. */
    static List<String> names(Path dir, String suffix, boolean directories) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> directories ? Files.isDirectory(p) : Files.isRegularFile(p))
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length()))
                    .sorted().toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Every session looop keeps, live or finished, pulse included: the ids the worker verbs take. */
    public static final class Workers extends LiveIds {
        List<String> read(Paths p) {
            return names(p.sessions(), "", true);
        }

        String shellList() {
            return "for s in \"$d\"/sessions/*/; do s=${s%/}; echo \"${s##*/}\"; done";
        }
    }

    /** Every open goal: a new worker is often named after the goal it works on. */
    public static final class Goals extends LiveIds {
        List<String> read(Paths p) {
            return names(p.goals(), ".md", false);
        }

        String shellList() {
            return "for g in \"$d\"/goals/*.md; do g=${g##*/}; echo \"${g%.md}\"; done";
        }
    }
}
