package looop;

import looop.cli.Context;

/**
 * The process the torture test kills: `looop tick` through the real command
 * line, over and over in one JVM (a pulse with no rest between beats), on the
 * profile in $LOOOP_DATA_DIR. With --once it beats once and exits, which the
 * test uses to record a class-data archive so each restart is quicker.
 */
public final class TortureChild {
    private TortureChild() {}

    public static void main(String... args) {
        boolean once = args.length > 0 && args[0].equals("--once");
        do {
            looop.cli.Main.run(Context.fromProcess(), "tick");
        } while (!once);
    }
}
