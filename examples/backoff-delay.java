///usr/bin/env jbang "$0" "$@" ; exit $?
//SOURCES ../lib/looop/gate/Backoff.java
import java.nio.file.Path;
import java.time.Clock;
import looop.gate.Backoff;

class BackoffDelay {
    public static void main(String... args) {
        System.out.println(new Backoff(Path.of(args[0]), Clock.systemUTC()).remaining(args[1]));
    }
}
