///usr/bin/env jbang "$0" "$@" ; exit $?
//SOURCES ../lib/looop/gate/Backoff.java
import java.nio.file.Path;
import java.time.Clock;
import looop.gate.Backoff;

class BackoffDelay {
    public static void main(String... args) {
        if (args.length != 2) { System.err.println("usage: backoff-delay.java BACKOFF_FILE WORLD_HASH   (seconds until that world may be retried)"); System.exit(2); }
        System.out.println(new Backoff(Path.of(args[0]), Clock.systemUTC()).remaining(args[1]));
    }
}
