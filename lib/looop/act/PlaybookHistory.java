package looop.act;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import looop.io.Fs;
import looop.profile.Paths;

/**
 * The playbooks write_playbook replaced: before each rewrite the old text is
 * kept as playbook.d/<yyyyMMdd-HHmmss>.md (a second one within the same
 * second gets ~2, ~3, …), and only the newest KEEP stay. The policy's history
 * is then a `looop playbook log` away, and a bad rewrite can be read back.
 */
public final class PlaybookHistory {
    public static final int KEEP = 20;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Pattern NAME = Pattern.compile("(\\d{8}-\\d{6})(?:~(\\d+))?\\.md");

    /** One kept playbook: its file name, and the time it was replaced. */
    public record Version(String name, Path file, LocalDateTime replacedAt) {}

    private final Paths paths;
    private final Clock clock;

    public PlaybookHistory(Paths paths, Clock clock) {
        this.paths = paths;
        this.clock = clock;
    }

    /** Keeps the current playbook when next differs from it; then drops all but the newest KEEP. */
    public void keepBefore(String next) {
        String current = Fs.readOrNull(paths.playbook());
        if (current == null || current.equals(next)) return;
        Fs.writeAtomic(freeName(), current);
        List<Version> all = versions();
        for (Version old : all.subList(Math.min(KEEP, all.size()), all.size())) Fs.delete(old.file());
    }

    /** The kept playbooks, newest first. */
    public List<Version> versions() {
        List<Version> out = new ArrayList<>();
        for (Path p : Fs.listFiles(paths.playbookHistory(), ".md")) {
            Matcher m = NAME.matcher(p.getFileName().toString());
            if (m.matches()) out.add(new Version(p.getFileName().toString(), p, LocalDateTime.parse(m.group(1), STAMP)));
        }
        out.sort(Comparator.comparing(Version::replacedAt).thenComparing(v -> sequence(v.name())).reversed());
        return out;
    }

    /** A name after every kept one of this second: never a gap left by pruning, which would sort as the oldest. */
    private Path freeName() {
        LocalDateTime now = LocalDateTime.now(clock).withNano(0);
        int last = versions().stream().filter(v -> v.replacedAt().equals(now)).mapToInt(v -> sequence(v.name())).max().orElse(0);
        String stamp = now.format(STAMP);
        return paths.playbookHistory().resolve(last == 0 ? stamp + ".md" : stamp + "~" + (last + 1) + ".md");
    }

    private static int sequence(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 1;
    }
}
