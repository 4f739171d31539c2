///usr/bin/env jbang "$0" "$@" ; exit $?
//SOURCES ../lib/looop/sense/WorldHash.java
import java.nio.file.Path;
import looop.sense.WorldHash;

class WorldHashOfADataDir {
    public static void main(String... args) {
        if (args.length != 1) { System.err.println("usage: world-hash.java DATA_DIR   (the world hash looop computes for that data dir)"); System.exit(2); }
        System.out.println(WorldHash.compute(Path.of(args[0])));
    }
}
