package looop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import looop.io.Fs;

/**
 * A child process for the append tests: THREADS threads each append COUNT JSON
 * lines of random size (up to MAX bytes) to FILE through Fs.appendLine, as the
 * pulse, workers' `_ cost` and a human's `looop act` do at once. Stops quietly
 * at the first failed append (a full disk) and says how many lines it wrote.
 *
 * Usage: Appender FILE TAG THREADS COUNT MAX
 */
public final class Appender {
    private Appender() {}

    public static void main(String... args) throws InterruptedException {
        Path file = Path.of(args[0]);
        String tag = args[1];
        int threads = Integer.parseInt(args[2]);
        int count = Integer.parseInt(args[3]);
        int max = Integer.parseInt(args[4]);
        int[] written = new int[threads];
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread th = new Thread(() -> written[me] = appendAll(file, tag + "-" + me, count, max, new Random(tag.hashCode() * 31L + me)));
            all.add(th);
            th.start();
        }
        for (Thread th : all) th.join();
        int sum = 0;
        for (int w : written) sum += w;
        System.out.println(sum);
    }

    private static int appendAll(Path file, String who, int count, int max, Random rnd) {
        for (int i = 0; i < count; i++) {
            try {
                Fs.appendLine(file, line(who, i, rnd.nextInt(max)), false);
            } catch (RuntimeException e) {
                return i;
            }
        }
        return count;
    }

    /** A line that proves its own integrity: it says how long its padding is. */
    static String line(String who, int n, int padding) {
        return "{\"who\":\"" + who + "\",\"n\":" + n + ",\"len\":" + padding + ",\"pad\":\"" + "x".repeat(padding) + "\"}";
    }
}
