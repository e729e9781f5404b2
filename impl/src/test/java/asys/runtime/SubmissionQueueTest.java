package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The submission queue: calls come out in the order they went in, whichever form each was
 * submitted in and however far the ring grew; the loop's record carries one execute-form call at a
 * time, its code and handler left in their slot (no reference stored into the record) until the
 * call blocks or the ring needs the slot, and once its call blocked (it stays busy) the loop makes
 * another.
 */
class SubmissionQueueTest {

    private static final Call<Object> CALL = () -> null;
    private static final OutcomeHandler<Object> HANDLER = (o, v, e) -> { };
    /** Two calls and their handlers, each its own object. */
    private static final Call<Object> A = () -> "a", B = () -> "b";
    private static final OutcomeHandler<Object> HA = (o, v, e) -> { }, HB = (o, v, e) -> { };

    @Test
    void callsOfBothFormsComeOutInOrderAcrossGrowthAndWrapping() {
        SubmissionQueue q = new SubmissionQueue(null);
        long next = 1, expected = 1;
        for (int round = 0; round < 5; round++) {
            int n = 7 + 31 * round;   // grows from 16 to 256 slots, with the head at every offset
            for (int i = 0; i < n; i++, next++) {
                if (next % 3 == 0) q.add(new CallRecord<>(next, null, 0, CALL, null, (CompletionHandler<Object>) r -> { }));
                else q.add(next, 0, CALL, HANDLER);
            }
            for (int i = 0; i < n - 3; i++, expected++) {   // three left behind each round
                CallRecord<?> x = q.poll();
                assertEquals(expected, x.id, "call " + expected + " next");
                if (x.busy) deliveredAtOnce(q, x);   // the loop's record is free again
            }
        }
        for (int i = 0; i < 3 * 5; i++, expected++) assertEquals(expected, q.poll().id);
        assertTrue(q.isEmpty());
        assertNull(q.poll());
    }

    @Test
    void aQueueGrownByABurstGoesBackToItsKeptSlotsOnceEmpty() {
        SubmissionQueue q = new SubmissionQueue(null);
        int burst = 4 * SubmissionQueue.KEPT_SLOTS + 1;
        for (int i = 1; i <= burst; i++) q.add(i, 0, CALL, HANDLER);
        q.trim();
        assertEquals(8 * SubmissionQueue.KEPT_SLOTS, q.capacity(), "not while calls are queued");
        for (int i = 1; i <= burst; i++) {
            CallRecord<?> x = q.poll();
            assertEquals(i, x.id);
            deliveredAtOnce(q, x);
        }
        q.trim();
        assertEquals(SubmissionQueue.KEPT_SLOTS, q.capacity(), "empty: back to the kept slots");
        for (int i = 1; i <= 3 * SubmissionQueue.KEPT_SLOTS; i++) q.add(i, 0, CALL, HANDLER);   // and grows again
        for (int i = 1; i <= 3 * SubmissionQueue.KEPT_SLOTS; i++) assertEquals(i, q.poll().id);
    }

    @Test
    void theLoopsRecordCarriesEveryExecuteFormCallUntilOneBlocks() {
        SubmissionQueue q = new SubmissionQueue(null);
        q.add(1, 0, CALL, HANDLER);
        CallRecord<?> first = q.poll();
        assertTrue(first.busy);
        assertSame(CALL, q.call(first));
        deliveredAtOnce(q, first);             // QUICK, delivered: free
        assertNull(first.call, "a free record keeps nothing of its last call");
        for (int i = 0; i < 40; i++) {         // round the ring and past it
            q.add(2 + i, 0, CALL, HANDLER);
            CallRecord<?> x = q.poll();
            assertSame(first, x, "the loop's record, free, carries the next call");
            assertEquals(2 + i, x.id);
            deliveredAtOnce(q, x);
        }
        q.add(42, 0, CALL, HANDLER);
        CallRecord<?> inFlight = q.poll();     // its call blocked: HookFire unpins, and the loop does not free it
        q.unpin();
        q.add(43, CallFlags.NONBLOCK, CALL, HANDLER);
        CallRecord<?> next = q.poll();
        assertNotSame(inFlight, next, "a busy record is left to its call: the loop makes another");
        assertEquals(43, next.id);
        assertTrue(next.nonblock());
        assertEquals(42, inFlight.id, "the call in flight keeps its record as it was");
        assertTrue(inFlight.busy);
        deliveredAtOnce(q, next);
        q.add(44, 0, CALL, HANDLER);
        assertSame(next, q.poll(), "and the new one is the loop's record from then on");
    }

