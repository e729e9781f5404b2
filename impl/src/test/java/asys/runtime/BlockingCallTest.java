package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link Blocking#call}: one line around code that blocks where neither the primitives nor the
 * agent see it. The hook fires before the code runs, so the loop goes on meanwhile; what the code
 * returns or throws comes out unchanged.
 */
class BlockingCallTest {

    @Test
    void theHookFiresBeforeTheCodeRunsSoTheLoopGoesOnMeanwhile() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            CountDownLatch loopRan = new CountDownLatch(1);
            CallHandle<?>[] call = new CallHandle<?>[1];
            onLoop(u, () -> call[0] = u.submit(() -> Blocking.call(() -> {
                // a wait no hook can see: it ends only once the loop has run its next task
                return loopRan.await(5, TimeUnit.SECONDS) ? "loop ran" : "loop stalled";
            }), r -> { }));
            u.execute(loopRan::countDown);
            CallHandle<?> r = done(call[0]);
            assertEquals(Outcome.IN_PROGRESS, r.outcome());
            assertEquals("loop ran", r.value());
            assertEquals(1, h.rt.counters().hookFires());
        }
    }

    @Test
    void aCheckedExceptionComesOutUnchanged() {
        IOException thrown = new IOException("the driver failed");
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            CallHandle<?>[] call = new CallHandle<?>[1];
            onLoop(u, () -> call[0] = u.submit(() -> Blocking.call(() -> {
                throw thrown;
            }), r -> { }));
            assertSame(thrown, done(call[0]).error());
        }
    }

    @Test
    void aNonblockCallGetsEagainAndItsCodeNeverRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            CallHandle<?>[] call = new CallHandle<?>[1];
            onLoop(u, () -> call[0] = u.submit(CallFlags.NONBLOCK, () -> Blocking.call(() -> {
                ran.set(true);
                return 1;
            }), r -> { }));
            CallHandle<?> r = done(call[0]);
            assertEquals(Outcome.EAGAIN, r.outcome());
            assertEquals(EagainReason.WOULD_BLOCK, r.eagainReason());
        }
        assertTrue(!ran.get(), "the code after the refused blocking point did not run");
    }

    @Test
    void outsideACallItJustRunsTheCode() throws Exception {
        assertEquals(7, Blocking.call(() -> 7));
        assertThrows(NullPointerException.class, () -> Blocking.call(null));
    }
}
