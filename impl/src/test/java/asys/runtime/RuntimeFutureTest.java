package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The futures the runtime hands out (a call's {@code future()}, an identity's {@code ended()})
 * are the runtime's to complete: nobody else can complete or cancel them, and a wait on one that
 * could never end fails at once.
 */
class RuntimeFutureTest {

    @Test
    void cancellingACallsFutureIsRefusedAndTheCallRunsToItsOutcome() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            List<CallHandle<Object>> calls = new ArrayList<>();
            onLoop(u, () -> calls.add(u.submit(() -> {
                gate.pass();
                return "finished";
            }, r -> { })));
            CompletableFuture<CallHandle<Object>> f = calls.get(0).future();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> f.cancel(true));
            assertTrue(e.getMessage().contains("cancellation is not part of asys"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> f.complete(null));
            assertThrows(UnsupportedOperationException.class, () -> f.completeExceptionally(new Exception()));
            assertThrows(UnsupportedOperationException.class, () -> f.obtrudeValue(null));
            assertFalse(f.isCancelled());
            gate.open();
            assertEquals("finished", done(calls.get(0)).value());
        }
    }

    @Test
    void aTimeoutOnACallsFutureAppliesToACopy() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            List<CallHandle<Object>> calls = new ArrayList<>();
            onLoop(u, () -> calls.add(u.submit(() -> {
                gate.pass();
                return "finished";
            }, r -> { })));
            CompletableFuture<CallHandle<Object>> f = calls.get(0).future();
            CompletableFuture<CallHandle<Object>> timed = f.orTimeout(1, TimeUnit.MILLISECONDS);
            Throwable t = assertThrows(Exception.class, timed::join);
            assertInstanceOf(TimeoutException.class, t.getCause());
            assertFalse(f.isDone(), "the call's own future is not failed by a timeout on it");
            gate.open();
            assertEquals("finished", f.get(10, TimeUnit.SECONDS).value());
        }
    }

    @Test
    void anIdentitysEndedIsNotCompletableFromOutside() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            assertThrows(UnsupportedOperationException.class, () -> u.ended().complete(null));
            assertThrows(UnsupportedOperationException.class, () -> u.ended().cancel(false));
            assertFalse(u.ended().isDone(), "the identity is live");
            u.close();
            u.ended().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void aCallThatWaitsForItsOwnCompletionFailsAtOnce() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            List<CallHandle<Object>> calls = new ArrayList<>();
            onLoop(u, () -> {
                CallHandle<Object>[] self = new CallHandle[1];
                self[0] = u.submit(() -> Blocking.get(self[0].future()), r -> { });
                calls.add(self[0]);
                CallHandle<Object>[] joins = new CallHandle[1];
                joins[0] = u.submit(() -> joins[0].future().join(), r -> { });
                calls.add(joins[0]);
                calls.add(u.submit(() -> Blocking.get(u.ended()), r -> { }));
            });
            for (CallHandle<Object> c : calls) {
                CallHandle<Object> d = done(c);
                assertInstanceOf(IllegalStateException.class, d.error(), () -> "call " + d);
                assertTrue(d.error().getMessage().contains("it would wait for ever"), d.error().getMessage());
            }
            assertEquals(2, h.rt.counters().sparesPooled(), "no worker is held: " + h.rt.counters());
        }
    }
}
