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
            CallHandle<Object> call = Harness.submitThrough(u, gate, "finished", r -> { });
            CompletableFuture<Object> f = call.future();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> f.cancel(true));
            assertTrue(e.getMessage().contains("cancellation is not part of asys"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> f.complete(null));
            assertThrows(UnsupportedOperationException.class, () -> f.completeExceptionally(new Exception()));
            assertThrows(UnsupportedOperationException.class, () -> f.obtrudeValue(null));
            assertFalse(f.isCancelled());
            gate.open();
            assertEquals("finished", done(call).value());
        }
    }

    @Test
    void aTimeoutOnACallsFutureAppliesToACopy() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            CallHandle<Object> call = Harness.submitThrough(u, gate, "finished", r -> { });
            CompletableFuture<Object> f = call.future();
            CompletableFuture<Object> timed = f.orTimeout(1, TimeUnit.MILLISECONDS);
            Throwable t = assertThrows(Exception.class, timed::join);
            assertInstanceOf(TimeoutException.class, t.getCause());
            assertFalse(f.isDone(), "the call's own future is not failed by a timeout on it");
            gate.open();
            assertEquals("finished", f.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aDeliveredCallsFutureGivesItsHandleThroughEveryWayOfReadingIt() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            List<CallHandle<Object>> calls = new ArrayList<>();
            onLoop(u, () -> calls.add(u.submit(() -> "v", r -> { })));
            CallHandle<Object> c = done(calls.get(0));
            CompletableFuture<Object> f = c.future();
            assertEquals("v", f.get());
            assertEquals("v", f.get(1, TimeUnit.SECONDS));
            assertEquals("v", f.join());
            assertEquals("v", f.completeOnTimeout(null, 1, TimeUnit.MILLISECONDS).join(), "a done future's copy has its value");
            assertTrue(f.toString().startsWith("the future of call " + c.id()), f.toString());
            assertEquals(CompletableFuture.class, f.thenApply(String::valueOf).getClass(), "a dependent stage is a plain future, the caller's own");
        }
    }

    @Test
    void anIdentitysEndedIsNotCompletableFromOutside() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            assertThrows(UnsupportedOperationException.class, () -> u.ended().complete(null));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> u.ended().cancel(false));
            assertTrue(e.getMessage().startsWith("identity u's ended(): cancel is refused: the runtime alone completes it, when the loop has ended"),
                    e.getMessage());
            assertFalse(u.ended().isDone(), "the identity is live");
            u.close();
            u.ended().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void aCallThatWaitsForItsOwnCompletionFailsAtOnce() throws Exception {
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
                CallHandle<Object>[] gets = new CallHandle[1];
                gets[0] = u.submit(() -> gets[0].future().get(1, TimeUnit.MINUTES), r -> { });
                calls.add(gets[0]);
                CallHandle<Object>[] plain = new CallHandle[1];
                plain[0] = u.submit(() -> plain[0].future().get(), r -> { });
                calls.add(plain[0]);
                calls.add(u.submit(() -> Blocking.get(u.ended()), r -> { }));
            });
            for (CallHandle<Object> c : calls) {
                CallHandle<Object> d = done(c);
                assertEquals(Outcome.QUICK, d.outcome(), () -> "fails on the loop's own thread, with no handoff: " + d);
                assertInstanceOf(IllegalStateException.class, d.error(), () -> "call " + d);
                assertTrue(d.error().getMessage().contains("it would wait for ever"), d.error().getMessage());
            }
            // No worker is held: both spares come back to the pool (the one the identity kept when
            // its loop goes idle, SpareRelease).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (h.rt.counters().sparesPooled() != 2) {
                assertTrue(System.nanoTime() < deadline, "no worker is held: " + h.rt.counters());
                Thread.sleep(1);
            }
            assertEquals(0, h.rt.counters().hookFires(), "no call handed its identity over");
        }
    }
}
