package looop;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test class whose every test gets its own profile, hence its own tmux server, killed afterwards. */
public abstract class TmuxTestBase {
    @TempDir
    protected Path dir;

    protected TmuxProfile t;

    protected TmuxProfile profile(String interactive) {
        return profile(interactive, Map.of());
    }

    protected TmuxProfile profile(String interactive, Map<String, String> env) {
        t = new TmuxProfile(dir, env).runner(interactive);
        return t;
    }

    @AfterEach
    void killServer() {
        if (t != null) t.close();
    }
}
