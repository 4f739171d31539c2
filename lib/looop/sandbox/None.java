package looop.sandbox;

import java.util.List;

/** No confinement: the command runs as it is (mode off, or auto where no backend works). */
public final class None implements Backend {
    private final String reason;

    /** reason: why nothing confines commands, or null when that was asked for (mode off). */
    public None(String reason) {
        this.reason = reason;
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public String unavailableReason() {
        return reason;
    }

    @Override
    public List<String> wrap(List<String> command, List<Mount> plan, boolean network, boolean interactive, Extra extra) {
        return List.copyOf(command);
    }
}
