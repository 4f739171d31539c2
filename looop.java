///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//SOURCES lib/looop/**/*.java
//FILES runners/offline.sh=runners/offline.sh
//FILES sensors/today.sh=sensors/today.sh

/** The JBang entry of looop; the command surface is looop.cli.Main, the modules are under lib/looop/. */
class LooopEntry {
    public static void main(String... args) {
        looop.cli.Main.main(args);
    }
}
