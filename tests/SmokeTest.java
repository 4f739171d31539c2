package looop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void idsRefusePathTricks() {
        for (String bad : new String[] {"", "..", ".hidden", "a/b", "a\\b"}) {
            assertEquals(true, Ids.problem(bad) != null, bad);
        }
        assertEquals(null, Ids.problem("fix-ci_2"));
    }
}
