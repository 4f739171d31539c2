package looop;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import looop.cli.Context;
import looop.profile.Paths;

/**
 * A child process for the full-disk test, run in a private mount namespace
 * with a small tmpfs at MNT. For each amount of free space it copies the
 * profile SRC onto the tmpfs (its looop.json's grants, absolute paths, moved
 * with it), fills the disk up to that many KiB free, runs
 * `looop tick --force` through the real command line and copies what is left
 * to OUT/<kib>/full/, with the exit code and everything printed (System.err
 * too, so a stack trace from any thread is caught) in OUT/<kib>/full.{code,out,err};
 * then frees the disk, beats again, and keeps that as OUT/<kib>/next. One JVM
 * for every level, so a sweep costs seconds.
 *
 * Usage: FullDisk SRC MNT OUT KIB…
 */
public final class FullDisk {
    private FullDisk() {}

    public static void main(String... args) throws Exception {
        Path src = Path.of(args[0]);
        Path mnt = Path.of(args[1]);
        Path out = Path.of(args[2]);
        for (int i = 3; i < args.length; i++) {
            String kib = args[i];
            sh("find \"$1\" -mindepth 1 -delete && cp -a \"$2\"/. \"$1\"/ && sed -i \"s#$2#$1#g\" \"$1/looop.json\""
                    + " && { dd if=/dev/zero of=\"$1/.filler\" bs=4k 2>/dev/null; true; }"
                    + " && { [ \"$3\" -eq 0 ] || truncate -s -\"$3\"K \"$1/.filler\"; }", mnt, src, kib);
            beat(mnt, out.resolve(kib).resolve("full"), src);
            Files.deleteIfExists(mnt.resolve(".filler"));
            beat(mnt, out.resolve(kib).resolve("next"), src);
        }
    }

    /** One `looop tick --force`; its files (grants named as in src again), exit code and every byte printed go to `to` and beside it. */
    private static void beat(Path data, Path to, Path src) throws Exception {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream realErr = System.err;
        System.setErr(errStream);
        int code;
        try {
            code = tick(data, new PrintStream(said, true, StandardCharsets.UTF_8), errStream);
        } finally {
            System.setErr(realErr);
        }
        Files.createDirectories(to);
        sh("cp -a \"$1\"/. \"$2\"/ && rm -f \"$2/.filler\" && { [ ! -f \"$2/looop.json\" ] || sed -i \"s#$1#$3#g\" \"$2/looop.json\"; }",
                data, to, src.toString());
        Files.writeString(Path.of(to + ".code"), String.valueOf(code));
        Files.writeString(Path.of(to + ".out"), said.toString(StandardCharsets.UTF_8));
        Files.writeString(Path.of(to + ".err"), err.toString(StandardCharsets.UTF_8));
    }

    private static int tick(Path data, PrintStream out, PrintStream err) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("LOOOP_DATA_DIR", data.toString());
        Context ctx = new Context(Paths.fromEnv(env), Clock.systemDefaultZone(), NoSessions.none(),
                new ByteArrayInputStream(new byte[0]), out, err);
        return looop.cli.Main.run(ctx, "tick", "--force");
    }

    private static void sh(String script, Path a, Path b, String c) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script, "sh", a.toString(), b.toString(), c).inheritIO().start();
        if (p.waitFor() != 0) throw new IOException("setup failed: " + script);
    }
}
