///usr/bin/env jbang "$0" "$@" ; exit $?
//SOURCES ../lib/looop/sense/WorldHash.java
import java.nio.file.Path;
import looop.sense.WorldHash;

class WorldHashOfADataDir {
    public static void main(String... args) {
        System.out.println(WorldHash.compute(Path.of(args[0])));
    }
}
