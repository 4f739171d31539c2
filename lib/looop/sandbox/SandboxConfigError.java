package looop.sandbox;

/**
 * A bad "sandbox" section in looop.json. The message is one line naming the
 * key and what it accepts, so the caller can show it as it is (looop maps it
 * to its UserError) without a stack trace.
 */
public final class SandboxConfigError extends IllegalArgumentException {
    public SandboxConfigError(String message) {
        super(message);
    }
}