    @Test
    void theLoopsRecordLeavesItsCallsCodeAndHandlerInTheirSlotUntilItsCallGoesToAWorker() {
        SubmissionQueue q = new SubmissionQueue(null);
        q.add(1, 0, A, HA);
        q.add(2, 0, B, HB);
        CallRecord<?> x = q.poll();
        assertNull(x.call, "no reference stored into the record");
        assertNull(x.outcomeHandler);
        assertSame(A, q.call(x));
        assertSame(HA, q.handler(x));
        q.unpin();                             // HookFire, before the handoff
        assertSame(A, x.call, "the record keeps them itself once its call goes to a worker");
        assertSame(HA, x.outcomeHandler);
        assertSame(A, q.call(x));
        assertSame(HA, q.handler(x));
        CallRecord<?> y = q.poll();
        assertNotSame(x, y);
        assertSame(B, q.call(y), "the next call's are its own slot's");
        assertSame(HB, q.handler(y));
        assertSame(A, q.call(x), "and the blocked call's are still its own");
        assertSame(HA, q.handler(x));
    }

    @Test
    void aCallThatWouldTakeThePinnedSlotLeavesTheRunningCallItsCodeAndHandler() {
        SubmissionQueue q = new SubmissionQueue(null);
        Call<Object> running = () -> "running";
        OutcomeHandler<Object> handler = (o, v, e) -> { };
        q.add(1, 0, running, handler);
        CallRecord<?> x = q.poll();
        int slots = q.capacity();
        for (int i = 0; i < 3 * slots; i++) {   // fills the ring to the pinned slot, then grows it
            q.add(2 + i, 0, CALL, HANDLER);
            assertSame(running, q.call(x), "after " + (i + 1) + " calls queued behind it");
            assertSame(handler, q.handler(x));
        }
        deliveredAtOnce(q, x);
        assertNull(x.call, "released: nothing kept");
        for (int i = 0; i < 3 * slots; i++) {
            CallRecord<?> y = q.poll();
            assertEquals(2 + i, y.id);
            assertSame(CALL, q.call(y));
            deliveredAtOnce(q, y);
        }
        assertTrue(q.isEmpty());
    }

    @Test
    void theLoopsRecordTakesTheNextExecuteFormCallInPlaceKeepingNothingOfTheLast() {
        SubmissionQueue q = new SubmissionQueue(null);
        q.add(1, 0, A, HA);
        q.add(2, CallFlags.ATOMIC, B, HB);
        CallRecord<?> x = q.poll();
        CallRecord<?> y = q.next(x);           // QUICK: nothing recorded, the record still PENDING
        assertSame(x, y, "the same record, in place");
        assertTrue(y.busy, "busy throughout");
        assertEquals(2, y.id);
        assertTrue(y.atomic());
        assertSame(B, q.call(y));
        assertSame(HB, q.handler(y));
        q.add(3, 0, A, HA);
        y.decide(Outcome.EAGAIN, EagainReason.NO_SPARE);   // EAGAIN: recorded, delivered
        y.finish(null, null);
        y.delivered();
        CallRecord<?> z = q.next(y);
        assertSame(x, z, "an EAGAIN call's record, renewed, takes the next too");
        assertEquals(Outcome.PENDING, z.outcome(), "as new");
        assertFalse(z.isDone());
        assertEquals(3, z.id);
        assertSame(A, q.call(z));
        CallRecord<Object> handled = new CallRecord<>(4, null, 0, CALL, null, r -> { });
        q.add(handled);
        assertSame(handled, q.next(z), "a handle's record is its own");
        assertFalse(z.busy, "and the loop's record is free meanwhile");
        assertNull(z.call, "keeping nothing of its last call");
        q.add(5, 0, A, HA);
        assertSame(x, q.next(handled), "the loop's record again for the next execute-form call");
        x.decide(Outcome.IN_PROGRESS, null);   // WouldBlock: its state machine runs on, and the loop's step goes on
        q.add(6, 0, B, HB);
        CallRecord<?> w = q.next(x);
        assertNotSame(x, w, "a record whose call is in flight is not taken in place");
        assertSame(A, x.call, "and keeps its call's code and handler");
        assertSame(B, q.call(w));
        assertNull(q.next(w), "empty");
    }

