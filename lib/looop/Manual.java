package looop;

/** `looop help`: the full manual. */
public final class Manual {
    private Manual() {}

    public static String text() {
        throw new UnsupportedOperationException("todo");
    }
}
