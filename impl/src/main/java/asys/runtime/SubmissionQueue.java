package asys.runtime;

/**
 * An identity's submission queue: the calls submitted on its loop and not yet run, in order
 * (below the spec's grain: there a call is submitted at its Submit step). Carrier only. A ring
 * that doubles when full, as {@link java.util.ArrayDeque}, and goes back to {@link #KEPT_SLOTS}
 * slots when the loop is idle after a burst ({@link #trim}). Three arrays side by side, a slot
 * an index into each; a slot holds a call in one of two ways:
 * <ul>
 * <li>a call made for a handle or a future is its own {@link CallRecord}, in {@code calls}, its
 *     {@code idsAndFlags} entry {@link #RECORD};
 * <li>a call submitted with {@link Identity#execute(int, Call, OutcomeHandler)} is its code,
 *     handler, and id and flags, one in each array. {@link #poll} gives it to the loop's
 *     record ({@link #loopRecord}), one for all such calls, by its id and flags alone: its code
 *     and handler stay in their slot, the one {@link #pinned}, which no call takes until
 *     the loop is done with them ({@link #ran}, {@link #next}). Once the call was delivered on
 *     its caller's stack (QUICK or EAGAIN) the record is free for the next one. A call that
 *     blocked keeps the record (a worker and the completion queue hold it), with its code and
 *     handler copied into it first ({@link #unpin}, by HookFire before the handoff): the next
 *     such call gets a new record.
 * </ul>
 * So a quick call of the execute form makes no object and stores no reference but the two its
 * submitter puts in the queue, which the queue needs anyway: a reference stored into an object
 * that has lived a while costs G1's write barrier, a StoreLoad fence when the object and the
 * referent are in different regions, as the record and the call usually are. What it touches
 * stays small: three array entries, read in order, and one record, the same for every call;
 * the loop tells the two kinds of slot apart by the entry it reads for the call's id.
 */
final class SubmissionQueue {

    /** The identity whose calls these are (the owner of the records made here). */
    private final Identity identity;
    /** Per slot: the call's code (a {@link Call}) or its own record (a {@link CallRecord}), its
     *  handler (an {@link OutcomeHandler}; null beside a record), and its id and flags in one
     *  long ({@link #FLAG_BITS}), or {@link #RECORD}. The references are cleared once the loop
     *  is done with them ({@link #ran}, {@link #next}, {@link #unpin}), so that the queue keeps
     *  nothing of a call past its step. Arrays of {@code Object}, as
     *  {@link java.util.ArrayDeque}'s: a store into a {@code Call[]} must check that the code's
     *  class implements {@code Call} (a search of its interfaces, in JDK 25's compiled code),
     *  one into an {@code Object[]} only that the array is an {@code Object[]}. */
    private Object[] calls = new Object[16];
    private Object[] handlers = new Object[16];
    private long[] idsAndFlags = new long[16];
    /** The flags' bits at the bottom of a slot's {@link #idsAndFlags}, the id above them. */
    private static final int FLAG_BITS = 2;
    static { assert CallFlags.ALL < 1 << FLAG_BITS; }
    /** A slot's {@link #idsAndFlags} when its call is a record of its own, in {@link #calls}
     *  (no call's id is negative). */
    private static final long RECORD = -1;
    /** The oldest slot, how many are taken, and the ring's length less one (a power of two less
     *  one: a slot's index is masked with it; a field, not the arrays' length, so that the loop
     *  reads one int rather than an array's header). */
    private int head, size, mask = 15;
    /**
     * The record the loop runs execute-form calls in: null (none made yet), free, or carrying
     * the call the loop runs now (busy until released). One whose call blocked stays busy with
     * it, and {@link #poll} makes another.
     */
    private CallRecord<?> loopRecord;
    /**
     * The slot whose code and handler the loop's record carries now, or -1 (the record is free,
     * or carries its own: {@link #unpin}). While set, the loop's record is busy, the slot is the
     * one just before {@link #head} (no other call is taken while the call runs: the loop runs
     * one step at a time), and {@link #slot} does not hand it out (the call's handler, which runs
     * in the same step, may queue calls).
     */
    private int pinned = -1;

    SubmissionQueue(Identity identity) { this.identity = identity; }

    boolean isEmpty() { return size == 0; }

    /** Queues a call made for a handle or a future. */
    void add(CallRecord<?> x) {
        int i = slot();   // first: it may grow the arrays
        calls[i] = x;
        idsAndFlags[i] = RECORD;
    }

    /** Queues a call of the execute form. */
    void add(long id, int flags, Call<?> call, OutcomeHandler<?> handler) {
        int i = slot();
        calls[i] = call;
        handlers[i] = handler;
        idsAndFlags[i] = id << FLAG_BITS | flags;
    }

    /** Takes the slot after the last call's (room made first when the ring is full or about to
     *  be: one compare on the common path). */
    private int slot() {
        int k = size;
        if (k >= mask) makeRoom();
        size = k + 1;
        return (head + k) & mask;
    }

    /** The ring has one free slot or none: the pinned slot freed when the next call would take
     *  it (calls queued by its call's handler), the ring grown when full. */
    private void makeRoom() {
        if (size == mask && pinned >= 0) unpin();
        if (size == mask + 1) grow();
    }

