package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The hot spare ({@link RuntimeBuilder#hotSpare}): once a lane has handed an identity over, the
 * spare its identity's next call reserves or keeps spins instead of parking, woken to spin when
 * it was parked; once the lane has not handed over for the window, every spare parks. Whether a
 * thread spins or parks is its {@link Thread.State}: RUNNABLE while it spins, WAITING once parked.
 * The windows here are seconds long, so that nothing depends on the test's own timing.
 */
class HotSpareTest {

    private static void await(BooleanSupplier there, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!there.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(1);
        }
    }

    private static boolean parked(KThread k) {
        Thread.State s = k.thread.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /** Two calls that block (HookFire, twice within the window: the lane is hot), then a quick one:
     *  the identity keeps the quick call's spare. */
    private static KThread handOverThenKeepASpare(Harness h, Identity u) throws Exception {
        for (int i = 0; i < 2; i++) {
            Harness.Gate gate = new Harness.Gate();
            CallHandle<Object> blocked = Harness.submitThrough(u, gate, "blocked", r -> { });
            gate.awaitBlocked(1);
            gate.open();
            done(blocked);
        }
        List<CallHandle<Object>> quick = new ArrayList<>();
        onLoop(u, () -> {
            quick.add(u.submit(() -> "quick", r -> { }));
            u.execute(() -> { });   // the loop is busy a step longer: the spare is still held after the call
        });
        assertEquals(Outcome.QUICK, done(quick.get(0)).outcome());
        return u.lane.hotSpare;
    }

    @Test
    void afterAHandoffTheSpareKeptForTheNextCallSpinsAndParksOnceTheWindowHasPassed() throws Exception {
        // No spin after idling: only the hot spare spins, and every other thread parks at once.
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(3).spinBeforePark(Duration.ZERO).hotSpare(Duration.ofSeconds(2)))) {
            Identity u = h.rt.newIdentity("u");
            long handedOver = System.nanoTime();
            KThread hot = handOverThenKeepASpare(h, u);
            assertNotNull(hot, "the lane has a hot spare after its handoff");
            if (System.nanoTime() - handedOver < TimeUnit.MILLISECONDS.toNanos(1500)) {
                assertEquals(Thread.State.RUNNABLE, hot.thread.getState(), "the hot spare spins: " + hot);
            }
            await(() -> parked(hot), "the hot spare parks once its lane has not handed over for the window: " + hot);
        }
    }

    @Test
    void withoutTheHotSpareTheSpareKeptForTheNextCallParks() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(3).spinBeforePark(Duration.ZERO).hotSpare(Duration.ZERO))) {
            Identity u = h.rt.newIdentity("u");
            handOverThenKeepASpare(h, u);
            assertEquals(null, u.lane.hotSpare, "no thread is ever the lane's hot spare");
            KThread kept = u.holding ? u.held : null;   // read on the test thread: a snapshot, enough to find the thread
            if (kept != null) await(() -> parked(kept), "the kept spare parks: " + kept);
        }
    }

    @Test
    void aParkedSpareReservedOnAHotLaneIsWokenToSpinAndItsCallsStillGetTheirOneOutcome() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(4).spinBeforePark(Duration.ZERO).hotSpare(Duration.ofSeconds(2)))) {
            Identity u = h.rt.newIdentity("u");
            // Handoffs in a row: each call blocks, so each Submit takes a parked spare from the pool
            // of a lane that handed over moments ago, and wakes it (SPIN) before its HookFire.
            for (int round = 0; round < 50; round++) {
                Harness.Gate gate = new Harness.Gate();
                CallHandle<Object> c = Harness.submitThrough(u, gate, round, r -> { });
                gate.awaitBlocked(1);
                gate.open();
                assertEquals(Outcome.IN_PROGRESS, done(c).outcome());
                assertEquals(round, c.value());
            }
            assertEquals(50, h.events("HookFire").size());
            assertEquals(50, h.events("ReturnToUser").size(), "every spare took its identity over");
            assertTrue(h.uncaught.isEmpty(), h.uncaught.toString());
        }
    }

    @Test
    void badWindowsAreRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AsysRuntime.builder().hotSpare(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("hotSpare must not be negative"), e.getMessage());
        NullPointerException n = org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> AsysRuntime.builder().hotSpare(null));
        assertEquals("hotSpare", n.getMessage());
    }
}
