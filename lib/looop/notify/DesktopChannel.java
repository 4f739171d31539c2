package looop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import looop.io.Proc;

/**
 * A desktop notice through notify-send (Linux) or osascript (macOS). With
 * neither on PATH there is no desktop to show it on, and the event counts
 * as delivered with a note: retrying would never help.
 */
final class DesktopChannel extends ChannelBase {
    private final Path dir;
    private final Map<String, String> env;

    DesktopChannel(JsonNode config, Set<String> on, Path dir, Map<String, String> env) {
        super(config, on);
        this.dir = dir;
        this.env = env;
    }

    @Override
    public String describe() {
        return "desktop";
    }

    @Override
    public void send(Event e) throws Exception {
        String title = e.title() == null ? "looop" : e.title();
        String text = e.text() == null ? "" : e.text();
        String cmd = "if command -v notify-send >/dev/null 2>&1; then notify-send -a looop -- " + Proc.shellQuote(title) + " "
                + Proc.shellQuote(text) + "; elif command -v osascript >/dev/null 2>&1; then osascript -e "
                + Proc.shellQuote("display notification " + appleString(text) + " with title " + appleString(title))
                + "; else exit 127; fi";
        Proc.Result r = Proc.capture(new Proc.Spec(cmd, dir, env, null, Duration.ofSeconds(10)), 1024);
        if (r.exitCode() == 127) throw new Unavailable("desktop: neither notify-send nor osascript is on PATH");
        if (r.exitCode() != 0) throw new Exception("desktop notifier exited " + r.exitCode() + ": " + r.stderrTail().strip());
    }

    private static String appleString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A channel that can never deliver here: the event is done with it, the reason kept as the last error. */
    static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why);
        }
    }
}