    @Test
    void aQuickCallsRecordLeftPendingAsTheFastPathLeavesItIsTakenAgainWithTheNextCallsOwnFlags() {
        SubmissionQueue q = new SubmissionQueue(null);
        q.add(1, CallFlags.NONBLOCK, A, HA);
        CallRecord<?> x = q.poll();
        assertTrue(x.nonblock(), "call 1 is NONBLOCK");
        assertFalse(x.atomic(), "and not ATOMIC");
        q.ran(x);                              // QUICK on the fast path: no outcome recorded, still PENDING
        assertFalse(x.busy, "free again");
        q.add(2, CallFlags.NONE, B, HB);
        CallRecord<?> y = q.poll();
        assertSame(x, y, "the loop's record, taken again: no new one per quick call");
        assertEquals(2, y.id);
        assertFalse(y.nonblock(), "call 2 has no flags");
        assertFalse(y.atomic(), "call 2 has no flags");
        assertSame(B, q.call(y));
    }

    @Test
    void aQueueThatNeverGrewKeepsItsSlotsWhenTheLoopIdles() {
        SubmissionQueue q = new SubmissionQueue(null);
        int slots = q.capacity();
        q.trim();
        assertEquals(slots, q.capacity(), "trim only shrinks a queue grown past the kept slots");
    }

    /** A request that is its own call and handler, the idiom the execute form is made for. */
    private static final class Request implements Call<Object>, OutcomeHandler<Object> {
        @Override public Object run() { return this; }
        @Override public void onOutcome(Outcome outcome, Object value, Throwable error) { }
    }

    @Test
    void aCallThatIsItsOwnHandlerIsItsOwnHandlerInItsSlotInTheRecordAndAfterASlotReusedByAnother() {
        SubmissionQueue q = new SubmissionQueue(null);
        Request r = new Request(), s = new Request();
        OutcomeHandler<Object> other = (o, v, e) -> { };
        q.add(1, 0, r, r);
        CallRecord<?> x = q.poll();
        assertSame(r, q.call(x));
        assertSame(r, q.handler(x), "its own handler, from its slot");
        deliveredAtOnce(q, x);
        int slots = q.capacity();
        for (int i = 0; i < 2 * slots; i++) {   // round the ring: each slot once its own handler's, once another's
            boolean own = (i + i / slots) % 2 == 0;
            q.add(2 + i, 0, s, own ? s : other);
            CallRecord<?> y = q.poll();
            assertSame(own ? s : other, q.handler(y), "call " + (2 + i) + "'s handler");
            deliveredAtOnce(q, y);
        }
        q.add(100, 0, r, r);
        CallRecord<?> blocked = q.poll();
        q.unpin();                             // HookFire: the record keeps its own
        assertSame(r, blocked.outcomeHandler, "the record keeps the call as its handler");
        assertSame(r, q.handler(blocked));
        q.add(101, 0, s, other);
        CallRecord<?> next = q.poll();
        assertSame(other, q.handler(next));
        assertSame(r, q.handler(blocked), "and the blocked call's is still its own");
        deliveredAtOnce(q, next);
        q.add(102, 0, s, other);
        q.poll();                              // a step that threw past the loop's run: its slot never cleared
        for (int i = 0; i < q.capacity(); i++) {   // round the ring to that slot
            q.add(103 + i, 0, r, r);
            CallRecord<?> y = q.poll();
            assertSame(r, q.handler(y), "call " + (103 + i) + " is its own handler, whatever its slot held");
            deliveredAtOnce(q, y);
        }
    }

    /** What the loop does with a QUICK execute-form call: decided, done, delivered, then ran. */
    private static void deliveredAtOnce(SubmissionQueue q, CallRecord<?> x) {
        x.decide(Outcome.QUICK, null);
        x.finish(null, null);
        x.delivered();
        q.ran(x);
        assertFalse(x.busy, "the loop's record is free after a QUICK call");
    }
}
