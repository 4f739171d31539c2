package looop;

import java.time.Clock;
import java.util.List;

/** The decider's prompt: instructions, playbook, goals, readings, recent journal; the clock last. */
public final class Prompt {
    private Prompt() {}

    public static String build(Paths paths, List<Sensors.Reading> readings, List<String> journalTail, Clock clock) {
        throw new UnsupportedOperationException("todo");
    }
}
