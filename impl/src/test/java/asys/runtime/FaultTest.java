package asys.runtime;

import static asys.runtime.Harness.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Faults: whatever fails, every submitted call gets exactly one outcome, the counters add up, and
 * no thread is left behind once the runtime is closed.
 */
class FaultTest {

    /** A thread factory that records its threads and fails on demand. */
    static final class Factory implements java.util.concurrent.ThreadFactory {
        final ConcurrentLinkedQueue<Thread> made = new ConcurrentLinkedQueue<>();
        final AtomicBoolean fail = new AtomicBoolean();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            if (fail.get()) {
                failures.incrementAndGet();
                throw new IllegalStateException("thread factory: no more threads");
            }
            Thread t = new Thread(r, "fault-" + made.size());
            t.setDaemon(true);
            made.add(t);
            return t;
        }
    }

    private static void assertCountersAddUp(AsysRuntime rt, int calls) {
        Counters c = rt.counters();
        assertEquals(calls, c.quick() + c.inProgress() + c.eagain(), "counters " + c);
        assertEquals(0, c.threadsAlive(), "threads left: " + c);
        assertEquals(0, rt.ownerViolations());
    }

    @Test
    void whenTheThreadFactoryFailsAsASpareIsNeededTheCallGetsEagainAndNothingIsLost() throws Exception {
        Factory f = new Factory();
        List<Throwable> uncaught = new ArrayList<>();
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1).threadFactory(f)
                .uncaughtErrorHandler((what, t) -> { synchronized (uncaught) { uncaught.add(t); } }).build();
        Identity u = rt.newIdentity("u");
        Harness.Gate held = Harness.emptyThePool(u);
        f.fail.set(true);   // from now on no thread can be made: the pool is empty, so every call needs one
        List<CallHandle<Integer>> hs = new ArrayList<>();
        Harness.onLoop(u, () -> {
            hs.add(u.submit(() -> 1, r -> { }));                               // allocates: fails
            hs.add(u.submit(CallFlags.ATOMIC, () -> 2, r -> { }));             // ATOMIC: no allocation at all
            hs.add(u.submit(() -> { Blocking.sleep(Duration.ofMillis(1)); return 3; }, r -> { }));
        });
        for (CallHandle<Integer> h : hs) {
            done(h);
            assertEquals(Outcome.EAGAIN, h.outcome());
            assertEquals(EagainReason.NO_SPARE, h.eagainReason());
        }
        assertEquals(2, f.failures.get(), "the ATOMIC call never asked the factory");
        synchronized (uncaught) {
            assertEquals(2, uncaught.size());
            assertTrue(uncaught.get(0).getMessage().contains("no more threads"));
        }
        f.fail.set(false);  // the factory recovers: calls get spares again
        assertABlockingCallIsHandedOver(u, 4);
        held.open();
        assertTrue(rt.close(Duration.ofSeconds(10)));
        assertCountersAddUp(rt, 5);
    }

    @Test
    void anInterruptedWorkerFinishesItsCallWithTheInterruptOnceAndInterruptsDoNotDisturbLoopsOrSpares() throws Exception {
        Factory f = new Factory();
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(2).threadFactory(f).build();
        Identity u = rt.newIdentity("u");
        AtomicReference<Thread> worker = new AtomicReference<>();
        CountDownLatch blocking = new CountDownLatch(1);
        CallHandle<String> h = submitFromLoop(u, () -> {
            worker.set(Thread.currentThread());
            blocking.countDown();
            Blocking.sleep(Duration.ofSeconds(30));   // the hook fires: this thread is a worker now
            return "slept";
        });
        assertTrue(blocking.await(10, TimeUnit.SECONDS));
        // Interrupt every runtime thread: the loop's carrier, the pooled spares and the worker.
        for (Thread t : f.made) t.interrupt();
        done(h);
        assertEquals(Outcome.IN_PROGRESS, h.outcome());
        assertInstanceOf(InterruptedException.class, h.error());
        // The loop goes on and the spares still serve: a blocking call is handed over as before.
        assertABlockingCallIsHandedOver(u, 7);
        assertTrue(rt.close(Duration.ofSeconds(10)));
        assertCountersAddUp(rt, 2);
    }

    @Test
    void aCallFailsAtEveryPointWithItsOwnErrorExactlyOnce() throws Exception {
        try (Harness hn = new Harness()) {
            Identity u = hn.rt.newIdentity("u");
            RuntimeException before = new RuntimeException("before blocking");
            RuntimeException after = new RuntimeException("after blocking");
            RuntimeException inStart = new RuntimeException("in StageCall.start");
            RuntimeException byStage = new RuntimeException("the stage completes with an error");
            CompletableFuture<String> failing = new CompletableFuture<>();
            List<CallHandle<String>> hs = new ArrayList<>();
            AtomicInteger handlerRuns = new AtomicInteger();
            Harness.onLoop(u, () -> {
                hs.add(u.submit(() -> { throw before; }, r -> handlerRuns.incrementAndGet()));
                hs.add(u.submit(() -> { Blocking.sleep(Duration.ofMillis(1)); throw after; }, r -> handlerRuns.incrementAndGet()));
                hs.add(u.submitStage(CallFlags.NONE, () -> { throw inStart; }, r -> handlerRuns.incrementAndGet()));
                hs.add(u.submitStage(CallFlags.NONE, () -> failing, r -> handlerRuns.incrementAndGet()));
                hs.add(u.submitStage(CallFlags.NONE, () -> null, r -> handlerRuns.incrementAndGet()));
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (hs.get(3).outcome() == Outcome.PENDING && System.nanoTime() < deadline) Thread.sleep(1);
            failing.completeExceptionally(byStage);   // after its call went IN_PROGRESS
            for (CallHandle<String> h : hs) done(h);
            assertSame(before, hs.get(0).error());
            assertEquals(Outcome.QUICK, hs.get(0).outcome());
            assertSame(after, hs.get(1).error());
            assertEquals(Outcome.IN_PROGRESS, hs.get(1).outcome());
            assertSame(inStart, hs.get(2).error());
            assertSame(byStage, hs.get(3).error());
            assertEquals(Outcome.IN_PROGRESS, hs.get(3).outcome());
            assertInstanceOf(NullPointerException.class, hs.get(4).error());
            assertTrue(hs.get(4).error().getMessage().contains("returned null"), hs.get(4).error().getMessage());
            for (CallHandle<String> h : hs) assertNull(h.value());
            assertEquals(5, handlerRuns.get());
        }
    }

    @Test
    void closeFromInsideAHandlerLetsTheOtherCallsFinishAndEndsEveryThread() throws Exception {
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1).build();
        Identity u = rt.newIdentity("u");
        CompletableFuture<Boolean> closedInside = new CompletableFuture<>();
        CompletableFuture<String> gate = new CompletableFuture<>();
        List<CallHandle<String>> hs = new ArrayList<>();
        Harness.onLoop(u, () -> {
            hs.add(u.submit(() -> Blocking.await(gate), r -> { }));                  // in flight while closing
            hs.add(u.submit(() -> "quick", r -> {
                // close(Duration) on the loop itself cannot wait for the loop: it must not hang
                closedInside.complete(rt.close(Duration.ofSeconds(60)));
            }));
        });
        assertEquals(Boolean.FALSE, closedInside.get(10, TimeUnit.SECONDS), "a close from the loop cannot finish while the loop waits in it");
        gate.complete("late");
        assertEquals("late", done(hs.get(0)).value());
        assertTrue(rt.close(Duration.ofSeconds(10)));
        assertCountersAddUp(rt, 2);
    }

    @Test
    void closeWhileManyCallsAreBeingHandedOverGivesEachExactlyOneOutcome() throws Exception {
        for (int round = 0; round < 20; round++) {
            AsysRuntime rt = AsysRuntime.builder().lanes(2).spareCapacity(2).threadLimit(64).build();
            List<Identity> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) ids.add(rt.newIdentity("u" + i));
            AtomicInteger delivered = new AtomicInteger();
            AtomicInteger submitted = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(ids.size());
            for (Identity u : ids) {
                u.execute(() -> {
                    for (int c = 0; c < 50; c++) {
                        int k = c;
                        try {
                            u.submit(() -> {
                                if (k % 2 == 0) Blocking.sleep(Duration.ofNanos(50_000));
                                return k;
                            }, r -> delivered.incrementAndGet());
                            submitted.incrementAndGet();
                        } catch (IllegalStateException closed) {
                            break;   // the runtime closed under us: this call was never accepted
                        }
                    }
                    started.countDown();
                });
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertTrue(rt.close(Duration.ofSeconds(20)), "round " + round);
            assertEquals(submitted.get(), delivered.get(), "round " + round + ": every accepted call delivered once");
            assertCountersAddUp(rt, submitted.get());
        }
    }

    /** A call that blocks still gets a spare: IN_PROGRESS, with its value. */
    private static void assertABlockingCallIsHandedOver(Identity u, int value) {
        CallHandle<Integer> h = done(submitFromLoop(u, () -> { Blocking.sleep(Duration.ofMillis(1)); return value; }));
        assertEquals(Outcome.IN_PROGRESS, h.outcome());
        assertEquals(value, h.value());
    }

    private static <T> CallHandle<T> submitFromLoop(Identity u, Call<T> call) {
        AtomicReference<CallHandle<T>> h = new AtomicReference<>();
        Harness.onLoop(u, () -> h.set(u.submit(call, r -> { })));
        return h.get();
    }

    @Test
    void closeWithoutATimeoutFromATaskStartsClosingAndReturnsAtOnce() throws Exception {
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1).build();
        Identity u = rt.newIdentity("u");
        CompletableFuture<Boolean> returned = new CompletableFuture<>();
        u.execute(() -> {
            rt.close();   // waiting here would wait for this very thread
            returned.complete(rt.isClosed());
        });
        assertEquals(Boolean.TRUE, returned.get(10, TimeUnit.SECONDS));
        assertTrue(rt.close(Duration.ofSeconds(10)));
        assertCountersAddUp(rt, 0);
    }

    @Test
    void aThreadInterruptedWhileClosingReturnsWithItsInterruptFlagSetAndClosingGoesOn() throws Exception {
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1).build();
        Identity u = rt.newIdentity("u");
        Harness.Gate gate = new Harness.Gate();
        AtomicReference<CallHandle<Integer>> blocked = new AtomicReference<>();
        Harness.onLoop(u, () -> blocked.set(u.submit(() -> { gate.pass(); return 7; }, r -> { })));
        gate.awaitBlocked(1);
        for (boolean withTimeout : new boolean[] {false, true}) {
            CompletableFuture<String> result = new CompletableFuture<>();
            Thread closer = new Thread(() -> {
                String r = withTimeout ? String.valueOf(rt.close(Duration.ofSeconds(60))) : "returned";
                if (!withTimeout) rt.close();
                result.complete(r + ", interrupted " + Thread.currentThread().isInterrupted());
            });
            closer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) Thread.sleep(1);
            closer.interrupt();
            assertEquals((withTimeout ? "false" : "returned") + ", interrupted true", result.get(10, TimeUnit.SECONDS));
        }
        assertTrue(rt.isClosed());
        gate.open();
        assertEquals(7, done(blocked.get()).value(), "the call in flight still gets its outcome");
        assertTrue(rt.close(Duration.ofSeconds(10)));
        assertCountersAddUp(rt, 1);
    }

    @Test
    void aThreadFactoryThatFailsGivesBackTheThreadSlotItWasOffered() {
        Factory f = new Factory();
        List<String> uncaught = new ArrayList<>();
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1).threadLimit(2).threadFactory(f)
                .uncaughtErrorHandler((what, t) -> { synchronized (uncaught) { uncaught.add(what); } }).build();
        f.fail.set(true);
        var e = assertThrows(IllegalStateException.class, () -> rt.newIdentity("u"));
        assertTrue(e.getMessage().contains("the thread factory gave no thread"), e.getMessage());
        f.fail.set(false);
        Identity u = rt.newIdentity("u");   // the one slot left is free again
        assertABlockingCallIsHandedOver(u, 1);
        assertTrue(rt.close(Duration.ofSeconds(10)));
        assertCountersAddUp(rt, 1);
        synchronized (uncaught) {
            assertEquals(List.of("thread factory failed"), uncaught);
        }
    }

    @Test
    void aThreadThatCannotStartIsReportedAndLeavesNoThreadCounted() throws Exception {
        Thread used = new Thread(() -> { });
        used.start();
        used.join();
        AtomicBoolean giveUsed = new AtomicBoolean();
        Factory good = new Factory();
        List<String> uncaught = new ArrayList<>();
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1)
                .threadFactory(r -> giveUsed.get() ? used : good.newThread(r))
                .uncaughtErrorHandler((what, t) -> { synchronized (uncaught) { uncaught.add(what + ": " + t); } }).build();
        int before = rt.counters().threadsAlive();
        giveUsed.set(true);   // a thread that has already run cannot be started again
        var e = assertThrows(IllegalStateException.class, () -> rt.newIdentity("u"));
        assertTrue(e.getMessage().contains("cannot start identity u"), e.getMessage());
        assertEquals(before, rt.counters().threadsAlive());
        synchronized (uncaught) {
            assertEquals(1, uncaught.size());
            assertTrue(uncaught.get(0).startsWith("cannot start a runtime thread: java.lang.IllegalThreadStateException"), uncaught.get(0));
        }
        giveUsed.set(false);
        assertABlockingCallIsHandedOver(rt.newIdentity("v"), 2);
        assertTrue(rt.close(Duration.ofSeconds(10)), "no thread that never started is waited for");
        assertCountersAddUp(rt, 1);
    }

    @Test
    void aBuildThatFailsPartWayEndsTheSparesItHadStarted() throws Exception {
        Factory f = new Factory();
        AtomicInteger asked = new AtomicInteger();
        var e = assertThrows(IllegalStateException.class, () -> AsysRuntime.builder().lanes(1).spareCapacity(3).spareFloor(3)
                .threadFactory(r -> asked.incrementAndGet() <= 2 ? f.newThread(r) : null)
                .uncaughtErrorHandler((w, t) -> { }).build());
        assertTrue(e.getMessage().contains("cannot preallocate spare 2 of lane 0"), e.getMessage());
        assertEquals(2, f.made.size());
        for (Thread t : f.made) {
            t.join(10_000);
            assertFalse(t.isAlive(), t + " was started for the failed build and must have ended");
        }
    }
}
