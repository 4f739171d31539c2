package looop.sense;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import looop.io.Fs;
import looop.io.Proc;

/**
 * A beat's sensors that share one grant, run in one sandbox: bwrap starts
 * once, and inside it a fixed bash launcher runs each script as looop ran it
 * alone (its own process group, stdin /dev/null, in the data dir, up to
 * `concurrency` at once in name order), kills a script's group at its own
 * timeout and, once it exits, whatever of its group is left (as Proc kills
 * leftovers holding its output), and writes its stdout, stderr and exit
 * status to files in a scratch dir of looop's, the one path the sandbox may write.
 *
 * What that scratch holds is what the scripts wrote, nothing more: each
 * file is read once the sandbox is gone (its pid namespace took every
 * process with it, and no other sandbox may write there), without following
 * links, only regular files, at most the cap of stdout and the last KiB of
 * stderr. A script could overwrite another's files: they are all written by
 * the same hands (sensors/ is looop's, protected), and a forged reading is
 * only what that script could have printed as its own, data for the prompt.
 * The exit status is a word in that data, never acted on. A script that
 * would write more than the stdout cap allows (with room to count: 8× the
 * cap, at least 64 MiB) is stopped by RLIMIT_FSIZE, so a runaway cannot fill
 * the disk, and reads as too large.
 */
final class SensorBox {
    private SensorBox() {}

    private static final AtomicLong SEQ = new AtomicLong();
    private static final int STDERR_TAIL = 1024;
    private static final int SIGXFSZ = 25;
    private static final long MIN_FILE_LIMIT = 64L << 20;
    /** Extra seconds the whole launcher may take beyond its scripts' own timeouts before looop kills it. */
    private static final long LAUNCHER_GRACE_S = 30;

    /**
     * Args: scratch dir, timeout s (0: none), concurrency, file size limit in KiB (0: none), scripts.
     *
     * A fork costs milliseconds on small VMs, so where bash can say which
     * child ended (`wait -n -p`, bash 5.1+) this shell starts each script
     * with one fork and reaps it itself, and one watcher for the whole box
     * keeps the timeouts (each script's pid and deadline in its .due file,
     * looked at 4 times a second). bash may drop a job it reaped from the
     * table `wait -n` looks at (its status stays for `wait PID`), so a reap
     * first asks which scripts are gone (`kill -0`), then waits for the next.
     * Job control stays off (with it bash drops such jobs at once); `setsid`
     * gives each script its own group instead. An older bash
     * (or no setsid) takes the way that needs neither: a shell and a watcher
     * per script. `read -t` on a pipe nothing writes waits without `sleep`.
     */
    static final String LAUNCHER = "d=$1 t=$2 n=$3 f=$4; shift 4\n"
            + "if [ -z \"$LOOOP_SENSOR_LAUNCHER_COMPAT\" ] && (( BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501 ))"
            + " && command -v setsid >/dev/null; then\n"
            + "  declare -A at; w=\n"
            + "  if [ \"$t\" != 0 ]; then\n"
            + "    ( exec 9<> <(:)\n"
            + "      while :; do\n"
            + "        read -t 0.25 -u 9; now=${EPOCHREALTIME/[.,]/}\n"
            + "        for due in \"$d\"/*.due; do\n"
            + "          i=${due##*/}; i=${i%.due}\n"
            + "          [ -e \"$d/$i.rc\" ] || [ -e \"$d/$i.late\" ] && continue\n"
            + "          read -r p end <\"$due\" 2>/dev/null || continue\n"
            + "          if (( now >= end )); then : >\"$d/$i.late\"; kill -KILL -- -\"$p\" 2>/dev/null; fi\n"
            + "        done\n"
            + "      done ) & w=$!\n"
            + "  fi\n"
            + "  ended() { kill -KILL -- -\"$1\" 2>/dev/null; echo \"$2\" >\"$d/${at[$1]}.rc\"; unset \"at[$1]\"; r=$((r-1)); }\n"
            + "  reap() {\n"
            + "    local p q rc\n"
            + "    for p in \"${!at[@]}\"; do kill -0 \"$p\" 2>/dev/null || { wait \"$p\"; ended \"$p\" $?; return 0; }; done\n"
            + "    wait -n -p q 2>/dev/null; rc=$?\n"
            + "    if [ -n \"$q\" ]; then [ -z \"${at[$q]}\" ] || ended \"$q\" \"$rc\"; return 0; fi\n"
            + "    for p in \"${!at[@]}\"; do wait \"$p\"; ended \"$p\" $?; return 0; done\n"
            + "    return 1\n"
            + "  }\n"
            + "  i=0 r=0\n"
            + "  for s; do\n"
            + "    while [ \"$r\" -ge \"$n\" ]; do reap || break; done\n"
            + "    ( [ \"$f\" = 0 ] || ulimit -f \"$f\"; exec setsid \"$s\" ) >\"$d/$i.out\" 2>\"$d/$i.err\" </dev/null &\n"
            + "    at[$!]=$i\n"
            + "    [ \"$t\" = 0 ] || echo \"$! $(( ${EPOCHREALTIME/[.,]/} + t * 1000000 ))\" >\"$d/$i.due\"\n"
            + "    i=$((i+1)) r=$((r+1))\n"
            + "  done\n"
            + "  while [ \"$r\" -gt 0 ]; do reap || break; done\n"
            + "  [ -z \"$w\" ] || kill -KILL \"$w\" 2>/dev/null\n"
            + "  exit 0\n"
            + "fi\n"
            + "exec 9<> <(:)\n"
            + "one() {\n"
            + "  set -m\n"
            + "  ( [ \"$f\" = 0 ] || ulimit -f \"$f\"; exec \"$2\" ) >\"$d/$1.out\" 2>\"$d/$1.err\" </dev/null &\n"
            + "  p=$! w=\n"
            + "  if [ \"$t\" != 0 ]; then ( read -t \"$t\" -u 9; : >\"$d/$1.late\"; kill -KILL -- -\"$p\" ) 2>/dev/null & w=$!; fi\n"
            + "  wait \"$p\"; rc=$?\n"
            + "  kill -KILL -- -\"$p\" $w 2>/dev/null\n"
            + "  echo \"$rc\" >\"$d/$1.rc\"\n"
            + "}\n"
            + "i=0 r=0\n"
            + "for s; do\n"
            + "  if [ \"$r\" -ge \"$n\" ]; then wait -n; r=$((r-1)); fi\n"
            + "  one \"$i\" \"$s\" & i=$((i+1)) r=$((r+1))\n"
            + "done\n"
            + "wait\n";

