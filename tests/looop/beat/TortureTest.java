package looop.beat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import looop.Beats;
import looop.ChildJvm;
import looop.Survivors;
import looop.TortureChild;
import looop.act.Intent;
import looop.io.Fs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9, again and again: a child JVM beats back to back against the real
 * offline runner, and the test kills it (and everything it started) at a
 * random moment: any time at all, the instant a move starts, or the instant
 * a journal line lands. After each kill: every policy file parses, the
 * journal and the ledgers hold only whole lines, no move ran twice, and the
 * next beat succeeds and leaves every move that happened journaled exactly once.
 *
 * Every scripted move leaves a token its effect can be traced by (run_shell
 * appends it to reports/tokens.txt; write_goal, write_playbook, send_notification and
 * noop carry it in the goal, the playbook or the journal line).
 *
 * LOOOP_TORTURE_KILLS (default 100) sets the number of kills, LOOOP_TORTURE_LANES
 * (default 2) how many profiles are tortured side by side, LOOOP_TORTURE_SEED the
 * RNG. A benchmark-style run: LOOOP_TORTURE_KILLS=500 ./jbang tests/run.java '.*TortureTest'
 */
class TortureTest {
    static final int KILLS = Integer.parseInt(System.getenv().getOrDefault("LOOOP_TORTURE_KILLS", "100"));
    static final int LANES = Integer.parseInt(System.getenv().getOrDefault("LOOOP_TORTURE_LANES", "2"));
    static final long SEED = Long.parseLong(System.getenv().getOrDefault("LOOOP_TORTURE_SEED", "5"));

    static final Pattern TOKEN = Pattern.compile("k\\d{6}");
    /** A shell move journaled as done (an interrupted one says "outcome unknown" and ends "meant: shell …"). */
    static final Pattern DONE_SHELL = Pattern.compile("^- [0-9: -]{16} shell (k\\d{6})$");

    @TempDir Path dir;

    /** What each kill found on disk: no move in flight, or the state of the one that was. */
    final ConcurrentMap<String, AtomicInteger> found = new ConcurrentHashMap<>();

    @Test
    void killedAtRandomTheFilesStayWholeAndNoMoveRunsTwice() throws Exception {
        long start = System.nanoTime();
        Path archive = classArchive();
        List<Thread> lanes = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger moves = new AtomicInteger();
        for (int lane = 0; lane < LANES; lane++) {
            int kills = KILLS / LANES + (lane < KILLS % LANES ? 1 : 0);
            Lane l = new Lane(dir.resolve("lane" + lane), new Random(SEED * 31 + lane), archive);
            Thread t = new Thread(() -> {
                try {
                    moves.addAndGet(l.run(kills));
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "torture-" + lane);
            lanes.add(t);
            t.start();
        }
        for (Thread t : lanes) t.join();
        if (!failures.isEmpty()) fail(failures.get(0));
        // a torture that never catches a move in flight proves nothing: the children must really be moving
        assertTrue(moves.get() >= KILLS / 2, "only " + moves.get() + " moves in " + KILLS + " kills: the children are not beating");
        assertTrue(found.keySet().stream().anyMatch(k -> !k.equals("nothing")), "no kill ever landed mid-move: " + found);
        System.out.println("torture: " + KILLS + " kill -9s survived, " + moves.get() + " moves journaled exactly once, none twice; "
                + "in flight at the kill: " + new TreeMap<>(found) + "; " + (System.nanoTime() - start) / 1_000_000_000 + " s"
                + " (LOOOP_TORTURE_KILLS=" + KILLS + ", " + LANES + " lanes, seed " + SEED + ")");
    }

    /**
     * Records the classes the child loads into a CDS archive once, so each of
     * the many restarts skips most class loading. Without one it still works.
     */
    private Path classArchive() throws Exception {
        Path jsa = dir.resolve("child.jsa");
        Lane scratch = new Lane(dir.resolve("warm-up"), new Random(SEED), null);
        Process p = scratch.spawn(List.of("-XX:ArchiveClassesAtExit=" + jsa), "--once");
        return p.waitFor(120, TimeUnit.SECONDS) && Files.isRegularFile(jsa) ? jsa : null;
    }

    /** One profile under torture, and the kill loop over it. */
    final class Lane {
        final Beats b;
        final Random rnd;
        final Path archive;

        Lane(Path profile, Random rnd, Path archive) {
            this.rnd = rnd;
            this.archive = archive;
            this.b = new Beats(profile, Map.of("LOOOP_RUNS_KEEP", "8"), "--shape pi --cost 0.001", script(rnd, KILLS * 12 + 100));
            b.profile.sensor("clock", "printf '{\"signal\":{\"n\":\"%s\"}}' \"$EPOCHREALTIME\""); // each world differs: no skip, no backoff
        }

        /** Kills the child `kills` times; returns how many moves ended up journaled. */
        int run(int kills) throws Exception {
            for (int k = 0; k < kills; k++) {
                Process child = spawn(List.of());
                try {
                    waitForAMoment(child);
                } finally {
                    killTree(child);
                }
                afterTheKill(k);
            }
            String said = Fs.readOr(stderr(), "");
            assertFalse(said.contains("\tat ") || said.contains("internal error"), "the child said: " + said);
            return tokensIn(b.journal()).size();
        }

        Path stderr() {
            return b.profile.dir.resolveSibling(b.profile.dir.getFileName() + ".err");
        }

        Process spawn(List<String> jvmFlags, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("setsid", ChildJvm.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-XX:-UsePerfData", "-Xshare:auto"));
            if (archive != null) cmd.add("-XX:SharedArchiveFile=" + archive);
            cmd.addAll(jvmFlags);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "looop.TortureChild"));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderr().toFile()));
            pb.environment().put("LOOOP_DATA_DIR", b.profile.dir.toString());
            pb.environment().put("LOOOP_RUNS_KEEP", "8");
            pb.environment().remove("LOOOP_CONFIG");
            return pb.start();
        }

