package looop.act.moves;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import looop.io.Fs;

/** Creates or replaces sensors/<name>.sh (mode 0700); a sensor runs every beat, so the run_shell gate holds for it. */
public record WriteSensor(String name, String script) implements Move {
    public static final Kind<WriteSensor> KIND = new Kind<>("write_sensor",
            List.of(Field.id("name", "sensor name"), Field.text("script")),
            a -> new WriteSensor(a.str("name"), a.str("script")), "create or replace sensors/<name>.sh (whole script)",
            "writes sensors/<name>.sh, mode 0700");

    public Kind<?> kind() {
        return KIND;
    }

    public String id() {
        return name;
    }

    private Path file(Context ctx) {
        return ctx.paths.sensors().resolve(name + ".sh");
    }

    public void check(Context ctx) {
        ctx.gate().checkScript(script);
    }

    public void perform(Context ctx) {
        Fs.writeAtomic(ctx.target(file(ctx)), script.getBytes(StandardCharsets.UTF_8), Fs.PRIVATE_SCRIPT);
    }

    public Happened happened(Context ctx) {
        return Context.holds(file(ctx), script);
    }
}
