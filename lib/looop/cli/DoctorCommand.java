package looop.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "doctor", description = "Check java, jbang, tmux, the runners' binaries, the data dir and the config; exit 1 if any required check fails.")
final class DoctorCommand implements Callable<Integer> {
    @ParentCommand Main root;

    public Integer call() {
        java.util.List<Doctor.Check> checks = new Doctor(root.ctx.profile()).run();
        if (root.json()) root.printJson(Doctor.json(checks));
        else root.ctx.out().print(Doctor.text(checks));
        return Doctor.ok(checks) ? 0 : 1;
    }
}