        /**
         * The moment to kill: any time in the first 1.2 s (start-up, sensing, the
         * runner, act, all of it), the instant a move starts (mid-move), or the
         * instant a journal line lands (settling and committing).
         */
        private void waitForAMoment(Process child) {
            Path intent = Intent.file(b.profile.paths);
            long journalSize = size(b.profile.paths.journal());
            switch (rnd.nextInt(20)) {
                case 0, 1, 2, 3, 4, 5, 6 -> sleepMs(rnd.nextInt(1200));
                case 7, 8, 9, 10, 11, 12, 13, 14 -> {
                    until(child, () -> Files.exists(intent));
                    sleepMs(rnd.nextInt(12));
                }
                default -> {
                    until(child, () -> size(b.profile.paths.journal()) > journalSize);
                    LockSupport.parkNanos(rnd.nextInt(3_000_000));
                }
            }
        }

        /** Everything the beat can be doing at the kill must survive it; then one beat here must heal it. */
        private void afterTheKill(int k) throws IOException {
            Survivors.wellFormed(b.profile.dir);
            Intent pending = Intent.read(b.profile.paths);
            found.computeIfAbsent(pending == null ? "nothing" : pending.state().name().toLowerCase(), x -> new AtomicInteger()).incrementAndGet();
            assertNoneTwice();

            b.profile.clock.set(Instant.now());
            Beats.Cli next = b.cli("", "tick");
            assertEquals(0, next.code(), "kill #" + k + ": the next beat failed: " + next.out() + next.err());
            assertFalse(Files.exists(Intent.file(b.profile.paths)), "kill #" + k + ": the next beat settles the move in flight");
            Survivors.wellFormed(b.profile.dir);
            assertNoneTwice();
            assertEveryMoveJournaled(k);
        }

        /** No token, and so no move, appears twice: not in tokens.txt, not in two journal lines. */
        private void assertNoneTwice() {
            List<String> ran = lines(b.profile.read("reports/tokens.txt"));
            assertEquals(ran.size(), new java.util.HashSet<>(ran).size(), "a run_shell move ran twice: " + ran);
            Map<String, String> seen = new java.util.HashMap<>();
            for (String line : lines(b.journal())) {
                for (String t : tokensIn(line)) {
                    String before = seen.put(t, line);
                    if (before != null) fail("move " + t + " journaled twice:\n" + before + "\n" + line);
                }
            }
        }

