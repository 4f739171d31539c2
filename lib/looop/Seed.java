package looop;

/** First run: the directories every beat needs, and starter files written once. */
public final class Seed {
    private Seed() {}

    /** Creates missing directories; on a new profile also writes the starter files. True when it seeded. */
    public static boolean ensure(Paths paths) {
        throw new UnsupportedOperationException("todo");
    }
}
