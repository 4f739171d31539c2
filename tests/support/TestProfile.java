package looop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import looop.io.Fs;
import looop.profile.Paths;

/** A throwaway profile in a temp dir, with a settable clock, for tests that never touch $HOME. */
public final class TestProfile {
    public final Path dir;
    public final Paths paths;
    public final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));

    public TestProfile(Path dir) {
        this(dir, Map.of());
    }

    public TestProfile(Path dir, Map<String, String> extraEnv) {
        this.dir = dir;
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", dir.resolve("home").toString());
        // a launcher without class data sharing: its first call would otherwise spend seconds recording an archive
        env.put("LOOOP_CDS", "0");
        env.putAll(extraEnv);
        this.paths = Paths.at(dir, env);
    }

    public Path write(String relative, String text) {
        Path p = dir.resolve(relative);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public Path sensor(String name, String body) {
        Path p = write("sensors/" + name + ".sh", "#!/usr/bin/env bash\n" + body + "\n");
        p.toFile().setExecutable(true);
        return p;
    }

    public String read(String relative) {
        return Fs.readOrNull(dir.resolve(relative));
    }

    /** A clock tests move by hand: no test waits for a real window. */
    public static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        public void advanceSeconds(long s) {
            now = now.plusSeconds(s);
        }

        public void set(Instant t) {
            now = t;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
