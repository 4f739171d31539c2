package looop;

/**
 * Reads what a runner's stream says it cost. With a cost spec only the spec
 * counts; without one, claude's `result.total_cost_usd` (a run total) and pi's
 * `message_end` `message.usage.cost.total` (summed) are recognised.
 */
public final class Meter {
    public Meter(Config.CostSpec spec) {
        throw new UnsupportedOperationException("todo");
    }

    /** Feeds one line of the runner's merged stdout+stderr. */
    public void accept(String line) {
        throw new UnsupportedOperationException("todo");
    }

    /** Dollars the stream reported, or null when it reported none. */
    public Double cost() {
        throw new UnsupportedOperationException("todo");
    }
}
