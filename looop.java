///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//SOURCES lib/looop/*.java
//FILES runners/offline.sh=runners/offline.sh
//FILES sensors/today.sh=sensors/today.sh

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** looop: a personal control loop shaped like a Kubernetes controller. */
@Command(name = "looop", mixinStandardHelpOptions = true)
public class looop implements Runnable {
    public void run() {
        System.out.println("looop");
    }

    public static void main(String... args) {
        System.exit(new CommandLine(new looop()).execute(args));
    }
}
