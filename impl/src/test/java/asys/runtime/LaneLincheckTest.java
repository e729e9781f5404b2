package asys.runtime;

import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * Lincheck (model checking of interleavings, from Lincheck's own scheduler) on a lane's pool of
 * spares, used as the runtime uses it: each thread takes spares (Submit) and gives back only the
 * ones it holds (CompleteInline, WorkerFinish); a give to a full pool fails (the thread exits).
 * The spec's pool is a set: a take may return any spare, so the results compared are whether a
 * take got one and whether a give was kept, and every concurrent history must be one that the
 * pool, used by one thread at a time, could have produced. A take that finds nothing while the
 * pool was never empty during it would be a spurious EAGAIN (NO_SPARE) for an ATOMIC call.
 */
public class LaneLincheckTest {

    private final Lane lane = new Lane(0, 2, 1);
    /** The spares each Lincheck thread holds (only that thread touches its own); Lincheck's
     *  thread ids are 1, 2, 3. */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<KThread>[] hands = new ArrayDeque[4];

    public LaneLincheckTest() {
        int id = 1;
        for (int t = 1; t < hands.length; t++) {
            hands[t] = new ArrayDeque<>();
            hands[t].push(new KThread(id++, lane, null, KThread.State.RESERVED));
        }
        lane.give(new KThread(id, lane, null, KThread.State.POOLED));   // one spare pooled at the start
    }

    /** Submit's take: true when a spare was taken (it goes to the taker's hand). */
    static boolean take(KThread taken, ArrayDeque<KThread> hand) {
        if (taken == null) return false;
        hand.push(taken);
        return true;
    }

    /** A spare from {@code hand} goes back: true when kept, false when the pool is full, null when the hand is empty. */
    static Boolean give(ArrayDeque<KThread> hand, java.util.function.Predicate<KThread> pool) {
        KThread t = hand.poll();
        return t == null ? null : pool.test(t);
    }

    @Operation
    public boolean take(@Param(gen = ThreadIdGen.class) int me) { return take(lane.take(), hands[me]); }

    @Operation
    public Boolean give(@Param(gen = ThreadIdGen.class) int me) { return give(hands[me], lane::give); }

    @Test
    void takesAndGivesAreLinearizable() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).threads(3).actorsPerThread(3)
                .check(this.getClass());
    }

    /** The same pool with its take's compare-and-set split into a read and a write: two takes
     *  can then both get the one spare (the spec's PoolConservation, broken). */
    static final class RacyLane {
        private final java.util.concurrent.atomic.AtomicReferenceArray<KThread> slots = new java.util.concurrent.atomic.AtomicReferenceArray<>(2);

        KThread take() {
            for (int i = slots.length() - 1; i >= 0; i--) {
                KThread t = slots.get(i);
                if (t != null) {
                    slots.set(i, null);
                    return t;
                }
            }
            return null;
        }

        boolean give(KThread t) {
            for (int i = 0; i < slots.length(); i++) {
                if (slots.get(i) == null && slots.compareAndSet(i, null, t)) return true;
            }
            return false;
        }
    }

    /** The teeth: Lincheck on the racy pool, used the same way, must find a history no
     *  sequential use of a pool could produce. */
    public static class RacyLaneUse {
        private final RacyLane lane = new RacyLane();
        @SuppressWarnings("unchecked")
        private final ArrayDeque<KThread>[] hands = new ArrayDeque[4];

        public RacyLaneUse() {
            for (int t = 1; t < hands.length; t++) hands[t] = new ArrayDeque<>();
            lane.give(new KThread(1, null, null, KThread.State.POOLED));
        }

        @Operation
        public boolean take(@Param(gen = ThreadIdGen.class) int me) { return LaneLincheckTest.take(lane.take(), hands[me]); }

        @Operation
        public Boolean give(@Param(gen = ThreadIdGen.class) int me) { return LaneLincheckTest.give(hands[me], lane::give); }
    }

    @Test
    void aPoolWhoseTakeIsNotAtomicIsCaught() {
        org.junit.jupiter.api.Assertions.assertThrows(org.jetbrains.lincheck.LincheckAssertionError.class, () ->
                new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).threads(3).actorsPerThread(2)
                        .check(RacyLaneUse.class));
    }
}
