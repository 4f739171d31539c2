///usr/bin/env jbang "$0" "$@" ; exit $?
//SOURCES ../lib/looop/io/Proc.java
import java.nio.file.Path;
import java.time.Duration;
import looop.io.Proc;

class RunWithTimeout {
    public static void main(String... args) {
        if (args.length != 2) { System.err.println("usage: run-with-timeout.java SECONDS COMMAND   (runs COMMAND, killed after SECONDS; exit 124 then)"); System.exit(2); }
        var spec = new Proc.Spec(args[1], Path.of("."), null, null, Duration.ofSeconds(Long.parseLong(args[0])));
        Proc.Result r = Proc.capture(spec, 0);
        System.out.print(r.stdoutText());
        System.exit(r.exitCode());
    }
}
