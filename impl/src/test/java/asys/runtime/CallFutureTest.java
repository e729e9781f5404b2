package asys.runtime;

import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A call's future, the {@code java.util.concurrent} way: submitted from any thread, it completes
 * with the call's value, or exceptionally with the call's own error, or with a
 * {@link CallRejectedException} naming the reason for EAGAIN; an identity is an {@link Executor};
 * a call's code may submit before and after it blocks, and gets the same answer either way.
 */
class CallFutureTest {

    private static final long T = 10;

    @Test
    void aCallSubmittedFromAPlainThreadCompletesItsFutureWithItsValueQuickOrBlocked() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            CompletableFuture<Integer> quick = u.submit(() -> 41 + 1);
            CompletableFuture<String> blocked = u.submit(() -> { Blocking.sleep(Duration.ofMillis(20)); return "slept"; });
            assertEquals(42, quick.get(T, TimeUnit.SECONDS));
            assertEquals("slept", blocked.get(T, TimeUnit.SECONDS));
            assertEquals(2, h.trace.stream().filter(l -> l.contains("\"action\":\"Submit\"")).count(),
                    "the future form goes through the spec's Submit: " + h.trace);
            assertTrue(h.rt.counters().hookFires() >= 1, "the blocked one was handed off");
        }
    }

    @Test
    void aCallThatThrowsFailsItsFutureWithItsOwnErrorNotAWrapper() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            IllegalStateException boom = new IllegalStateException("boom");
            CompletableFuture<Object> quick = u.submit(() -> { throw boom; });
            CompletableFuture<Object> blocked = u.submit(() -> { Blocking.sleep(Duration.ofMillis(10)); throw boom; });
            for (CompletableFuture<Object> f : java.util.List.of(quick, blocked)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(T, TimeUnit.SECONDS));
                assertSame(boom, e.getCause());
                CompletionException c = assertThrows(CompletionException.class, f::join);
                assertSame(boom, c.getCause());
            }
        }
    }

    @Test
    void eagainFailsTheFutureWithACallRejectedExceptionNamingTheReason() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            CompletableFuture<Integer> refused = u.submit(CallFlags.NONBLOCK, () -> { Blocking.sleep(Duration.ofMillis(10)); return 1; });
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(T, TimeUnit.SECONDS));
            CallRejectedException r = assertInstanceOf(CallRejectedException.class, e.getCause());
            assertInstanceOf(RejectedExecutionException.class, r, "an executor's refusal, by convention");
            assertEquals(EagainReason.WOULD_BLOCK, r.reason());
            assertTrue(r.getMessage().contains("EAGAIN (WOULD_BLOCK)"), r.getMessage());
            assertEquals(java.util.List.of("Submit", "WouldBlock"), h.actionsOf(r.callId()));
        }
    }

    @Test
    void overTheInFlightLimitTheFutureIsRejectedWithLimit() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(2).inFlightLimit(1))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            CompletableFuture<Object> first = u.submit(() -> { gate.pass(); return "first"; });
            gate.awaitBlocked(1);
            CompletableFuture<Object> second = u.submit(() -> "second");
            ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(T, TimeUnit.SECONDS));
            assertEquals(EagainReason.LIMIT, assertInstanceOf(CallRejectedException.class, e.getCause()).reason());
            gate.open();
            assertEquals("first", first.get(T, TimeUnit.SECONDS));
        }
    }

    @Test
    void aVoidCallCompletesWithNullOnceItHasRun() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CompletableFuture<Void> f = u.submit(() -> { ranOn.set(Thread.currentThread()); });
            assertNull(f.get(T, TimeUnit.SECONDS));
            assertTrue(ranOn.get().getName().startsWith("asys"), "ran on a runtime thread: " + ranOn.get());
        }
    }

    @Test
    void anIdentityIsAnExecutorThatRunsTasksOnItsLoop() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Executor e = u;
            CompletableFuture<Boolean> onLoop = CompletableFuture.supplyAsync(() -> u.isCarrier(Thread.currentThread()), e);
            assertTrue(onLoop.get(T, TimeUnit.SECONDS));
        }
    }

    @Test
    void aCallsCodeMaySubmitBeforeAndAfterItBlocksAndBothCallsComplete() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            CompletableFuture<String> outer = u.submit(() -> {
                CompletableFuture<String> before = u.submit(() -> "before");
                Blocking.sleep(Duration.ofMillis(10));           // on a worker from here on
                CompletableFuture<String> after = u.submit(() -> "after");
                return Blocking.get(before) + "+" + Blocking.get(after);
            });
            assertEquals("before+after", outer.get(T, TimeUnit.SECONDS));
        }
    }

    @Test
    void theHandlerFormIsRefusedInACallsCodeBeforeAndAfterABlockSayingWhatToUse() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<Throwable> before = new AtomicReference<>(), after = new AtomicReference<>();
            CompletableFuture<Object> f = u.submit(() -> {
                try { u.submit(() -> 1, r -> { }); } catch (IllegalStateException e) { before.set(e); }
                Blocking.sleep(Duration.ofMillis(10));
                try { u.submit(() -> 1, r -> { }); } catch (IllegalStateException e) { after.set(e); }
                return null;
            });
            f.get(T, TimeUnit.SECONDS);
            assertTrue(before.get().getMessage().contains("use submit(call)"), before.get().getMessage());
            assertTrue(after.get().getMessage().contains("use submit(call)"), after.get().getMessage());
        }
    }

    @Test
    void theHandlerFormFromAnotherThreadIsRefusedNamingTheFutureForm() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> u.submit(() -> 1, r -> { }));
            assertTrue(e.getMessage().contains("from any other thread use submit(call)"), e.getMessage());
        }
    }

    @Test
    void aClosedIdentityRejectsAFutureCallAtOnceAndOneQueuedBeforeTheCloseFailsItsFuture() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            u.execute(() -> { try { hold.await(); } catch (InterruptedException ignored) { } });   // the loop is busy
            CompletableFuture<Integer> queued = u.submit(() -> 1);  // its task is queued behind
            u.close();
            assertThrows(RejectedExecutionException.class, () -> u.submit(() -> 2));
            hold.countDown();
            ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(T, TimeUnit.SECONDS));
            assertInstanceOf(RejectedExecutionException.class, e.getCause());
            assertFalse(e.getCause() instanceof CallRejectedException, "not an EAGAIN: the call never reached Submit");
        }
    }

    @Test
    void unknownFlagsAreRefusedNamingThem() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> u.submit(8, () -> 1));
            assertTrue(e.getMessage().contains("0x8"), e.getMessage());
        }
    }

    @Test
    void aNonblockCallsCatchOfExceptionDoesNotSwallowTheWouldBlock() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<String> after = new AtomicReference<>("did not run on");
            CompletableFuture<String> f = u.submit(CallFlags.NONBLOCK, () -> {
                try {
                    Blocking.sleep(Duration.ofMillis(10));
                } catch (Exception e) {
                    after.set("swallowed " + e);
                }
                after.set("ran on as if it had slept");
                return "value";
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(T, TimeUnit.SECONDS));
            assertEquals(EagainReason.WOULD_BLOCK, assertInstanceOf(CallRejectedException.class, e.getCause()).reason());
            assertEquals("did not run on", after.get());
        }
    }

    @Test
    void aNonblockCallThatCatchesTheErrorItselfStillReturnsEagainAndEveryLaterBlockThrowsAgain() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<Throwable> second = new AtomicReference<>();
            CompletableFuture<String> f = u.submit(CallFlags.NONBLOCK, () -> {
                try { Blocking.sleep(Duration.ofMillis(10)); } catch (Throwable t) { /* caught, against the advice */ }
                try { Blocking.sleep(Duration.ofMillis(10)); } catch (Throwable t) { second.set(t); }
                return "value";
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(T, TimeUnit.SECONDS));
            assertEquals(EagainReason.WOULD_BLOCK, assertInstanceOf(CallRejectedException.class, e.getCause()).reason());
            assertInstanceOf(WouldBlockError.class, second.get());
            assertEquals(0, h.rt.counters().hookFires(), "it never blocked");
        }
    }
}