    private void grow() {
        int n = mask + 1, m = 2 * n;
        if (m < 0) throw new IllegalStateException("submission queue full");
        resize(m);
    }

    /** The ring made {@code m} slots long, its calls from index 0 on (m holds them all). */
    private void resize(int m) {
        unpin();   // (the slot's index would not survive the move)
        Object[] c = new Object[m];
        Object[] h = new Object[m];
        long[] d = new long[m];
        for (int k = 0; k < size; k++) {
            int j = (head + k) & mask;
            c[k] = calls[j];
            h[k] = handlers[j];
            d[k] = idsAndFlags[j];
        }
        calls = c;
        handlers = h;
        idsAndFlags = d;
        mask = m - 1;
        head = 0;
    }

    /** (Fault {@code RecordReusedInFlight}: {@code x}, whose call blocked and is still running,
     *  is made the loop's record again, and free.) */
    void reuseInFlight(CallRecord<?> x) {
        loopRecord = x;
        x.call = null;
        x.outcomeHandler = null;
        x.busy = false;
    }

    /** The slots kept once the queue is empty again after a burst ({@link #trim}). */
    static final int KEPT_SLOTS = 1024;

    int capacity() { return mask + 1; }

    /** The loop is idle: a queue grown past {@link #KEPT_SLOTS} by a burst goes back to that many
     *  slots. */
    void trim() {
        if (size != 0 || mask < KEPT_SLOTS) return;
        resize(KEPT_SLOTS);
    }

    /** Takes the oldest call's record (for an execute-form call, the loop's record, made that
     *  call: its code and handler stay in their slot, {@link #pinned}); null when empty. */
    CallRecord<?> poll() {
        if (size == 0) return null;
        int i = head;
        if (idsAndFlags[i] == RECORD) {
            CallRecord<?> x = (CallRecord<?>) calls[i];
            calls[i] = null;
            head = (i + 1) & mask;
            size--;
            return x;
        }
        CallRecord<?> r = loopRecord;
        if (r == null || r.busy) loopRecord = r = new CallRecord<>(identity);   // the first, or the last one's call is in flight
        return carry(r);
    }

    /**
     * The loop's step ran {@code x}: {@link #ran}, then {@link #poll}, in one step where both
     * calls are of the execute form and the first was delivered on its caller's stack: the loop's
     * record takes the next call in place, busy throughout (its slot moves on to the next call's;
     * the record gets only its id and flags). The last call's slot is cleared after the next
     * call's is read: a reference cleared in an array has G1's barrier, whose slow path is a
     * call, after which the compiled code would read the queue's fields again.
     */
    CallRecord<?> next(CallRecord<?> x) {
        int i = head;
        long v;
        if (size == 0 || (v = idsAndFlags[i]) == RECORD || !x.renewForNext()) {
            ran(x);
            return poll();
        }
        head = (i + 1) & mask;
        size--;
        int p = pinned;
        pinned = i;
        x.fill(v >>> FLAG_BITS, (int) v & CallFlags.ALL);
        if (p >= 0) {          // the last call's code and handler in their slot (the record held neither)
            calls[p] = null;
            handlers[p] = null;
        } else {               // or in the record, unpinned while the call ran
            x.call = null;
            x.outcomeHandler = null;
        }
        return x;
    }

    /** The oldest call, of the execute form, carried by the loop's record {@code r}, free. */
    private CallRecord<?> carry(CallRecord<?> r) {
        int i = head;
        head = (i + 1) & mask;
        size--;
        long v = idsAndFlags[i];
        r.fill(v >>> FLAG_BITS, (int) v & CallFlags.ALL);
        pinned = i;
        return r;
    }

    /** The code of the call the loop's record carries (in its pinned slot, or its own). */
    Call<?> call(CallRecord<?> x) {
        Call<?> c = x.call;
        return c != null ? c : (Call<?>) calls[pinned];
    }

    /** The handler of the execute-form call {@code x} (in its pinned slot, or its own). */
    OutcomeHandler<?> handler(CallRecord<?> x) {
        OutcomeHandler<?> h = x.outcomeHandler;
        return h != null ? h : (OutcomeHandler<?>) handlers[pinned];
    }

    /**
     * The loop's record keeps its call's code and handler itself, and the slot they were in is
     * free: before the call goes to a worker (HookFire, before the handoff: the next carrier
     * polls and queues), and before the ring would take the slot. Plain writes; nothing fails.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void unpin() {
        int i = pinned;
        if (i < 0) return;
        CallRecord r = loopRecord;
        r.call = (Call) calls[i];
        r.outcomeHandler = (OutcomeHandler) handlers[i];
        calls[i] = null;
        handlers[i] = null;
        pinned = -1;
    }

    /**
     * The loop's step ran {@code x}: the loop's record whose call was delivered on its caller's
     * stack is free for the next execute-form call, its references cleared; one whose call is
     * still in flight keeps its code and handler itself.
     */
    void ran(CallRecord<?> x) {
        if (x.reusable()) {
            int i = pinned;
            if (i >= 0) {          // its code and handler in their slot (the record holds neither)
                calls[i] = null;
                handlers[i] = null;
                pinned = -1;
            } else {               // or in the record, unpinned while the call ran
                x.call = null;
                x.outcomeHandler = null;
            }
            x.release();
        } else if (x == loopRecord) {
            unpin();
        }
    }
}
