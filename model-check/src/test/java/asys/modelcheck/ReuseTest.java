package asys.modelcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kept result is reused only for the same spec, config, Fault, expectation, flags and TLC. */
class ReuseTest {

    @Test
    void aResultIsReusedForTheSameKeyAndForNoOther(@TempDir Path tmp) throws Exception {
        Path spec = Files.createDirectories(tmp.resolve("spec"));
        Files.writeString(spec.resolve("A.tla"), "---- MODULE A ----\n====\n");
        Path jar = Files.writeString(tmp.resolve("tla2tools.jar"), "not really a jar");
        Suite.Row row = new Suite.Row("v", "X.cfg", "QuickPosts", Suite.Kind.REJECT, "CompletionOnce", 1);
        String key = Reuse.key(spec, "A", "INIT Init\n", row, List.of(), jar);
        assertEquals(key, Reuse.key(spec, "A", "INIT Init\n", row, List.of(), jar), "a key is a function of its inputs");
        assertNotEquals(key, Reuse.key(spec, "A", "INIT Init2\n", row, List.of(), jar), "the config counts");
        assertNotEquals(key, Reuse.key(spec, "A", "INIT Init\n", new Suite.Row("v", "X.cfg", "-", Suite.Kind.PASS, "", 1),
                List.of(), jar), "the Fault and expectation count");
        assertNotEquals(key, Reuse.key(spec, "A", "INIT Init\n", row, List.of("-coverage", "1"), jar), "TLC's flags count");

        Path dir = Files.createDirectories(tmp.resolve("run"));
        String out;
        try (var in = ReuseTest.class.getResourceAsStream("/tlc-output/pass-liveness.out")) {
            out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("tlc.out"), out);
        Reuse.record(dir, key, new Main.TlcRun(TlcOutput.parse(out, 0), 1.5, Map.of(), 0));
        Main.TlcRun again = Reuse.find(dir, key);
        assertNotNull(again);
        assertEquals(1.5, again.seconds());
        assertEquals(0, again.exitCode());
        assertEquals(TlcOutput.parse(out, 0).distinctStates(), again.output().distinctStates(), "TLC's output read back");

        Files.writeString(spec.resolve("A.tla"), "---- MODULE A ----\nX == 1\n====\n");
        String changed = Reuse.key(spec, "A", "INIT Init\n", row, List.of(), jar);
        assertNotEquals(key, changed, "the spec counts");
        assertNull(Reuse.find(dir, changed), "a run of another spec is not reused");
        assertNull(Reuse.find(tmp.resolve("nothing-here"), key));
    }
}
