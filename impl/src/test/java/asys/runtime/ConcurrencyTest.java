package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many calls over several identities with random blocking: every call gets exactly one outcome,
 * and no identity ever runs user code on two threads at once (checked here, independently of the
 * runtime's own owner check).
 */
class ConcurrencyTest {

    static final int IDENTITIES = 4;
    static final int CALLS = 100_000;
    static final int PER_TASK = 50;

    @Test
    void everyCallGetsExactlyOneOutcomeAndNoIdentityRunsOnTwoThreadsAtOnce() throws Exception {
        AtomicInteger uncaught = new AtomicInteger();
        AsysRuntime rt = AsysRuntime.builder().lanes(2).spareCapacity(4).threadLimit(256).inFlightLimit(64)
                .uncaughtErrorHandler((what, t) -> uncaught.incrementAndGet()).build();
        ScheduledExecutorService io = Executors.newSingleThreadScheduledExecutor();
        AtomicIntegerArray results = new AtomicIntegerArray(CALLS);
        CountDownLatch all = new CountDownLatch(CALLS);
        AtomicInteger doubleRuns = new AtomicInteger();
        AtomicInteger expectedErrors = new AtomicInteger(), seenErrors = new AtomicInteger();
        try {
            List<Identity> ids = new ArrayList<>();
            List<AtomicReference<Thread>> running = new ArrayList<>();
            for (int i = 0; i < IDENTITIES; i++) {
                ids.add(rt.newIdentity("id" + i));
                running.add(new AtomicReference<>());
            }
            SplittableRandom rnd = new SplittableRandom(20261125);
            for (int first = 0; first < CALLS; first += PER_TASK) {
                int u = (first / PER_TASK) % IDENTITIES;
                Identity id = ids.get(u);
                AtomicReference<Thread> inUserCode = running.get(u);
                long seed = rnd.nextLong();
                int from = first;
                id.execute(() -> {
                    enter(inUserCode, doubleRuns);
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int c = from; c < from + PER_TASK; c++) {
                        int index = c;
                        int kind = r.nextInt(100);
                        int flags = r.nextInt(10) == 0 ? CallFlags.NONBLOCK : (r.nextInt(10) == 0 ? CallFlags.ATOMIC : 0);
                        CompletionHandler<Object> handler = h -> {
                            enter(inUserCode, doubleRuns);
                            if (h.error() != null) seenErrors.incrementAndGet();
                            results.incrementAndGet(index);
                            all.countDown();
                            exit(inUserCode);
                        };
                        if (kind < 80) {
                            id.submit(flags, () -> index, handler);                           // quick
                        } else if (kind < 90) {
                            id.submit(flags, () -> {                                          // blocks once
                                Blocking.sleep(Duration.ofNanos(20_000));
                                return index;
                            }, handler);
                        } else if (kind < 93) {
                            id.submit(flags, () -> {                                          // blocks repeatedly
                                for (int b = 0; b < 3; b++) Blocking.sleep(Duration.ofNanos(10_000));
                                return index;
                            }, handler);
                        } else if (kind < 96) {
                            // an even one blocks first: NONBLOCK turns it into EAGAIN, not an error
                            if ((index & 1) == 1 || (flags & CallFlags.NONBLOCK) == 0) expectedErrors.incrementAndGet();
                            id.submit(flags, () -> {                                          // throws
                                if ((index & 1) == 0) Blocking.sleep(Duration.ofNanos(10_000));
                                throw new IllegalStateException("call " + index);
                            }, handler);
                        } else {
                            id.submitStage(flags, () -> {                                     // state machine
                                CompletableFuture<Object> f = new CompletableFuture<>();
                                io.schedule(() -> f.complete(index), 50, TimeUnit.MICROSECONDS);
                                return f;
                            }, handler);
                        }
                    }
                    exit(inUserCode);
                });
            }
            assertTrue(all.await(120, TimeUnit.SECONDS), () -> "only " + (CALLS - all.getCount()) + " of " + CALLS + " outcomes");
        } finally {
            assertTrue(rt.close(Duration.ofSeconds(30)), "runtime did not close");
            io.shutdownNow();
        }
        for (int i = 0; i < CALLS; i++) assertEquals(1, results.get(i), "call " + i + " outcomes");
        assertEquals(0, doubleRuns.get(), "an identity ran user code on two threads at once");
        assertEquals(0, rt.ownerViolations());
        assertEquals(0, uncaught.get());
        Counters c = rt.counters();
        assertEquals(CALLS, c.quick() + c.inProgress() + c.eagain(), c.toString());
        assertTrue(c.hookFires() > 1000, "random blocking fired hooks: " + c);
        assertTrue(seenErrors.get() <= expectedErrors.get() && seenErrors.get() > 0, seenErrors + " errors");
        assertEquals(0, c.threadsAlive());
    }

    private static void enter(AtomicReference<Thread> inUserCode, AtomicInteger doubleRuns) {
        Thread me = Thread.currentThread();
        Thread other = inUserCode.get();
        if (other == me) return;   // a handler running inside this thread's task: the same carrier
        if (!inUserCode.compareAndSet(null, me)) doubleRuns.incrementAndGet();
    }

    private static void exit(AtomicReference<Thread> inUserCode) {
        inUserCode.compareAndSet(Thread.currentThread(), null);
    }
}
