package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A program that returns from main without closing its runtime: the JVM exits (the runtime's
 * threads are daemons), and the exit hook first gives every call in flight its outcome; what
 * the hook's wait cannot cover is reported, not dropped in silence. Each in a child JVM.
 */
class CloseOnExitTest {

    record Exit(int code, String out, String err, long millis) {}

    private static Exit run(long waitMs, long callMs) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                CloseOnExitMain.class.getName(), Long.toString(waitMs), Long.toString(callMs))).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM exits");
        return new Exit(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void aCallInFlightWhenMainReturnsStillGetsItsOutcomeBeforeTheJvmExits() throws Exception {
        Exit e = run(10_000, 300);
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("main returns"), e.out());
        assertTrue(e.out().contains("outcome: slept"), "the exit hook waited for the call: " + e.out() + e.err());
        assertFalse(e.err().contains("did not close"), e.err());
    }

    @Test
    void aCallLongerThanTheExitWaitIsReportedNamingItsIdentityAndTheJvmStillExits() throws Exception {
        Exit e = run(200, 60_000);
        assertEquals(0, e.code(), e.err());
        assertFalse(e.out().contains("outcome:"), e.out());
        assertTrue(e.err().contains("did not close within PT0.2S") && e.err().contains("forgotten"), e.err());
        assertTrue(e.millis() < 30_000, "exited after the hook's wait, not the call's minute: " + e.millis() + " ms");
    }

    @Test
    void withTheHookOffTheJvmExitsAtOnceAndSaysNothing() throws Exception {
        Exit e = run(0, 60_000);
        assertEquals(0, e.code(), e.err());
        assertFalse(e.out().contains("outcome:"), e.out());
        assertFalse(e.err().contains("did not close"), e.err());
    }
}
