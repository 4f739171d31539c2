package looop.notify;

/** One place notifications go. send throws with a one-line reason (no secrets in it) when the event did not get there. */
public interface Channel {
    /** Stable while the channel's config is unchanged: what the outbox records as delivered. */
    String key();

    /** How status and logs name it: its type and, for URLs, the host only. */
    String describe();

    boolean wants(String kind);

    void send(Event e) throws Exception;
}
