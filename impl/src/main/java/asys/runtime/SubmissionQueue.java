package asys.runtime;

/**
 * An identity's submission queue: the calls submitted on its loop and not yet run, in order
 * (below the spec's grain: there a call is submitted at its Submit step). Carrier only. A ring
 * that doubles when full, as {@link java.util.ArrayDeque}, and goes back to {@link #KEPT_SLOTS}
 * slots when the loop is idle after a burst ({@link #trim}). A slot holds a call in one of two
 * ways:
 * <ul>
 * <li>{@code queued}: a call made for a handle or a future is its own {@link CallRecord}, queued
 *     here;
 * <li>a call submitted with {@link Identity#execute(int, Call, OutcomeHandler)} is its code,
 *     handler, flags and id, in four arrays beside it. {@link #poll} writes it into the loop's
 *     record ({@link #loopRecord}), one for all such calls, and the loop runs it there; once it
 *     was delivered on its caller's stack (QUICK or EAGAIN) the record is free for the next one
 *     ({@link CallRecord#release}). A call that blocked keeps the record (a worker and the
 *     completion queue hold it): the next such call gets a new one.
 * </ul>
 * So a quick call of the execute form makes no object, and what it touches stays small: four
 * array entries, read in order, and one record, the same for every call.
 */
final class SubmissionQueue {

    /** The identity whose calls these are (the owner of the records made here). */
    private final Identity identity;
    /** Per slot: the record made for a handle or a future, or null (the slot's call is an
     *  execute-form call, in the arrays below). */
    private CallRecord<?>[] queued = new CallRecord<?>[16];
    /** Per slot, for an execute-form call: its code, its handler, its flags and its id. The
     *  references are cleared as the call is taken, so that the queue keeps nothing of it. */
    private Call<?>[] calls = new Call<?>[16];
    private OutcomeHandler<?>[] handlers = new OutcomeHandler<?>[16];
    private int[] flags = new int[16];
    private long[] ids = new long[16];
    /** The oldest slot, and how many are taken. */
    private int head, size;
    /**
     * The record the loop runs execute-form calls in: null (none made yet), free, or carrying
     * the call the loop runs now (busy until released). One whose call blocked stays busy with
     * it, and {@link #poll} makes another.
     */
    private CallRecord<?> loopRecord;

    SubmissionQueue(Identity identity) { this.identity = identity; }

    boolean isEmpty() { return size == 0; }

    /** Queues a call made for a handle or a future. */
    void add(CallRecord<?> x) {
        int i = slot();   // first: it may grow the arrays
        queued[i] = x;
    }

    /** Queues a call of the execute form. */
    void add(long id, int flags, Call<?> call, OutcomeHandler<?> handler) {
        int i = slot();
        calls[i] = call;
        handlers[i] = handler;
        this.flags[i] = flags;
        ids[i] = id;
    }

    /** Takes the slot after the last call's (the queue grown first when it is full). */
    private int slot() {
        if (size == queued.length) grow();
        int i = (head + size) & (queued.length - 1);
        size++;
        return i;
    }

    private void grow() {
        int n = queued.length, m = 2 * n;
        if (m < 0) throw new IllegalStateException("submission queue full");
        resize(m);
    }

    /** The ring made {@code m} slots long, its calls from index 0 on (m holds them all). */
    private void resize(int m) {
        int n = queued.length;
        CallRecord<?>[] q = new CallRecord<?>[m];
        Call<?>[] c = new Call<?>[m];
        OutcomeHandler<?>[] h = new OutcomeHandler<?>[m];
        int[] f = new int[m];
        long[] d = new long[m];
        for (int k = 0; k < size; k++) {
            int j = (head + k) & (n - 1);
            q[k] = queued[j];
            c[k] = calls[j];
            h[k] = handlers[j];
            f[k] = flags[j];
            d[k] = ids[j];
        }
        queued = q;
        calls = c;
        handlers = h;
        flags = f;
        ids = d;
        head = 0;
    }

    /** (Fault {@code RecordReusedInFlight}: {@code x}, whose call blocked and is still running,
     *  is made the loop's record again, and free.) */
    void reuseInFlight(CallRecord<?> x) {
        loopRecord = x;
        x.busy = false;
    }

    /** The slots kept once the queue is empty again after a burst ({@link #trim}). */
    static final int KEPT_SLOTS = 1024;

    int capacity() { return queued.length; }

    /** The loop is idle: a queue grown past {@link #KEPT_SLOTS} by a burst goes back to that many
     *  slots. */
    void trim() {
        if (size != 0 || queued.length <= KEPT_SLOTS) return;
        resize(KEPT_SLOTS);
    }

    /** Takes the oldest call's record (for an execute-form call, the loop's record, filled with
     *  it); null when empty. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    CallRecord<?> poll() {
        if (size == 0) return null;
        int i = head;
        head = (i + 1) & (queued.length - 1);
        size--;
        CallRecord<?> x = queued[i];
        if (x != null) {
            queued[i] = null;
            return x;
        }
        CallRecord r = loopRecord;
        if (r == null || r.busy) loopRecord = r = new CallRecord<>(identity);   // the first, or the last one's call is in flight
        r.fill(ids[i], flags[i], calls[i], handlers[i]);
        calls[i] = null;
        handlers[i] = null;
        return r;
    }
}
