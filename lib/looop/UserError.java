package looop;

/**
 * An error the user can cause and fix: bad input, a bad config, a missing
 * binary. Its message is one line that says what is wrong and how to fix it;
 * the command surface prints it without a stack trace (unless --verbose).
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(message, 1);
    }

    public UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
