//SOURCES ExitCode.java
package looop.io;

/**
 * An error the user can cause and fix: bad input, a bad config, a missing
 * binary. Its message is one line that says what is wrong and how to fix it;
 * the command surface prints it without a stack trace (unless --verbose).
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(message, ExitCode.FAILED);
    }

    public UserError(String message, int exitCode) {
        super(printable(message));
        this.exitCode = exitCode;
    }

    /**
     * The message as one line a terminal shows as it is. Messages quote what
     * came in (ids, commands, a decider's text), and a control character there
     * (C0, DEL or C1, such as ESC or CSI) could be an escape sequence that
     * rewrites the user's screen: line breaks and tabs become spaces, the rest '?'.
     */
    static String printable(String message) {
        if (message == null) return null;
        StringBuilder b = new StringBuilder(message.length());
        message.codePoints().forEach(c -> {
            if (c == '\n' || c == '\r' || c == '\t') b.append(' ');
            else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) b.append('?');
            else b.appendCodePoint(c);
        });
        return b.toString();
    }

    public int exitCode() {
        return exitCode;
    }
}