        /** Every move with an effect on disk has its one journal line, and every journaled shell move really ran. */
        private void assertEveryMoveJournaled(int k) {
            String journal = b.journal();
            List<String> journaled = tokensIn(journal);
            for (String t : lines(b.profile.read("reports/tokens.txt"))) {
                assertTrue(journaled.contains(t), "kill #" + k + ": move " + t + " ran but its journal line is lost");
            }
            for (String line : lines(journal)) {
                Matcher m = DONE_SHELL.matcher(line);
                if (m.find()) assertTrue(lines(b.profile.read("reports/tokens.txt")).contains(m.group(1)), "journaled as done but never ran: " + line);
            }
            for (Path goal : Fs.listFiles(b.profile.paths.goals(), ".md")) {
                for (String t : tokensIn(Fs.readOr(goal, ""))) assertTrue(journaled.contains(t), "goal written, journal line lost: " + t);
            }
            for (String t : tokensIn(Fs.readOr(b.profile.paths.playbook(), ""))) assertTrue(journaled.contains(t), "playbook written, line lost: " + t);
        }

        /** kill -9 of the JVM, then of every process it started: whatever still carries this profile in its environment. */
        void killTree(Process child) throws IOException {
            child.destroyForcibly();
            try {
                child.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int round = 0; round < 50 && killOrphans() > 0; round++) sleepMs(5);
        }

        private int killOrphans() throws IOException {
            byte[] mark = ("LOOOP_DATA_DIR=" + b.profile.dir + "\0").getBytes(StandardCharsets.UTF_8);
            int killed = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    long pid = Long.parseLong(p.getFileName().toString());
                    if (pid == ProcessHandle.current().pid()) continue;
                    byte[] env;
                    try {
                        env = Files.readAllBytes(p.resolve("environ"));
                    } catch (IOException e) {
                        continue; // gone already, or not ours to read
                    }
                    if (indexOf(env, mark) >= 0 && ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) killed++;
                }
            }
            return killed;
        }
    }

    /** The runner's script: one move per entry, each carrying its own token. */
    static String[] script(Random rnd, int n) {
        String[] out = new String[n];
        int base = rnd.nextInt(1000) * 1000;
        for (int i = 0; i < n; i++) {
            String t = String.format("k%06d", base + i);
            String nudge = rnd.nextInt(5) == 0 ? ",\"next_interval_s\":" + (1 + rnd.nextInt(60)) : "";
            out[i] = switch (rnd.nextInt(10)) {
                case 0, 1, 2, 3, 4 -> "{\"action\":\"run_shell\",\"cmd\":\"echo " + t + " >> reports/tokens.txt\",\"journal\":\"shell " + t + "\"" + nudge + "}";
                case 5, 6 -> "{\"action\":\"write_goal\",\"id\":\"slot" + rnd.nextInt(4) + "\",\"body\":\"goal " + t + "\",\"journal\":\"goal " + t + "\"}";
                case 7 -> "{\"action\":\"write_playbook\",\"body\":\"# playbook " + t + "\",\"journal\":\"playbook " + t + "\"}";
                case 8 -> "{\"action\":\"send_notification\",\"message\":\"note " + t + "\"" + nudge + "}";
                default -> "{\"action\":\"noop\",\"reason\":\"quiet " + t + "\"" + nudge + "}";
            };
        }
        return out;
    }

    static List<String> tokensIn(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text == null ? "" : text);
        while (m.find()) if (!out.contains(m.group())) out.add(m.group());
        return out;
    }

    static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().filter(l -> !l.isBlank()).toList();
    }

    static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Polls fast (a move lasts milliseconds) until done, the child dies, or 10 s pass. */
    static void until(Process child, BooleanSupplier done) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean() && child.isAlive() && System.nanoTime() < deadline) LockSupport.parkNanos(200_000);
    }

    static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
