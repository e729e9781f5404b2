package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The submission queue: calls come out in the order they went in, whichever form each was
 * submitted in and however far the ring grew; a slot's record carries one execute-form call at a
 * time, and a slot whose record is still busy when it comes round again gets a new one.
 */
class SubmissionQueueTest {

    private static final Call<Object> CALL = () -> null;
    private static final OutcomeHandler<Object> HANDLER = (o, v, e) -> { };

    @Test
    void callsOfBothFormsComeOutInOrderAcrossGrowthAndWrapping() {
        SubmissionQueue q = new SubmissionQueue();
        long next = 1, expected = 1;
        for (int round = 0; round < 5; round++) {
            int n = 7 + 31 * round;   // grows from 16 to 256 slots, with the head at every offset
            for (int i = 0; i < n; i++, next++) {
                if (next % 3 == 0) q.add(new CallRecord<>(next, null, 0, CALL, null, (CompletionHandler<Object>) r -> { }));
                else q.add(null, next, 0, CALL, HANDLER);
            }
            for (int i = 0; i < n - 3; i++, expected++) {   // three left behind each round
                CallRecord<?> x = q.poll();
                assertEquals(expected, x.id, "call " + expected + " next");
                if (x.busy) x.release();   // delivered at once: its slot's record is free again
            }
        }
        for (int i = 0; i < 3 * 5; i++, expected++) assertEquals(expected, q.poll().id);
        assertTrue(q.isEmpty());
        assertNull(q.poll());
    }

    @Test
    void aQueueGrownByABurstGoesBackToItsKeptSlotsOnceEmpty() {
        SubmissionQueue q = new SubmissionQueue();
        int burst = 4 * SubmissionQueue.KEPT_SLOTS + 1;
        for (int i = 1; i <= burst; i++) q.add(null, i, 0, CALL, HANDLER);
        q.trim();
        assertEquals(8 * SubmissionQueue.KEPT_SLOTS, q.capacity(), "not while calls are queued");
        for (int i = 1; i <= burst; i++) {
            CallRecord<?> x = q.poll();
            assertEquals(i, x.id);
            x.release();
        }
        q.trim();
        assertEquals(SubmissionQueue.KEPT_SLOTS, q.capacity(), "empty: back to the kept slots");
        for (int i = 1; i <= 3 * SubmissionQueue.KEPT_SLOTS; i++) q.add(null, i, 0, CALL, HANDLER);   // and grows again
        for (int i = 1; i <= 3 * SubmissionQueue.KEPT_SLOTS; i++) assertEquals(i, q.poll().id);
    }

    @Test
    void aSlotsRecordIsReusedOnceFreeAndReplacedWhileItsCallIsInFlight() {
        SubmissionQueue q = new SubmissionQueue();
        q.add(null, 1, 0, CALL, HANDLER);
        CallRecord<?> first = q.poll();
        assertTrue(first.busy);
        first.release();                       // QUICK, delivered: free
        List<CallRecord<?>> seen = new ArrayList<>();
        for (int i = 0; i < 16; i++) {         // round the ring once: back to the first slot
            q.add(null, 2 + i, 0, CALL, HANDLER);
            CallRecord<?> x = q.poll();
            seen.add(x);
            if (i < 15) x.release();
        }
        assertSame(first, seen.get(15), "the first slot's record, free, carries the call that comes round to it");
        CallRecord<?> inFlight = seen.get(15);  // not released: its call blocked
        for (int i = 0; i < 16; i++) {
            q.add(null, 100 + i, 0, CALL, HANDLER);
            CallRecord<?> x = q.poll();
            if (i == 15) {
                assertNotSame(inFlight, x, "a busy record is left to its call: the slot makes another");
                assertEquals(115, x.id);
            }
            x.release();
        }
        assertEquals(17, inFlight.id, "the call in flight keeps its record as it was");
        assertTrue(inFlight.busy);
    }
}
