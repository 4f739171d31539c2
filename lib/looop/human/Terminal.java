package looop.human;

/** What tell delivery needs of a worker's terminal; the worker engine provides it. */
public interface Terminal {
    boolean alive(String worker);

    /** What the screen shows now (text and cursor), or null when it cannot be read. */
    String fingerprint(String worker);

    /** Types text into the worker's terminal and presses Enter. */
    void type(String worker, String text);
}
