package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Errors in the runtime's own steps lose nothing. A stack overflow in the middle of a handoff, a
 * thread from the factory that never runs the runtime's code: each call still gets exactly one
 * outcome, the loop goes on, and close ends every thread.
 */
class FailureAtomicityTest {

    /** Recurses to the edge of the stack, then blocks; where the block overflows the stack, one
     *  frame up tries again, until the hook's handoff fits. */
    static int blockAtTheEdgeOfTheStack(int depth) throws InterruptedException {
        try {
            return blockAtTheEdgeOfTheStack(depth + 1);
        } catch (StackOverflowError e) {
            Blocking.sleep(Duration.ofMillis(1));
            return depth;
        }
    }

    @RepeatedTest(7)
    void aCallThatBlocksAtTheEdgeOfItsStackIsDeliveredAndItsLoopGoesOn() {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(1))) {
            Identity u = h.rt.newIdentity("u");
            List<CallHandle<Object>> calls = new ArrayList<>();
            onLoop(u, () -> calls.add(u.submit(() -> blockAtTheEdgeOfTheStack(0), r -> { })));
            CallHandle<Object> deep = done(calls.get(0));
            assertNull(deep.error(), () -> "error " + deep.error());
            assertInstanceOf(Integer.class, deep.value());
            onLoop(u, () -> calls.add(u.submit(() -> {
                Blocking.sleep(Duration.ofMillis(1));
                return "after";
            }, r -> { })));
            assertEquals("after", done(calls.get(1)).value(), "the loop goes on after the deep call");
        }
    }

    /** Makes threads; once {@code broken} is set, each is a wrapper that fails in its own set-up
     *  ({@code dies}) or never gets round to the runtime's task. */
    static final class WrappingFactory implements ThreadFactory {
        final AtomicBoolean broken = new AtomicBoolean();
        final boolean dies;
        final ConcurrentLinkedQueue<Thread> hung = new ConcurrentLinkedQueue<>();

        WrappingFactory(boolean dies) { this.dies = dies; }

        @Override
        public Thread newThread(Runnable r) {
            Thread t;
            if (!broken.get()) {
                t = new Thread(r);
            } else if (dies) {
                t = new Thread(() -> { throw new IllegalStateException("the wrapper's set-up failed"); });
                t.setUncaughtExceptionHandler((th, e) -> { });
            } else {
                t = new Thread(() -> {
                    try {
                        Thread.sleep(Long.MAX_VALUE);   // never gets to r
                    } catch (InterruptedException e) {
                        // the test ends it
                    }
                });
                hung.add(t);
            }
            t.setDaemon(true);
            return t;
        }
    }

    @Test
    void aThreadThatDiesBeforeRunningTheRuntimesTaskIsAFailedStartAndTheCallGetsEagain() throws Exception {
        WrappingFactory f = new WrappingFactory(true);
        Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).threadLimit(4).threadFactory(f));
        Identity u = h.rt.newIdentity("u");
        Harness.Gate held = Harness.emptyThePool(u);
        f.broken.set(true);
        List<CallHandle<Object>> calls = new ArrayList<>();
        onLoop(u, () -> calls.add(u.submit(() -> {
            Blocking.sleep(Duration.ofMillis(1));
            return "ran";
        }, r -> { })));
        CallHandle<Object> c = done(calls.get(0));
        assertEquals(Outcome.EAGAIN, c.outcome());
        assertEquals(EagainReason.NO_SPARE, c.eagainReason());
        assertEquals(2, h.rt.counters().threadsAlive(), "only the identity's carrier and the held worker are alive: " + h.rt.counters());
        assertTrue(h.uncaught.stream().anyMatch(e -> e.getMessage().contains("ended without running the runtime's task")),
                () -> "reported: " + h.uncaught);
        h.uncaught.clear();
        f.broken.set(false);
        onLoop(u, () -> calls.add(u.submit(() -> {
            Blocking.sleep(Duration.ofMillis(1));
            return "ran";
        }, r -> { })));
        assertEquals("ran", done(calls.get(1)).value(), "a later start works, in the freed slot");
        held.open();
        h.close();
    }

    @Test
    void aThreadThatNeverRunsTheRuntimesTaskWithinTheStartTimeoutIsAFailedStart() throws Exception {
        WrappingFactory f = new WrappingFactory(false);
        Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).threadLimit(4).threadFactory(f)
                .threadStartTimeout(Duration.ofMillis(200)));
        try {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate held = Harness.emptyThePool(u);
            f.broken.set(true);
            List<CallHandle<Object>> calls = new ArrayList<>();
            onLoop(u, () -> calls.add(u.submit(() -> "quick", r -> { })));
            CallHandle<Object> c = done(calls.get(0));
            assertEquals(Outcome.EAGAIN, c.outcome());
            assertEquals(EagainReason.NO_SPARE, c.eagainReason());
            assertEquals(2, h.rt.counters().threadsAlive(), "the identity's carrier and the held worker: " + h.rt.counters());
            assertTrue(h.uncaught.stream().anyMatch(e -> e.getMessage().contains("did not run the runtime's task within")),
                    () -> "reported: " + h.uncaught);
            h.uncaught.clear();
            held.open();
            assertTrue(h.rt.close(Duration.ofSeconds(2)), "close does not wait for a thread that never started");
        } finally {
            f.hung.forEach(Thread::interrupt);
        }
    }

    @Test
    void aBuildWhoseFactoryThreadsNeverRunFailsAndSaysSo() {
        WrappingFactory f = new WrappingFactory(true);
        f.broken.set(true);
        List<String> reported = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AsysRuntime.builder().spareCapacity(1)
                .threadFactory(f).uncaughtErrorHandler((what, t) -> reported.add(what)).build());
        assertTrue(e.getMessage().contains("cannot preallocate spare 0"), e.getMessage());
        assertTrue(reported.stream().anyMatch(w -> w.contains("ended without running the runtime's task")), reported::toString);
    }

    @Test
    void aThreadFactoryThatReturnsNullIsReportedToTheUncaughtErrorHandler() {
        List<String> reported = new ArrayList<>();
        AtomicInteger asked = new AtomicInteger();
        AsysRuntime rt = AsysRuntime.builder().spareCapacity(1).threadFactory(r -> {
                    if (asked.getAndIncrement() > 0) return null;   // the pool's spare, then nothing
                    Thread t = new Thread(r);
                    t.setDaemon(true);
                    return t;
                }).uncaughtErrorHandler((what, t) -> reported.add(what)).build();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.newIdentity("u"));
            assertTrue(e.getMessage().contains("see the uncaught-error handler"), e.getMessage());
            assertEquals(List.of("thread factory returned null instead of a thread"), reported);
        } finally {
            assertTrue(rt.close(Duration.ofSeconds(2)));
        }
    }
}
