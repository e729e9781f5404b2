package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The spare pool adapts: it grows toward demand (a worker or spare coming back stays in its pool
 * while the pool has room, up to spareCapacity), so a loop that blocks in bursts reuses the
 * threads of its earlier bursts; and it shrinks back to its floor as idle spares outlive their
 * keep-alive (the spec's KeepAliveExit), never below it.
 */
class AdaptivePoolTest {

    static final int BURST = 40;

    /** Submits {@code n} calls from one task, each blocked at {@code gate} until the test opens it. */
    static List<CallHandle<Object>> burst(Identity u, Harness.Gate gate, int n) throws InterruptedException {
        List<CallHandle<Object>> calls = new ArrayList<>();
        onLoop(u, () -> {
            for (int i = 0; i < n; i++) {
                calls.add(u.submit(() -> {
                    gate.pass();
                    return "unblocked";
                }, r -> { }));
            }
        });
        gate.awaitBlocked(n);
        return calls;
    }

    /** Waits (at most 10 s) until {@code what} reads {@code expected}; returns what it read last. */
    static long await(LongSupplier what, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long v;
        while ((v = what.getAsLong()) != expected && System.nanoTime() < deadline) Thread.sleep(2);
        return v;
    }

    @Test
    void aPoolGrowsWithTheWorkersThatComeBackSoARepeatedBurstStartsNoThread() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).threadLimit(BURST + 8))) {   // default capacity, floor and keep-alive
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            List<CallHandle<Object>> first = burst(u, gate, BURST);
            long started = h.rt.counters().sparesAllocated();
            assertEquals(BURST - 2, started, "the floor's 2 spares, then one new thread per blocked call");
            gate.open(BURST);
            for (CallHandle<Object> c : first) assertEquals(Outcome.IN_PROGRESS, done(c).outcome());
            assertEquals(BURST, await(() -> h.rt.counters().sparesPooled(), BURST), "every worker back in the pool");

            List<CallHandle<Object>> second = burst(u, gate, BURST);
            assertEquals(started, h.rt.counters().sparesAllocated(), "the second burst runs on the threads of the first");
            gate.open(BURST);
            for (CallHandle<Object> c : second) assertEquals("unblocked", done(c).value());
            assertEquals(0, h.rt.counters().keepAliveExits(), "nothing idle for the default keep-alive");
        }
    }

    @Test
    void idleSparesAboveTheFloorExitAfterTheKeepAliveAndTheFloorStays() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).threadLimit(BURST + 8).spareFloor(3)
                .spareKeepAlive(Duration.ofMillis(20)))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            List<CallHandle<Object>> calls = burst(u, gate, BURST);
            gate.open(BURST);
            for (CallHandle<Object> c : calls) done(c);
            assertEquals(3, await(() -> h.rt.counters().sparesPooled(), 3), "the pool shrinks to its floor");
            Thread.sleep(100);   // five keep-alives more: the floor is not taken
            Counters c = h.rt.counters();
            assertEquals(3, c.sparesPooled());
            assertEquals(4, c.threadsAlive(), "the floor's spares and the loop's carrier");
            assertEquals(BURST - 3, c.keepAliveExits(), "every spare above the floor exited on its keep-alive");
            List<String> exits = h.events("KeepAliveExit");
            assertEquals(BURST - 3, exits.size(), "one KeepAliveExit event each");
            assertTrue(exits.get(0).contains("\"lane\":0"), exits.get(0));
        }
    }

    @Test
    void withoutTracingSparesTimingOutTogetherStillLeaveTheFloor() throws Exception {
        // No trace sink: no step is serialised by the tracer, and the spares above the floor time
        // out at about the same moment; the keep-alive exits must not all see the pool above its floor.
        try (AsysRuntime rt = AsysRuntime.builder().lanes(1).threadLimit(BURST + 8).spareFloor(3)
                .spareKeepAlive(Duration.ofMillis(20)).build()) {
            Identity u = rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            List<CallHandle<Object>> calls = burst(u, gate, BURST);
            gate.open(BURST);
            for (CallHandle<Object> c : calls) done(c);
            assertEquals(BURST - 3, await(() -> rt.counters().keepAliveExits(), BURST - 3));
            Thread.sleep(100);
            assertEquals(3, rt.counters().sparesPooled(), "the floor");
            assertEquals(BURST - 3, rt.counters().keepAliveExits());
        }
    }

    @Test
    void aSparePutToWorkBeforeItsKeepAliveRunsOutIsNotTheOneThatExits() throws Exception {
        // One spare above the floor, used by a quick call every few milliseconds, with a keep-alive of
        // 50 ms: the quick calls keep taking the spare at the top of the pool and the one below it
        // (idle all along) is the one that exits.
        try (Harness h = new Harness(b -> b.lanes(1).threadLimit(8).spareFloor(1).spareKeepAlive(Duration.ofMillis(50)))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            List<CallHandle<Object>> two = burst(u, gate, 2);   // two workers: the pool grows to 2 when they finish
            gate.open(2);
            for (CallHandle<Object> c : two) done(c);
            await(() -> h.rt.counters().sparesPooled(), 2);
            for (int i = 0; i < 60; i++) {
                List<CallHandle<Object>> q = new ArrayList<>();
                onLoop(u, () -> q.add(u.submit(() -> "quick", r -> { })));
                assertEquals(Outcome.QUICK, done(q.get(0)).outcome());
                Thread.sleep(2);
            }
            assertEquals(1, await(() -> h.rt.counters().sparesPooled(), 1));
            assertEquals(1, h.rt.counters().keepAliveExits());
            String exited = null, lastSpare = null;
            synchronized (h.trace) {
                for (String e : h.trace) {
                    if (e.contains("\"action\":\"KeepAliveExit\"")) exited = Harness.field(e, "thread");
                    if (e.contains("\"action\":\"Submit\"") && Harness.field(e, "spare") != null) lastSpare = Harness.field(e, "spare");
                }
            }
            assertTrue(exited != null && !exited.equals(lastSpare), "the idle spare " + exited + " exits, not the one in use " + lastSpare);
        }
    }

    @Test
    void withSpareWaitACallThatFindsNoThreadWaitsForOneToComeBackToItsPool() throws Exception {
        // Thread limit 3: the loop's carrier, the floor's spare, one more. Two calls blocked hold
        // two workers; the third finds no spare and no thread to start, and waits in the allocator
        // until the first call's worker comes back to the pool.
        try (Harness h = new Harness(b -> b.lanes(1).threadLimit(3).spareFloor(1).spareWait(Duration.ofSeconds(10)))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate first = new Harness.Gate(), second = new Harness.Gate();
            List<CallHandle<Object>> calls = java.util.Collections.synchronizedList(new ArrayList<>());
            calls.add(Harness.submitThrough(u, first, "first", r -> { }));
            first.awaitBlocked(1);
            calls.add(Harness.submitThrough(u, second, "second", r -> { }));
            second.awaitBlocked(1);
            u.execute(() -> calls.add(u.submit(() -> "third", r -> { })));   // the loop waits in the allocator
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (calls.size() < 3 && System.nanoTime() < deadline) Thread.sleep(1);
            CallHandle<Object> third = calls.get(2);
            Thread.sleep(50);
            assertEquals(Outcome.PENDING, third.outcome(), "the third call is still in the allocator");
            first.open();
            assertEquals("third", done(third).value());
            assertEquals(Outcome.QUICK, third.outcome(), "it ran, on the spare that came back");
            second.open();
            done(calls.get(1));
            boolean fromPool = h.events("Allocate").stream().anyMatch(e -> e.contains("\"pooled\":true"));
            assertTrue(fromPool, "an Allocate event with a spare from the pool");
        }
    }

    @Test
    void withSpareWaitACallThatNothingFreesGetsEagainOnceTheWaitIsOver() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).threadLimit(2).spareFloor(1).spareWait(Duration.ofMillis(30)))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            CallHandle<Object> held = Harness.submitThrough(u, gate, "held", r -> { });
            gate.awaitBlocked(1);
            List<CallHandle<Object>> calls = new ArrayList<>();
            long t0 = System.nanoTime();
            onLoop(u, () -> calls.add(u.submit(() -> "never ran", r -> { })));
            CallHandle<Object> refused = done(calls.get(0));
            assertEquals(Outcome.EAGAIN, refused.outcome());
            assertEquals(EagainReason.NO_SPARE, refused.eagainReason());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(30), "it waited its 30 ms first");
            gate.open();
            assertEquals("held", done(held).value());
        }
    }

    @Test
    void aFixedPoolTimesNothingOut() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(2).spareFloor(2).spareKeepAlive(Duration.ofMillis(1)))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            List<CallHandle<Object>> calls = burst(u, gate, 4);
            gate.open(4);
            for (CallHandle<Object> c : calls) assertNull(done(c).error());
            Thread.sleep(20);
            assertEquals(0, h.rt.counters().keepAliveExits());
            assertEquals(2, h.rt.counters().sparesPooled(), "a full pool: the other workers exited as they finished");
        }
    }
}