    /** A fresh scratch dir under stateDir, private to looop; made before the sandbox that grants it. */
    static Path scratch(Path stateDir) {
        Path dir = stateDir.resolve("sensors-" + looop.io.Pid.own() + "-" + SEQ.incrementAndGet());
        Fs.mkdirs(stateDir);
        Fs.deleteTree(dir);
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw Fs.failed(dir, e);
        }
        return dir;
    }

    /** Runs scripts in one sandbox (wrap), each with its own timeout and cap; their results in the scripts' order. */
    static List<Proc.Result> run(List<Path> scripts, Path scratch, Path dir, Map<String, String> env, UnaryOperator<List<String>> wrap,
            long timeoutS, long maxBytes, int concurrency) {
        try {
            long fileKib = maxBytes <= 0 ? 0 : (Math.max(MIN_FILE_LIMIT, maxBytes * 8) >> 10) + 1;
            // the launcher is the command itself (no second bash): its arguments set first
            StringBuilder cmd = new StringBuilder("set -- ").append(Proc.shellQuote(scratch.toString())).append(' ').append(timeoutS)
                    .append(' ').append(concurrency).append(' ').append(fileKib);
            for (Path s : scripts) cmd.append(' ').append(Proc.shellQuote(s.toString()));
            cmd.append('\n').append(LAUNCHER);
            long rounds = (scripts.size() + concurrency - 1) / concurrency;
            Duration outer = timeoutS <= 0 ? null : Duration.ofSeconds(timeoutS * rounds + LAUNCHER_GRACE_S);
            Proc.Result launcher = Proc.capture(new Proc.Spec(cmd.toString(), dir, env, null, outer, wrap), 4096);
            List<Proc.Result> out = new ArrayList<>(scripts.size());
            for (int i = 0; i < scripts.size(); i++) out.add(result(scratch, i, launcher, maxBytes, fileKib << 10));
            return out;
        } finally {
            Fs.deleteTree(scratch);
        }
    }

    /** Script i's result as its files say; none (the launcher never got to it, or was killed) takes the launcher's. */
    private static Proc.Result result(Path scratch, int i, Proc.Result launcher, long maxBytes, long fileLimit) {
        String rc = text(scratch.resolve(i + ".rc"), 16);
        byte[] err = tail(scratch.resolve(i + ".err"), STDERR_TAIL);
        if (rc == null) {
            if (launcher.timedOut()) return new Proc.Result(Proc.TIMED_OUT, true, new byte[0], 0, new String(err, StandardCharsets.UTF_8));
            int code = launcher.exitCode() == 0 ? 125 : launcher.exitCode();
            return new Proc.Result(code, false, new byte[0], 0, launcher.stderrTail());
        }
        boolean late = Files.exists(scratch.resolve(i + ".late"), LinkOption.NOFOLLOW_LINKS);
        int code = late ? Proc.TIMED_OUT : parse(rc.strip());
        Path out = scratch.resolve(i + ".out");
        long size = regularSize(out);
        // stopped at the file limit (SIGXFSZ): on a pipe it would have gone on printing, and read as too large
        if (code == 128 + SIGXFSZ && fileLimit > 0 && size >= fileLimit) code = 0;
        byte[] stdout = read(out, 0, maxBytes > 0 ? maxBytes : Long.MAX_VALUE);
        return new Proc.Result(code, late, stdout, Math.max(0, size), new String(err, StandardCharsets.UTF_8));
    }

    private static int parse(String rc) {
        try {
            return Integer.parseInt(rc);
        } catch (NumberFormatException e) {
            return 125;
        }
    }

    /** The file's size when it is a regular file (not a link), else -1. */
    private static long regularSize(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? a.size() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String text(Path p, int max) {
        if (regularSize(p) < 0) return null;
        return new String(read(p, 0, max), StandardCharsets.UTF_8);
    }

    private static byte[] tail(Path p, int max) {
        long size = regularSize(p);
        if (size <= 0) return new byte[0];
        return read(p, Math.max(0, size - max), max);
    }

    /** Up to max bytes from offset of a regular file, opened without following a link; nothing when it is anything else. */
    private static byte[] read(Path p, long offset, long max) {
        long size = regularSize(p);
        if (size < 0) return new byte[0];
        int n = (int) Math.min(Math.min(max, size - offset), Integer.MAX_VALUE - 16);
        if (n <= 0) return new byte[0];
        ByteBuffer buf = ByteBuffer.allocate(n);
        try (SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.position(offset);
            while (buf.hasRemaining() && ch.read(buf) > 0) { /* fill */ }
        } catch (IOException e) {
            return new byte[0];
        }
        return java.util.Arrays.copyOf(buf.array(), buf.position());
    }
}
