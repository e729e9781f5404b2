package asys.runtime;

/**
 * An identity's submission queue: the calls submitted on its loop and not yet run, in order
 * (below the spec's grain: there a call is submitted at its Submit step). Carrier only. A ring
 * that doubles when full, as {@link java.util.ArrayDeque}, and goes back to {@link #KEPT_SLOTS}
 * slots when the loop is idle after a burst ({@link #trim}), with two records per slot:
 * <ul>
 * <li>{@code queued}: a call made for a handle or a future is its own {@link CallRecord}, queued
 *     here;
 * <li>{@code own}: a call submitted with {@link Identity#execute(int, Call, OutcomeHandler)} is
 *     written into the record its slot keeps, made the first time the slot is used. The loop runs
 *     it in that record, and once it was delivered on its caller's stack (QUICK or EAGAIN) the
 *     record is free for the slot's next call ({@link CallRecord#release}). A record still busy
 *     when its slot comes round again (its call blocked, and a worker or the completion queue
 *     holds it) is left to them: the slot makes a new one.
 * </ul>
 * So a quick call of the execute form makes no object and stores two references (its code and
 * its handler, into the record that carries it): G1 charges a barrier for each.
 */
final class SubmissionQueue {

    /** Per slot: the record made for a handle or a future, or null (the slot's call is in {@code own}). */
    private CallRecord<?>[] queued = new CallRecord<?>[16];
    /** Per slot: the record the slot keeps for execute-form calls, or null (not made yet). */
    private CallRecord<?>[] own = new CallRecord<?>[16];
    /** The oldest slot, and how many are taken. */
    private int head, size;

    boolean isEmpty() { return size == 0; }

    /** Queues a call made for a handle or a future. */
    void add(CallRecord<?> x) {
        int i = slot();   // first: it may grow the arrays
        queued[i] = x;
    }

    /** Queues a call of the execute form, written into its slot's record. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void add(Identity u, long id, int flags, Call<?> call, OutcomeHandler<?> handler) {
        int i = slot();
        CallRecord r = own[i];
        if (r == null || r.busy) own[i] = r = new CallRecord<>(u);   // first use, or its last call is still in flight
        r.fill(id, flags, call, handler);
    }

    /** Takes the slot after the last call's. */
    private int slot() {
        int i = tail();
        size++;
        return i;
    }

    /** The slot after the last call's (the queue grown first when it is full). */
    private int tail() {
        if (size == own.length) grow();
        return (head + size) & (own.length - 1);
    }

    private void grow() {
        int n = own.length, m = 2 * n;
        if (m < 0) throw new IllegalStateException("submission queue full");
        CallRecord<?>[] q = new CallRecord<?>[m], o = new CallRecord<?>[m];
        for (int k = 0; k < n; k++) {
            int j = (head + k) & (n - 1);
            q[k] = queued[j];
            o[k] = own[j];
        }
        queued = q;
        own = o;
        head = 0;
    }

    /** (Fault {@code RecordReusedInFlight}: {@code x}, whose call blocked and is still running,
     *  is made the record of the slot the next call goes to, and free.) */
    void reuseInFlight(CallRecord<?> x) {
        own[tail()] = x;
        x.busy = false;
    }

    /** The slots kept once the queue is empty again after a burst ({@link #trim}). */
    static final int KEPT_SLOTS = 1024;

    int capacity() { return own.length; }

    /** The loop is idle: a queue grown past {@link #KEPT_SLOTS} by a burst goes back to that many
     *  slots, and the records of the others (a burst of execute-form calls made one per slot) to
     *  the collector. A busy one among them stays with its call. */
    void trim() {
        if (size != 0 || own.length <= KEPT_SLOTS) return;
        queued = new CallRecord<?>[KEPT_SLOTS];
        own = java.util.Arrays.copyOf(own, KEPT_SLOTS);
        head = 0;
    }

    /** Takes the oldest call's record; null when empty. */
    CallRecord<?> poll() {
        if (size == 0) return null;
        int i = head;
        head = (i + 1) & (own.length - 1);
        size--;
        CallRecord<?> x = queued[i];
        if (x == null) return own[i];
        queued[i] = null;
        return x;
    }
}
