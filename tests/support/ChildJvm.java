package looop;

import java.util.ArrayList;
import java.util.List;

/** The command line that runs looop in a fresh JVM on this test run's classpath, as $LOOOP_BIN does. */
public final class ChildJvm {
    private ChildJvm() {}

    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public static List<String> looop(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "looop.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** `java … <main> <args>` on this test run's classpath. */
    public static List<String> command(String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
