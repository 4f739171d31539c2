package looop.sense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import looop.io.Proc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher both ways it can run: the one-fork way (bash 5.1+ with
 * setsid) and the older way an older bash takes, which the variable forces
 * here. Each must give every script its own exit status, output and
 * timeout, and stop what a script left behind when it ends (not only when
 * the box does: it would go on writing that script's output).
 */
class SensorBoxTest {
    @ParameterizedTest(name = "compat={0}")
    @ValueSource(booleans = {false, true})
    void eachScriptGetsItsOwnStatusOutputAndTimeoutAndLeavesNothingBehind(boolean compat, @org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        String tag = "sensorbox-" + compat + "-" + ProcessHandle.current().pid();
        List<Path> scripts = new ArrayList<>();
        scripts.add(script(tmp, "a", "echo one; exit 3"));
        // stuck past its timeout, with a child in its group
        scripts.add(script(tmp, "b", "(exec -a " + tag + " sleep 300) & echo started; sleep 300"));
        for (int i = 0; i < 8; i++) scripts.add(script(tmp, "q" + i, "echo q" + i));
        // ends at once but leaves a child that would go on writing its output while b still runs
        scripts.add(script(tmp, "c", "(exec -a " + tag + " sleep 300) & (sleep 1; echo late) & echo left"));
        Map<String, String> env = new HashMap<>(System.getenv());
        if (compat) env.put("LOOOP_SENSOR_LAUNCHER_COMPAT", "1");
        else env.remove("LOOOP_SENSOR_LAUNCHER_COMPAT");
        Path scratch = SensorBox.scratch(tmp.resolve("state"));

        List<Proc.Result> r = SensorBox.run(scripts, scratch, tmp, env, argv -> argv, 4, 1 << 20, 3);

        assertEquals(3, r.get(0).exitCode());
        assertEquals("one\n", text(r.get(0)));
        assertTrue(r.get(1).timedOut(), "b ran past its timeout");
        assertEquals("started\n", text(r.get(1)));
        for (int i = 0; i < 8; i++) {
            assertEquals(0, r.get(2 + i).exitCode(), "q" + i);
            assertEquals("q" + i + "\n", text(r.get(2 + i)));
            assertFalse(r.get(2 + i).timedOut());
        }
        assertEquals(0, r.get(10).exitCode());
        assertEquals("left\n", text(r.get(10)));
        assertEquals(List.of(), ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(tag)).map(p -> p.info().commandLine().orElse("")).toList(),
                "a script's processes outlived the box");
        assertFalse(Files.exists(scratch), "the scratch dir is gone");
    }

    private static String text(Proc.Result r) {
        return new String(r.stdout(), StandardCharsets.UTF_8);
    }

    private static Path script(Path dir, String name, String body) throws Exception {
        Path s = dir.resolve(name + ".sh");
        Files.writeString(s, "#!/bin/bash\n" + body + "\n");
        s.toFile().setExecutable(true);
        return s;
    }
}
