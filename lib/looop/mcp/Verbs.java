package looop.mcp;

import java.util.List;

/**
 * How the server runs a person's verb: exactly as `looop <args>` would, in
 * this process (cli hands one down, so a tool and its verb share one code
 * path: the same validation, the same files, the same one-line errors).
 */
public interface Verbs {

    /** What one verb did: its exit code and what it printed on stdout and on stderr. */
    record Outcome(int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }
    }

    Outcome run(List<String> args);
}
