package looop.sandbox;

/**
 * A command refused because mode "required" asks for a sandbox and no backend
 * works here. One line: what is missing and how to fix it.
 */
public final class SandboxUnavailable extends RuntimeException {
    public SandboxUnavailable(String message) {
        super(message);
    }
}
