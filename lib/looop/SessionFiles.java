package looop;

import java.nio.file.Path;

/**
 * Where one session keeps what must outlive its terminal: state, exit code,
 * flag note, how it was started, and everything it printed.
 *
 * <pre>
 * sessions/&lt;id&gt;/state       starting | running | exited | killed
 * sessions/&lt;id&gt;/exit_code   the command's exit code, once it ended
 * sessions/&lt;id&gt;/note        the flag note while the worker waits for a human
 * sessions/&lt;id&gt;/meta.json   {"id","runner","command","started_unix","prompt_file"}
 * sessions/&lt;id&gt;/output.log  everything the terminal printed, as it was printed
 * sessions/&lt;id&gt;/run.sh      the wrapper tmux runs: waits for capture, runs, records the end
 * </pre>
 */
public record SessionFiles(Path dir) {
    public static SessionFiles of(Paths paths, String id) {
        return new SessionFiles(paths.sessions().resolve(id));
    }

    public Path state() { return dir.resolve("state"); }
    public Path exitCode() { return dir.resolve("exit_code"); }
    public Path note() { return dir.resolve("note"); }
    public Path meta() { return dir.resolve("meta.json"); }
    public Path output() { return dir.resolve("output.log"); }
    public Path wrapper() { return dir.resolve("run.sh"); }
}
