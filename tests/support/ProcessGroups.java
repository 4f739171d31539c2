package looop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A shell's process group, and which of its members still run: how tests see that nothing outlived a command. */
public final class ProcessGroups {
    private ProcessGroups() {}

    /** Prints the shell's own process group, then the body's output. */
    public static final String SAY_PGID = "read -r -a st < /proc/$$/stat; echo \"pgid=${st[4]}\"; ";

    public static long pgidIn(String output) {
        Matcher m = Pattern.compile("pgid=(\\d+)").matcher(output);
        assertTrue(m.find(), "the command did not print its pgid: " + output);
        return Long.parseLong(m.group(1));
    }

    /** Processes of a group that are still running (a zombie has already died; PID 1 here may not reap it). */
    public static List<Long> liveMembers(long pgid) {
        List<Long> live = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(p.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (!f[0].equals("Z") && !f[0].equals("X") && Long.parseLong(f[2]) == pgid) {
                    live.add(Long.parseLong(p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc", e);
        }
        return live;
    }

    /** Processes whose command line (its arguments joined by spaces) holds every one of parts. */
    public static List<Long> withCommandLine(String... parts) {
        List<Long> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            String line = commandLine(p.pid());
            for (String part : parts) {
                if (!line.contains(part)) return;
            }
            out.add(p.pid());
        });
        return out;
    }

    /** Sandboxes started ahead for a run_shell on data dir (act.moves.SpareShell): bwrap running the spare's launcher. */
    public static List<Long> spareShells(Path data) {
        return withCommandLine("bwrap", "/proc/self/mountinfo; printf R;", data.toString());
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }
}
