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
            List<CompletableFuture<CallHandle<Integer>>> fs = new ArrayList<>();
            synchronized (handles) {
                for (CallHandle<Integer> h : handles) fs.add(h.future());
            }
            for (int i = 0; i < n; i++) {
                CallHandle<Integer> done = fs.get(i).get(10, TimeUnit.SECONDS);
                assertSame(handles.get(i), done);
                assertEquals(i, done.value());
            }
            assertEquals(n, handlerRan.size());
        }
    }

    @Test
    void theFutureAskedForInsideTheHandlerCompletesRightAfterIt() throws Exception {
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            Identity u = rt.newIdentity("u");
            AtomicReference<CompletableFuture<CallHandle<String>>> f = new AtomicReference<>();
            AtomicReference<Boolean> doneInHandler = new AtomicReference<>();
            u.execute(() -> u.submit(() -> "v", r -> {
                f.set(r.future());
                doneInHandler.set(f.get().isDone());
            }));
            assertEquals("v", waitFor(f).get(10, TimeUnit.SECONDS).value());
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
        CompletableFuture<CallHandle<String>> f = handle.future();
        gate.complete("late");
        assertEquals("late", f.get(10, TimeUnit.SECONDS).value());
        assertTrue(rt.close(Duration.ofSeconds(10)));
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
