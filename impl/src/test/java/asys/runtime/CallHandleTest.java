package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A handle's future completes exactly when its handler has run, whichever thread asks for it and
 * whenever: before the call is decided, while its handler runs, after, from the loop itself, and
 * after the identity was closed. (The future and the handler's end race without a fence on the
 * fast path; the loop settles the race.)
 */
class CallHandleTest {

    @Test
    void theFutureAskedForFromAnotherThreadCompletesAfterTheHandler() throws Exception {
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            Identity u = rt.newIdentity("u");
            int n = 20_000;
            List<CallHandle<Integer>> handles = new ArrayList<>();
            List<Boolean> handlerRan = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch submitted = new CountDownLatch(1);
            u.execute(() -> {
                for (int i = 0; i < n; i++) {
                    int k = i;
                    synchronized (handles) {
                        handles.add(u.submit(() -> k, r -> handlerRan.add(Boolean.TRUE)));
                    }
                }
                submitted.countDown();
            });
            assertTrue(submitted.await(10, TimeUnit.SECONDS));
            // Asked for while the loop is delivering them: some before, some after their handler.
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            synchronized (handles) {
                for (CallHandle<Integer> h : handles) fs.add(h.future());
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i, fs.get(i).get(10, TimeUnit.SECONDS));
                assertTrue(handles.get(i).isDone());
            }
            assertEquals(n, handlerRan.size());
        }
    }

    @Test
    void theFutureAskedForInsideTheHandlerCompletesRightAfterIt() throws Exception {
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            Identity u = rt.newIdentity("u");
            AtomicReference<CompletableFuture<String>> f = new AtomicReference<>();
            AtomicReference<Boolean> doneInHandler = new AtomicReference<>();
            u.execute(() -> u.submit(() -> "v", r -> {
                f.set(r.future());
                doneInHandler.set(f.get().isDone());
            }));
            assertEquals("v", waitFor(f).get(10, TimeUnit.SECONDS));
            assertEquals(Boolean.FALSE, doneInHandler.get(), "the future completes after the handler, not during it");
        }
    }

    @Test
    void theFutureOfACallOnAClosedIdentityStillCompletes() throws Exception {
        AsysRuntime rt = AsysRuntime.builder().build();
        Identity u = rt.newIdentity("u");
        CompletableFuture<String> gate = new CompletableFuture<>();
        AtomicReference<CallHandle<String>> h = new AtomicReference<>();
        u.execute(() -> h.set(u.submit(() -> Blocking.await(gate), r -> { })));
        CallHandle<String> handle = waitFor(h);
        u.close();                                   // takes no more tasks, but its call is in flight
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> u.execute(() -> { }));
        CompletableFuture<String> f = handle.future();
        gate.complete("late");
        assertEquals("late", f.get(10, TimeUnit.SECONDS));
        assertTrue(rt.close(Duration.ofSeconds(10)));
    }

    @Test
    void theFutureOfACallDeliveredEarlierIsCompleteAtOnceWhenAskedForOnTheLoop() throws Exception {
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            Identity u = rt.newIdentity("u");
            AtomicReference<CallHandle<Integer>> h = new AtomicReference<>();
            CountDownLatch handled = new CountDownLatch(1);
            Harness.onLoop(u, () -> h.set(u.submit(() -> 1, r -> handled.countDown())));
            assertTrue(handled.await(10, TimeUnit.SECONDS));   // no future asked for until now
            CompletableFuture<Boolean> doneAtOnce = new CompletableFuture<>();
            u.execute(() -> doneAtOnce.complete(h.get().future().isDone()));
            assertEquals(Boolean.TRUE, doneAtOnce.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aHandleIsNotDoneUntilItsCallHasRunAndSaysWhatItIsInItsString() throws Exception {
        try (AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1).inFlightLimit(1).build()) {
            Identity u = rt.newIdentity("u");
            List<String> seen = new ArrayList<>();
            AtomicReference<CallHandle<Integer>> ok = new AtomicReference<>(), failed = new AtomicReference<>();
            AtomicReference<CallHandle<Integer>> limited = new AtomicReference<>();
            CompletableFuture<Integer> pending = new CompletableFuture<>();
            Harness.onLoop(u, () -> {
                CallHandle<Integer> x = u.submit(() -> 5, r -> { });
                seen.add(x.isDone() + " " + x);                 // submitted, not run yet
                ok.set(x);
            });
            Harness.done(ok.get());
            Harness.onLoop(u, () -> failed.set(u.submit(() -> { throw new IllegalStateException("bad"); }, r -> { })));
            Harness.done(failed.get());
            Harness.onLoop(u, () -> {
                u.submitStage(CallFlags.NONE, () -> pending, r -> { });   // holds the one in-flight slot
                limited.set(u.submit(() -> 6, r -> { }));
            });
            Harness.done(limited.get());
            pending.complete(0);
            long id = ok.get().id();
            assertEquals(List.of("false call " + id + " PENDING"), seen);
            assertTrue(ok.get().isDone());
            assertEquals("call " + id + " QUICK value 5", ok.get().toString());
            assertEquals("call " + failed.get().id() + " QUICK error java.lang.IllegalStateException: bad", failed.get().toString());
            assertEquals("call " + limited.get().id() + " EAGAIN(LIMIT) value null", limited.get().toString());
        }
    }

    @Test
    void aFailedStageDeliversItsCauseNotTheWrapperAroundIt() throws Exception {
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            Identity u = rt.newIdentity("u");
            IllegalStateException cause = new IllegalStateException("the real failure");
            java.util.concurrent.ExecutionException bare = new java.util.concurrent.ExecutionException(null);
            List<AtomicReference<CallHandle<Integer>>> hs = List.of(new AtomicReference<>(), new AtomicReference<>(),
                    new AtomicReference<>(), new AtomicReference<>());
            CompletableFuture<Integer> later = new CompletableFuture<>();
            Harness.onLoop(u, () -> {
                hs.get(0).set(u.submitStage(0, () -> CompletableFuture.failedFuture(
                        new java.util.concurrent.ExecutionException(cause)), r -> { }));
                hs.get(1).set(u.submitStage(0, () -> CompletableFuture.failedFuture(
                        new java.util.concurrent.CompletionException(cause)), r -> { }));
                hs.get(2).set(u.submitStage(0, () -> CompletableFuture.failedFuture(bare), r -> { }));
                hs.get(3).set(u.submitStage(0, () -> later, r -> { }));
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (hs.get(3).get().outcome() == Outcome.PENDING && System.nanoTime() < deadline) Thread.sleep(1);
            later.completeExceptionally(new java.util.concurrent.ExecutionException(cause));   // after it went IN_PROGRESS
            assertSame(cause, Harness.done(hs.get(0).get()).error(), "an ExecutionException is unwrapped");
            assertSame(cause, Harness.done(hs.get(1).get()).error(), "a CompletionException is unwrapped");
            assertSame(bare, Harness.done(hs.get(2).get()).error(), "a wrapper with no cause is the failure itself");
            assertSame(cause, Harness.done(hs.get(3).get()).error(), "unwrapped when completed later too");
            assertEquals(Outcome.IN_PROGRESS, hs.get(3).get().outcome());
        }
    }

    private static <T> T waitFor(AtomicReference<T> ref) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ref.get() == null) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out");
            Thread.sleep(1);
        }
        return ref.get();
    }
}
