package looop.sandbox;

import java.util.Locale;

/** How hard looop insists on a sandbox: "auto", "required" or "off". */
public enum Mode {
    /** Sandbox when a backend works here, else run unwrapped and say so. */
    AUTO,
    /** Refuse every command that cannot be sandboxed. */
    REQUIRED,
    /** Never sandbox. */
    OFF;

    /** The spelling used in looop.json. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Mode parse(String value) {
        for (Mode m : values()) {
            if (m.key().equals(value)) return m;
        }
        throw new SandboxConfigError("sandbox.mode must be \"auto\", \"required\" or \"off\", not \"" + value + "\"");
    }
}
